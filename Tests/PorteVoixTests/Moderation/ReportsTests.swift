import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
@testable import PorteVoix

/// Members report what they find wrong; enough reports hide it until a
/// moderator decides; the author never learns who reported.
@Suite("Reports")
struct ReportsTests {
    func publishedComment(_ app: Application, on proposal: Proposal, by author: Member, body: String) async throws -> ProposalComment {
        let comment = ProposalComment(proposalID: try proposal.requireID(), authorID: try author.requireID(), body: body, at: app.clock.now())
        comment.status = .published
        try await comment.create(on: app.db)
        return comment
    }

    @Test func aCommentReportedByThreeMembersIsHiddenUntilAModeratorRestoresIt() async throws {
        try await withTestApp { app in
            let author = try await makeMember(app, "Camille")
            let proposal = try await makeProposal(app, author: author)
            let comment = try await publishedComment(app, on: proposal, by: author, body: "Un commentaire qui dérange")
            let action = proposal.path + "/commentaires/\(try comment.requireID())/signalement"
            for name in ["Lou", "Sam", "Noé"] {
                try await makeMember(app, name)
                var reporter = Browser(app)
                try await reporter.signIn(name)
                var visitor = Browser(app)
                #expect(try await visitor.get(proposal.path).text.contains("Un commentaire qui dérange"), "visible before \(name)")
                let sent = try await reporter.submit(["raison": "abuse", "commentaire": "Insultant, signé \(name)"],
                                                     on: proposal.path, to: action)
                #expect(sent.status == .seeOther)
                // The same member twice counts once.
                let again = try await reporter.submit(["raison": "abuse"], on: proposal.path, to: action)
                #expect(again.status == .seeOther)
            }
            #expect(try await ContentReport.query(on: app.db).count() == 3)
            var visitor = Browser(app)
            let hiddenPage = try await visitor.get(proposal.path).text
            #expect(!hiddenPage.contains("Un commentaire qui dérange"))
            #expect(hiddenPage.contains("Ce contenu est masqué : plusieurs membres l&#39;ont signalé")
                    || hiddenPage.contains("Ce contenu est masqué : plusieurs membres l'ont signalé"))

            // The author is told, and learns nobody's name.
            let notices = try await MemberNotification.query(on: app.db).filter(\.$member.$id == author.requireID()).all()
            #expect(notices.count == 1)
            for name in ["Lou", "Sam", "Noé"] { #expect(!notices[0].message.contains(name)) }
            var writer = Browser(app)
            try await writer.signIn("Camille")
            let authorsPage = try await writer.get(proposal.path).text
            for name in ["Lou", "Sam", "Noé"] { #expect(!authorsPage.contains(name), "the author's page names no reporter") }

            // A moderator sees why, and restores it.
            try await makeMember(app, "Modo", roles: [.participant, .moderator])
            var moderator = Browser(app)
            try await moderator.signIn("Modo")
            let queue = try await moderator.get("/moderation").text
            #expect(queue.contains("3 signalements : Propos injurieux ou discriminatoires."))
            #expect(queue.contains("Masqué en attendant votre décision"))
            #expect(queue.contains("À relire (1 en attente)"), "the moderators' badge counts the reported comment")
            let restored = try await moderator.submit(["decision": "retablir"], on: "/moderation",
                                                      to: "/moderation/commentaires/\(try comment.requireID())")
            #expect(restored.status == .seeOther)
            #expect(try await visitor.get(proposal.path).text.contains("Un commentaire qui dérange"))
            #expect(try await ContentReport.query(on: app.db).filter(\.$resolvedAt == nil).count() == 0)
            #expect(!(try await moderator.get("/moderation").text.contains("3 signalements")))

            // A decision sticks: the same members cannot hide it again.
            let lou = try #require(try await Member.query(on: app.db).filter(\.$pseudonym == "Lou").first())
            #expect(try await Reports.file(.comment, id: comment.requireID(), by: lou.requireID(), reason: .abuse, comment: "",
                                           on: app.db, now: app.clock.now()) == .alreadyReported)
            #expect(try await ProposalComment.find(comment.id, on: app.db)?.hiddenAt == nil)
        }
    }

    @Test func reportsLeftWithoutEffectAreNeverToldToTheAuthor() async throws {
        try await withTestApp { app in
            let author = try await makeMember(app, "Camille")
            let proposal = try await makeProposal(app, author: author)
            _ = try await Reports.file(.proposal, id: proposal.requireID(), by: try makeMember(app, "Lou").requireID(),
                                       reason: .offTopic, comment: "", on: app.db, now: app.clock.now())
            try await makeMember(app, "Modo", roles: [.participant, .moderator])
            var moderator = Browser(app)
            try await moderator.signIn("Modo")
            #expect(try await moderator.get("/moderation").text.contains("1 signalement : Hors sujet."))
            let kept = try await moderator.submit(["decision": "retablir"], on: "/moderation",
                                                  to: "/moderation/propositions/\(try proposal.requireID())")
            #expect(kept.status == .seeOther)
            #expect(try await MemberNotification.query(on: app.db).count() == 0, "the author never learns it was reported")
            // Written as reports dismissed, not as a restoration the transparency page would count.
            #expect(try await AuditEntry.query(on: app.db).filter(\.$action == "proposal.dismiss").count() == 1)
            #expect(try await TransparencyCounts.load(on: app.db).months.first?.restored == 0)
        }
    }

    @Test func aReportWithoutAReasonComesBackWithWhatWasTyped() async throws {
        try await withTestApp { app in
            let author = try await makeMember(app, "Camille")
            let proposal = try await makeProposal(app, author: author)
            try await makeMember(app, "Lou")
            var reporter = Browser(app)
            try await reporter.signIn("Lou")
            let refused = try await reporter.submit(["raison": "", "commentaire": "Il y a le nom de ma voisine"],
                                                    on: proposal.path, to: proposal.path + "/signalement")
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.text.contains("Choisissez la raison du signalement"))
            #expect(refused.text.contains(">Il y a le nom de ma voisine</textarea>"))
            #expect(try await ContentReport.query(on: app.db).count() == 0)
        }
    }

    @Test func aProposalAModeratorHidesLeavesTheListsAndSaysWhyToThePublic() async throws {
        try await withTestApp { app in
            let author = try await makeMember(app, "Camille")
            let proposal = try await makeProposal(app, title: "Une idée avec une adresse", author: author)
            try await makeMember(app, "Modo", roles: [.participant, .moderator])
            var moderator = Browser(app)
            try await moderator.signIn("Modo")
            let hidden = try await moderator.submit(["decision": "masquer", "raison": "personal_data"], on: "/moderation",
                                                    to: "/moderation/propositions/\(try proposal.requireID())")
            #expect(hidden.status == .seeOther)
            var visitor = Browser(app)
            #expect(!(try await visitor.get("/propositions").text.contains("Une idée avec une adresse")))
            let page = try await visitor.get(proposal.path)
            #expect(page.status == .notFound)
            #expect(page.text.contains("Cette proposition est masquée"))
            #expect(page.text.contains("il contenait des données personnelles"))
            var writer = Browser(app)
            try await writer.signIn("Camille")
            #expect(try await writer.get(proposal.path).text.contains("Une idée avec une adresse"), "its author still reads it")
            let notice = try #require(try await MemberNotification.query(on: app.db).filter(\.$member.$id == author.requireID()).first())
            #expect(notice.message.contains("Raison : Données personnelles"))

            // Hidden by a moderator, it stays in the queue to be restored.
            let queue = try await moderator.get("/moderation").text
            #expect(queue.contains("Masqué par l&#39;équipe de modération") || queue.contains("Masqué par l'équipe de modération"))
            let restored = try await moderator.submit(["decision": "retablir"], on: "/moderation",
                                                      to: "/moderation/propositions/\(try proposal.requireID())")
            #expect(restored.status == .seeOther)
            #expect(try await visitor.get(proposal.path).status == .ok)
        }
    }

    @Test func theNumberOfReportsThatHidesIsASetting() async throws {
        try await withTestApp { app in
            try await SiteSettingsStore.setNumber(Reports.setting, 1, on: app.db)
            let author = try await makeMember(app, "Camille")
            let proposal = try await makeProposal(app, author: author)
            let outcome = try await Reports.file(.proposal, id: proposal.requireID(), by: try makeMember(app, "Lou").requireID(),
                                                 reason: .advertising, comment: "", on: app.db, now: app.clock.now())
            #expect(outcome == .recorded(hidden: true))
            #expect(try await Proposal.find(proposal.id, on: app.db)?.hiddenReason == .reports)
        }
    }

    @Test func aMembersExportHoldsTheirReportsAndNoHiddenTitle() async throws {
        try await withTestApp { app in
            let author = try await makeMember(app, "Camille")
            let lou = try await makeMember(app, "Lou")
            let proposal = try await makeProposal(app, title: "Un titre qui sera masqué", author: author)
            try await ProposalSupport(proposalID: proposal.requireID(), memberID: lou.requireID()).create(on: app.db)
            _ = try await Reports.file(.proposal, id: proposal.requireID(), by: lou.requireID(), reason: .abuse,
                                       comment: "Pas correct", on: app.db, now: app.clock.now())
            try await Reports.decide(.proposal, id: proposal.requireID(), hide: .abuse, on: app.db, now: app.clock.now())
            let export = try await MemberDataExport.make(for: lou, now: Date(), on: app.db)
            #expect(export.mesSignalements.map(\.commentaire) == ["Pas correct"])
            #expect(export.mesSignalements.first?.decide == true)
            #expect(!export.propositionsQueJeSoutiens.contains("Un titre qui sera masqué"))
            let authors = try await MemberDataExport.make(for: author, now: Date(), on: app.db)
            #expect(authors.mesSignalements.isEmpty, "nobody else's reports")
            #expect(authors.mesPropositions.map(\.titre) == ["Un titre qui sera masqué"], "the author keeps their own text")
        }
    }

    @Test func theQueueFiltersByKindReasonAndDetectedData() async throws {
        try await withTestApp { app in
            let author = try await makeMember(app, "Camille")
            let flagged = try await makeProposal(app, title: "Avec un numéro", author: author, status: .submitted)
            flagged.personalData = "phoneNumber"
            try await flagged.save(on: app.db)
            _ = try await makeProposal(app, title: "Sans rien de personnel", author: author, status: .submitted)
            let abusive = try await makeProposal(app, title: "Signalée pour injures", author: author)
            let offTopic = try await makeProposal(app, title: "Signalée hors sujet", author: author)
            let lou = try await makeMember(app, "Lou")
            _ = try await Reports.file(.proposal, id: abusive.requireID(), by: lou.requireID(), reason: .abuse, comment: "", on: app.db, now: app.clock.now())
            _ = try await Reports.file(.proposal, id: offTopic.requireID(), by: lou.requireID(), reason: .offTopic, comment: "", on: app.db, now: app.clock.now())
            try await makeMember(app, "Modo", roles: [.participant, .moderator])
            var moderator = Browser(app)
            try await moderator.signIn("Modo")

            // The overview shows the oldest report of all and leads to the others.
            let everything = try await moderator.get("/moderation").text
            for title in ["Avec un numéro", "Sans rien de personnel", "Signalée pour injures", "Signalements et contenus masqués (2)",
                          "/moderation?quoi=signalements"] {
                #expect(everything.contains(title), "\(title)")
            }
            let reports = try await moderator.get("/moderation?quoi=signalements").text
            #expect(reports.contains("Signalée pour injures") && reports.contains("Signalée hors sujet"))
            let detected = try await moderator.get("/moderation?quoi=propositions&donnees=oui").text
            #expect(detected.contains("Avec un numéro") && !detected.contains("Sans rien de personnel"))
            #expect(!detected.contains("Signalée pour injures"), "only the proposals")
            let abuse = try await moderator.get("/moderation?quoi=signalements&raison=abuse").text
            #expect(abuse.contains("Signalée pour injures") && !abuse.contains("Signalée hors sujet"))
            #expect(!abuse.contains("Avec un numéro"))
            #expect(try await moderator.get("/moderation?quoi=%3Cscript%3E&raison=x").status == .ok, "unknown values show everything")
        }
    }

    /// Reports sent at the same moment are counted one after the other: the
    /// contribution is hidden, once, however the requests interleave.
    @Test func reportsSentTogetherHideTheContributionOnce() async throws {
        try await withTestApp { app in
            let author = try await makeMember(app, "Camille")
            let proposal = try await makeProposal(app, author: author)
            let id = try proposal.requireID()
            var reporters: [UUID] = []
            for index in 0..<6 { reporters.append(try await makeMember(app, "Membre \(index)").requireID()) }
            let outcomes = try await withThrowingTaskGroup(of: Reports.Outcome.self) { group in
                for reporter in reporters {
                    group.addTask { try await Reports.file(.proposal, id: id, by: reporter, reason: .abuse, comment: "", on: app.db, now: app.clock.now()) }
                }
                return try await group.reduce(into: [Reports.Outcome]()) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 == .recorded(hidden: true) }.count == 1)
            #expect(try await Proposal.find(id, on: app.db)?.hiddenReason == .reports)
            #expect(try await AuditEntry.query(on: app.db).filter(\.$action == "proposal.hidden_by_reports").count() == 1)
        }
    }
}
