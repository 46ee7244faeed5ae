import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
@testable import PorteVoix

/// Personal data in what members write: the author is warned and may send
/// anyway; what is sent that way waits for a moderator, flagged.
@Suite("Screening for personal data")
struct ScreeningTests {
    @Test func aProposalWithAPhoneNumberIsFlaggedForModeratorsAndAnEditThatRemovesItClearsTheFlag() async throws {
        try await withTestApp { app in
            try await makeMember(app, "Camille")
            try await makeMember(app, "Modo", roles: [.participant, .moderator])
            var author = Browser(app)
            try await author.signIn("Camille")
            let theme = try #require(try await Theme.query(on: app.db).first()).requireID().uuidString
            var form = ["titre": "Un bus le dimanche", "texte": "Appelez-moi au 06 12 34 56 78 pour en parler.",
                        "theme": theme, "territoire": "", "action": "envoyer"]
            let warned = try await author.submit(form, on: "/propositions/nouvelle")
            #expect(warned.status == .ok)
            #expect(warned.text.contains("Votre texte semble contenir un numéro de téléphone"))
            #expect(warned.text.contains(#"<div class="avertissement-donnees" role="alert" id="donnees-personnelles">"#))
            #expect(warned.text.contains("<mark>06 12 34 56 78</mark>"))
            #expect(warned.text.contains("Envoyer quand même"))
            #expect(warned.text.contains("<title>À vérifier — Faire une proposition"), "the title says something is to check")
            #expect(warned.text.contains(">Appelez-moi au 06 12 34 56 78 pour en parler.</textarea>"), "keeps the text")
            #expect(try await Proposal.query(on: app.db).count() == 0, "nothing is saved before the author chooses")

            form["action"] = "envoyer-quand-meme"
            let sent = try await author.submit(form, on: "/propositions/nouvelle")
            #expect(sent.status == .seeOther)
            let proposal = try #require(try await Proposal.query(on: app.db).first())
            #expect(proposal.status == .submitted && proposal.personalData == "phoneNumber")

            var moderator = Browser(app)
            try await moderator.signIn("Modo")
            #expect(try await moderator.get("/moderation").text.contains("À vérifier : un numéro de téléphone"))
            let page = try await moderator.get(proposal.path).text
            #expect(page.contains("À vérifier avant de publier : un numéro de téléphone"))
            #expect(page.contains("<mark>06 12 34 56 78</mark>"))

            // The author removes the number: screened again, nothing left.
            form["texte"] = "Appelez la mairie pour en parler."
            form["action"] = "envoyer"
            let edited = try await author.submit(form, on: proposal.path + "/modifier")
            #expect(edited.status == .seeOther)
            #expect(try await Proposal.find(proposal.id, on: app.db)?.personalData == nil)
        }
    }

    @Test func aCommentWithAnEmailWarnsThenWaitsFlagged() async throws {
        try await withTestApp { app in
            let author = try await makeMember(app, "Camille")
            try await makeMember(app, "Lou")
            try await makeMember(app, "Modo", roles: [.participant, .moderator])
            let proposal = try await makeProposal(app, author: author)
            var reader = Browser(app)
            try await reader.signIn("Lou")
            var form = ["commentaire": "Écrivez-moi à lou.martin@orange.fr, je peux aider.", "action": "envoyer"]
            let warned = try await reader.submit(form, on: proposal.path, to: proposal.path + "/commentaires")
            #expect(warned.status == .ok)
            #expect(warned.text.contains("Votre texte semble contenir une adresse e-mail"))
            #expect(warned.text.contains("<mark>lou.martin@orange.fr</mark>"))
            #expect(try await ProposalComment.query(on: app.db).count() == 0)

            form["action"] = "envoyer-quand-meme"
            let sent = try await reader.submit(form, on: proposal.path, to: proposal.path + "/commentaires")
            #expect(sent.status == .seeOther)
            let comment = try #require(try await ProposalComment.query(on: app.db).first())
            #expect(comment.status == .submitted && comment.personalData == "email")
            var moderator = Browser(app)
            try await moderator.signIn("Modo")
            #expect(try await moderator.get("/moderation").text.contains("À vérifier : une adresse e-mail"))
            var visitor = Browser(app)
            #expect(!(try await visitor.get(proposal.path).text.contains("lou.martin")), "not public before review")
        }
    }

    @Test func aPseudonymThatReachesOrNamesSomeoneIsRefusedKindly() {
        for typed in ["marie.dupont@gmail.com", "06 12 34 56 78", "Marie Dupont de Lens", "Jean Martin à Arras", "Jean Martin d'Arras"] {
            #expect(throws: Pseudonym.Problem.self, "\(typed)") { try Pseudonym(typed) }
        }
        #expect(throws: Pseudonym.Problem.personal("une adresse e-mail")) { try Pseudonym("marie@free.fr") }
        for typed in ["Marie de Lens", "La Voix du Nord", "Camille62", "Jean-Pierre"] {
            #expect((try? Pseudonym(typed)) != nil, "\(typed)")
        }
    }
}

extension ScreeningTests {
    @Test func minutesWithAPhoneNumberAreShownToTheFacilitatorBeforeBeingSaved() async throws {
        try await withTestApp { app in
            try await makeMember(app, "Anim", roles: [.participant, .facilitator])
            let meeting = try await makeMeeting(app, status: .closed)
            var facilitator = Browser(app)
            try await facilitator.signIn("Anim")
            let path = "/seances/\(try meeting.requireID())/compte-rendu/modifier"
            let text = "Madame Dupont (06 12 34 56 78) a présenté le projet de navette."
            let warned = try await facilitator.submit(["texte": text, "action": "brouillon"], on: path)
            #expect(warned.status == .ok)
            #expect(warned.text.contains("<mark>06 12 34 56 78</mark>"))
            #expect(try await Meeting.find(meeting.id, on: app.db)?.minutes == nil, "nothing saved yet")
            // A fingerprint of another text does not skip the warning.
            let other = try await facilitator.submit(["texte": text, "action": "brouillon", "verifie": Screening.seen("autre")], on: path)
            #expect(other.status == .ok && other.text.contains("<mark>"))
            let saved = try await facilitator.submit(["texte": text, "action": "brouillon", "verifie": Screening.seen(text)], on: path)
            #expect(saved.status == .seeOther)
            #expect(try await Meeting.find(meeting.id, on: app.db)?.minutes == text)
        }
    }
}
