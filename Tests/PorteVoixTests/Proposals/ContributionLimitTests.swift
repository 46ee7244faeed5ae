import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
@testable import PorteVoix

/// Plays a member (or a script with a member's account) who sends proposals
/// and comments as fast as the site takes them.
@Suite("Proposals and comments per hour")
struct ContributionLimitTests {
    @Test func pastTheHourlyLimitTheTextIsKeptAndNothingMoreIsSaved() async throws {
        try await withTestApp { app in
            try await SiteSettingsStore.setNumber(SiteSettingsStore.proposalsPerHourSetting, 2, on: app.db)
            let member = try await makeMember(app, "Rapide")
            var browser = Browser(app)
            try await browser.signIn("Rapide")
            let theme = try #require(try await Theme.query(on: app.db).first()).id!.uuidString
            func send(_ title: String) async throws -> TestingHTTPResponse {
                try await browser.submit(["titre": title, "texte": "Un texte assez long pour passer.", "theme": theme],
                                         on: "/propositions/nouvelle")
            }
            #expect(try await send("Première idée").status == .seeOther)
            #expect(try await send("Deuxième idée").status == .seeOther)
            let third = try await send("Troisième idée")
            #expect(third.status == .tooManyRequests)
            #expect(third.text.contains("Vous avez envoyé beaucoup de propositions cette heure-ci"))
            #expect(third.text.contains(#"value="Troisième idée""#), "the title is kept")
            #expect(third.text.contains("Un texte assez long pour passer."), "the text is kept")
            #expect(try await Proposal.query(on: app.db).count() == 2)

            // A paper proposal typed in by a facilitator does not count against anyone.
            try await makeMember(app, "Julien anime", roles: [.facilitator])
            var facilitator = Browser(app)
            try await facilitator.signIn("Julien anime")
            for index in 0..<3 {
                let paper = try await facilitator.submit(["titre": "Papier \(index)", "texte": "Écrit à la main en séance.",
                                                          "theme": theme, "pseudonyme": "Rapide"], on: "/propositions/papier")
                #expect(paper.status == .seeOther)
            }

            // An hour later, the member can send again.
            for proposal in try await Proposal.query(on: app.db).filter(\.$author.$id == member.requireID()).all() {
                proposal.createdAt = proposal.createdAt.addingTimeInterval(-3601)
                try await proposal.save(on: app.db)
            }
            #expect(try await send("Troisième idée").status == .seeOther)
        }
    }

    @Test func commentsPastTheLimitWaitWithTheirText() async throws {
        try await withTestApp { app in
            try await SiteSettingsStore.setNumber(SiteSettingsStore.commentsPerHourSetting, 3, on: app.db)
            try await makeMember(app, "Bavard")
            let proposal = try await makeProposal(app, author: nil)
            var browser = Browser(app)
            try await browser.signIn("Bavard")
            for index in 0..<3 {
                let sent = try await browser.submit(["commentaire": "Commentaire numéro \(index)"], on: proposal.path,
                                                    to: proposal.path + "/commentaires")
                #expect(sent.status == .seeOther)
            }
            let refused = try await browser.submit(["commentaire": "Encore un de plus"], on: proposal.path,
                                                   to: proposal.path + "/commentaires")
            #expect(refused.status == .tooManyRequests)
            #expect(refused.text.contains("Vous avez envoyé beaucoup de commentaires cette heure-ci"))
            #expect(refused.text.contains("Encore un de plus"))
            #expect(try await ProposalComment.query(on: app.db).count() == 3)
        }
    }

    /// A script sends twelve comments at once from one account.
    @Test func sendsAtOnceAreCountedOneAfterTheOther() async throws {
        try await withTestApp { app in
            try await SiteSettingsStore.setNumber(SiteSettingsStore.commentsPerHourSetting, 3, on: app.db)
            try await makeMember(app, "Script")
            let proposal = try await makeProposal(app, author: nil)
            var browser = Browser(app)
            try await browser.signIn("Script")
            let token = try #require(try await browser.get(proposal.path).csrfToken)
            let cookies = browser.cookies
            let statuses = try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
                for index in 0..<12 {
                    group.addTask {
                        var copy = Browser(app)
                        copy.cookies = cookies
                        return try await copy.post(proposal.path + "/commentaires",
                                                   form: ["_csrf": token, "commentaire": "Envoi parallèle \(index)"]).status
                    }
                }
                return try await group.reduce(into: [HTTPStatus]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == .seeOther }.count == 3, "\(statuses)")
            #expect(statuses.filter { $0 == .tooManyRequests }.count == 9)
            #expect(try await ProposalComment.query(on: app.db).count() == 3)
        }
    }

    @Test func administratorsSetTheLimitsWithinBounds() async throws {
        try await withTestApp { app in
            try await makeMember(app, "Adèle admin", roles: [.admin])
            var admin = Browser(app)
            try await admin.signIn("Adèle admin")
            let wrong = try await admin.submit(["minimum": "5", "propositions": "0", "commentaires": "beaucoup",
                                                "adresse": "http://conseil.example.fr"], on: "/admin/reglages")
            #expect(wrong.status == .unprocessableEntity)
            #expect(wrong.text.contains(#"value="beaucoup""#))
            #expect(try await SiteSettingsStore.number(SiteSettingsStore.proposalsPerHourSetting, on: app.db) == 5)
            let saved = try await admin.submit(["minimum": "5", "propositions": "3", "commentaires": "12"], on: "/admin/reglages")
            #expect(saved.status == .seeOther)
            #expect(try await SiteSettingsStore.number(SiteSettingsStore.proposalsPerHourSetting, on: app.db) == 3)
            #expect(try await SiteSettingsStore.number(SiteSettingsStore.commentsPerHourSetting, on: app.db) == 12)
            #expect(try await AuditEntry.query(on: app.db).filter(\.$action == "settings.change").count() == 1)
        }
    }
}
