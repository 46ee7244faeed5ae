import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
@testable import PorteVoix

@Suite("Readability (Kandel and Moles)")
struct ReadabilityTests {
    @Test func shortSentencesOfShortWordsReadEasily() {
        let easy = Readability("Le bus passe à 8 heures. Il va à la mairie. Vous pouvez le prendre.")
        let hard = Readability("L'administration départementale envisage prioritairement l'élaboration d'une réorganisation "
            + "intercommunale des transports collectifs, conformément aux orientations stratégiques précédemment délibérées.")
        #expect(easy.sentences == 3 && easy.words == 15)
        #expect((easy.score ?? 0) >= 80, "\(easy.score ?? -1)")
        #expect((hard.score ?? 100) < 30, "\(hard.score ?? -1)")
        #expect(hard.longSentences.count == 0 || hard.words > Readability.longSentence)
        #expect(hard.longWords.contains("administration"))
        #expect(Readability.syllables(in: "maison") == 2)
        #expect(Readability.syllables(in: "aide") == 1)
        #expect(Readability("La CAF paie le RSA.").abbreviations == ["CAF", "RSA"])
        #expect(Readability("").score == nil)
    }
}

@Suite("Easy-to-read answers")
struct EasyReadingTests {
    static let answer = "Le Département a décidé, après consultation des services compétents et des partenaires concernés, "
        + "d'étendre les horaires d'ouverture des guichets d'accueil le mardi soir jusqu'à 19 heures à compter du 1er mars."
    static let easy = "Les guichets restent ouverts plus tard.\nLe mardi, ils ferment à 19 heures.\nC'est à partir du 1er mars."

    static func answered(_ app: Application) async throws -> Proposal {
        let author = try await makeMember(app, "Camille")
        let proposal = try await makeProposal(app, title: "Des guichets ouverts le soir", author: author, status: .answered)
        proposal.answer = answer
        proposal.answeredAt = app.clock.now()
        try await proposal.save(on: app.db)
        return proposal
    }

    @Test func staffWriteItWithTheMeasureBesideAndItShowsAndIsReadFirst() async throws {
        try await withTestApp { app in
            let proposal = try await Self.answered(app)
            _ = try await makeMember(app, "Stéphane agent", roles: [.participant, .staff])
            var staff = Browser(app)
            try await staff.signIn("Stéphane agent")
            let path = proposal.path + "/reponse-facile"
            let form = try await staff.get(path)
            #expect(form.status == .ok && form.text.contains("Une seule idée par phrase"))
            // « Mesurer la lisibilité »: the measure, the text kept, nothing saved.
            let measured = try await staff.submit(["texte": Self.easy, "action": "mesurer"], on: path)
            #expect(measured.status == .ok && measured.text.contains("Indice : ") && measured.text.contains("Kandel et Moles"))
            #expect(measured.text.contains("Le mardi, ils ferment à 19 heures."))
            #expect(try await Proposal.find(proposal.id, on: app.db)?.answerEasy == nil)
            let saved = try await staff.submit(["texte": Self.easy, "action": "enregistrer"], on: path)
            #expect(saved.status == .seeOther)
            #expect(try await Proposal.find(proposal.id, on: app.db)?.answerEasy == Self.easy)
            #expect(try await auditSentences(app, action: "proposal.answer.easy").count == 1)

            var visitor = Browser(app)
            let page = try await visitor.get(proposal.path).text
            let easyAt = try #require(page.range(of: "Les guichets restent ouverts plus tard."))
            let fullAt = try #require(page.range(of: "après consultation des services"))
            #expect(easyAt.lowerBound < fullAt.lowerBound, "the easy version first")
            #expect(page.contains("href=\"#reponse-complete\""))
            let spoken = try #require(try await ListenableTexts.proposal(proposal.id!, on: app.db))
            let easySpoken = try #require(spoken.range(of: "Les guichets restent ouverts plus tard."))
            #expect(easySpoken.lowerBound < (spoken.range(of: "après consultation")?.lowerBound ?? spoken.startIndex))

            // Only staff write it.
            var member = Browser(app)
            try await member.signIn("Camille")
            #expect(try await member.get(path).status == .forbidden)
        }
    }

    @Test func aPollsEasyQuestionIsWrittenBeforeItOpensOnly() async throws {
        try await withTestApp { app in
            _ = try await makeMember(app, "Fanny anime", roles: [.participant, .facilitator])
            let draft = try await makePoll(app, status: .draft)
            let open = try await makePoll(app, status: .open)
            var staff = Browser(app)
            try await staff.signIn("Fanny anime")
            let saved = try await staff.submit(["texte": "Quel transport voulez-vous ?", "action": "enregistrer"],
                                               on: draft.path + "/question-facile")
            #expect(saved.status == .seeOther)
            #expect(try await Poll.find(draft.id, on: app.db)?.questionEasy == "Quel transport voulez-vous ?")
            let refused = try await staff.submit(["texte": "Autre chose", "action": "enregistrer"], on: open.path + "/question-facile")
            #expect(refused.status == .conflict)
            #expect(try await Poll.find(open.id, on: app.db)?.questionEasy == nil)
        }
    }

    @Test func membersSayWhetherTheyUnderstoodAndStaffSeeOnlyCounts() async throws {
        try await withTestApp { app in
            let proposal = try await Self.answered(app)
            _ = try await makeMember(app, "Stéphane agent", roles: [.participant, .staff])
            _ = try await makeMember(app, "Zoé Lectrice")
            _ = try await makeMember(app, "Yann Lecteur")
            for (name, answer) in [("Zoé Lectrice", "non"), ("Yann Lecteur", "oui")] {
                var member = Browser(app)
                try await member.signIn(name)
                #expect(try await member.get(proposal.path).text.contains("Avez-vous compris cette réponse ?"))
                #expect(try await member.submit(["compris": answer], on: proposal.path, to: proposal.path + "/comprehension").status == .seeOther)
            }
            // Zoé changes her mind: one answer each.
            var zoe = Browser(app)
            try await zoe.signIn("Zoé Lectrice")
            _ = try await zoe.submit(["compris": "oui"], on: proposal.path, to: proposal.path + "/comprehension")
            let own = try await zoe.get(proposal.path).text.replacingOccurrences(of: "&#39;", with: "'")
            #expect(own.contains("Vous avez répondu : j'ai compris"))
            #expect(try await Understanding.counts(on: app.db)[proposal.id!] == Understanding.Counts(understood: 2, notUnderstood: 0))
            _ = try await zoe.submit(["compris": "non"], on: proposal.path, to: proposal.path + "/comprehension")

            var staff = Browser(app)
            try await staff.signIn("Stéphane agent")
            let page = try await staff.get(proposal.path).text
            #expect(page.contains("1 personne a compris, 1 n&#39;a pas bien compris") || page.contains("1 personne a compris, 1 n'a pas bien compris"))
            #expect(!page.contains("Zoé") && !page.contains("Yann"), "never who")
            let report = try await staff.get("/exports/rapport-activite").text
            #expect(report.contains("Compréhension des réponses"))
            #expect(report.contains("1 personne a compris") || report.contains(">1<"))
            let csv = try await staff.get("/exports/fichier?jeu=propositions&format=csv").text
            #expect(csv.contains("reponse_comprise") || csv.contains("Réponse comprise"))
            // Staff with the exports and the report: counts, never who.
            for name in ["Zoé", "Yann"] {
                #expect(!csv.contains(name) && !report.contains(name), "\(name) is named to staff")
            }
        }
    }
}
