import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
@testable import PorteVoix

/// Plays a facilitator who types in a paper proposal and names a member as
/// its writer: the member's name must not go on words they did not confirm.
@Suite("Paper proposals and the member they name")
struct PaperAttributionTests {
    @Test func aModeratorNamedOnAPaperProposalCannotPublishIt() async throws {
        try await withTestApp { app in
            try await makeMember(app, "Julien anime", roles: [.facilitator])
            try await makeMember(app, "Sam modère", roles: [.participant, .moderator])
            let theme = try #require(try await Theme.query(on: app.db).first()).id!.uuidString
            var facilitator = Browser(app)
            try await facilitator.signIn("Julien anime")
            try await facilitator.submit(["titre": "Sur papier", "texte": "Écrit à la main pendant la séance.",
                                          "theme": theme, "pseudonyme": "Sam modère"], on: "/propositions/papier")
            let proposal = try #require(try await Proposal.query(on: app.db).first())
            var sam = Browser(app)
            try await sam.signIn("Sam modère")
            let page = try await sam.get(proposal.path)
            #expect(!page.text.contains(#"value="publish""#), "no button to publish words under their own name")
            let forced = try await sam.submit(["action": "publish"], on: proposal.path, to: proposal.path + "/statut")
            #expect(forced.status == .forbidden)
            #expect(try await Proposal.find(proposal.id, on: app.db)?.status == .submitted)
        }
    }

    /// Plays an administrator reading the action log, looking for who wrote
    /// a paper proposal published without a pseudonym.
    @Test func confirmingAnAnonymousPaperProposalLeavesNoNameInTheLog() async throws {
        try await withTestApp { app in
            try await makeMember(app, "Julien anime", roles: [.facilitator])
            try await makeMember(app, "Adèle admin", roles: [.admin])
            let writer = try await makeMember(app, "Écrivaine discrète")
            let theme = try #require(try await Theme.query(on: app.db).first()).id!.uuidString
            var facilitator = Browser(app)
            try await facilitator.signIn("Julien anime")
            try await facilitator.submit(["titre": "Sans mon nom", "texte": "Écrit à la main pendant la séance.", "theme": theme,
                                          "pseudonyme": "Écrivaine discrète", "anonyme": "oui"], on: "/propositions/papier")
            let proposal = try #require(try await Proposal.query(on: app.db).first())
            #expect(proposal.anonymous)
            var browser = Browser(app)
            try await browser.signIn("Écrivaine discrète")
            let yes = try await browser.submit(["reponse": "oui"], on: SiteURL.paperToConfirm.path, to: proposal.path + "/papier")
            #expect(yes.status == .seeOther)
            #expect(try await Proposal.find(proposal.id, on: app.db)?.$author.id == writer.id)

            let entries = try await AuditEntry.query(on: app.db).filter(\.$action ~~ ["proposal.paper", "proposal.paper.confirmed"]).all()
            #expect(entries.count == 2)
            #expect(entries.allSatisfy { $0.$actor.id != writer.id })
            #expect(try await auditSentences(app).allSatisfy { !$0.contains("discrète") })
            var admin = Browser(app)
            try await admin.signIn("Adèle admin")
            let journal = try await admin.get("/admin/journal").text
            #expect(journal.contains("Sans mon nom"))
            #expect(!journal.contains("discrète"), "the log names nobody for an anonymous proposal")
        }
    }

    @Test func aPaperProposalIsAMembersOnlyOnceTheyConfirmIt() async throws {
        try await withTestApp { app in
            let julien = try await makeMember(app, "Julien anime", roles: [.facilitator])
            let marie = try await makeMember(app, "Marie")
            try await makeMember(app, "Paul")
            let theme = try #require(try await Theme.query(on: app.db).first()).id!.uuidString
            var facilitator = Browser(app)
            try await facilitator.signIn("Julien anime")
            func enter(_ title: String) async throws -> Proposal {
                let sent = try await facilitator.submit(["titre": title, "texte": "Écrit à la main pendant la séance.",
                                                         "theme": theme, "pseudonyme": "marie"], on: "/propositions/papier")
                #expect(sent.status == .seeOther)
                return try #require(try await Proposal.query(on: app.db).filter(\.$title == title).with(\.$author).first())
            }
            let first = try await enter("Des bancs à l'arrêt du bus")
            #expect(first.$author.id == nil)
            #expect(first.$claimedAuthor.id == marie.id)
            #expect(first.publicAuthorName == "Proposition reçue sur papier")
            let seen = try await facilitator.get(first.path).text
            #expect(seen.contains("Proposition reçue sur papier"))
            #expect(!seen.contains("Marie"))
            #expect(try await MemberNotification.query(on: app.db).filter(\.$member.$id == marie.requireID()).count() == 1)

            // At her next sign-in, Marie is asked first, then goes where she was going.
            var browser = Browser(app)
            let token = try #require(try await browser.get("/connexion").csrfToken)
            let signedIn = try await browser.post("/connexion", form: ["_csrf": token, "pseudonyme": "Marie",
                                                                     "motDePasse": defaultTestPassword, "retour": "/scrutins"])
            #expect(signedIn.location == "/propositions/papier/a-confirmer?retour=/scrutins")
            let question = try await browser.get(try #require(signedIn.location))
            #expect(question.text.contains("Des bancs à l&#39;arrêt du bus") || question.text.contains("Des bancs à l'arrêt du bus"))
            #expect(question.text.contains("Julien anime"))

            // Nobody else can answer for her.
            var paul = Browser(app)
            try await paul.signIn("Paul")
            let foreign = try await paul.submit(["reponse": "oui"], on: "/propositions/papier/a-confirmer",
                                                to: first.path + "/papier")
            #expect(foreign.status == .notFound)

            let yes = try await browser.submit(["reponse": "oui", "retour": "/scrutins"], on: "/propositions/papier/a-confirmer",
                                               to: first.path + "/papier")
            #expect(yes.location == "/scrutins")
            let confirmed = try #require(try await Proposal.query(on: app.db).filter(\.$id == first.requireID()).with(\.$author).first())
            #expect(confirmed.$author.id == marie.id && confirmed.$claimedAuthor.id == nil)
            #expect(confirmed.publicAuthorName == "Marie")
            #expect(try await browser.get("/propositions/miennes").text.contains("Des bancs"))
            let again = try await browser.submit(["reponse": "non"], on: "/propositions/papier/a-confirmer", to: first.path + "/papier")
            #expect(again.status == .notFound, "answered once")

            // A second one she did not write: it stays unsigned, and the facilitator hears it.
            let second = try await enter("Un local pour les réunions")
            let no = try await browser.submit(["reponse": "non"], on: "/propositions/papier/a-confirmer", to: second.path + "/papier")
            #expect(no.status == .seeOther)
            let declined = try #require(try await Proposal.find(second.requireID(), on: app.db))
            #expect(declined.$author.id == nil && declined.$claimedAuthor.id == nil)
            #expect(declined.publicAuthorName == "Proposition reçue sur papier")
            let told = try await MemberNotification.query(on: app.db).filter(\.$member.$id == julien.requireID()).all()
            #expect(told.contains { $0.message.contains("Marie") && $0.message.contains("Un local pour les réunions") })
            let journal = try await AuditEntry.query(on: app.db).all().map(\.action)
            #expect(journal.contains("proposal.paper.confirmed") && journal.contains("proposal.paper.declined"))

            // With nothing waiting, sign-in goes straight on.
            var later = Browser(app)
            #expect(try await later.signIn("Marie").location == "/")
        }
    }
}
