import Foundation
import Testing
@testable import PorteVoix

/// The proposal form and the texts a decision asks for, checked without a server.
@Suite("Writing a proposal")
struct ProposalDraftTests {
    @Test func aProposalIsReadIntoTypedValues() throws {
        let theme = UUID()
        let form = ProposalFields(titre: "  Un bus le dimanche ", texte: "Il n'y a aucun bus le dimanche matin.", theme: theme.uuidString,
                                  territoire: "", anonyme: "oui", pseudonyme: "Marie")
        let draft = try ProposalDraft.check(form, paper: false, theme: theme, territory: nil, paperAuthor: UUID()).get()
        #expect(draft.title == "Un bus le dimanche" && draft.anonymous && draft.territoryID == nil)
        #expect(draft.paperAuthorID == nil, "only a paper proposal names its author")
    }

    @Test func everyMistakeIsNamedBesideItsField() {
        let form = ProposalFields(titre: String(repeating: "a", count: Proposal.maximumTitleLength + 1), texte: "Court",
                                  theme: "x", territoire: UUID().uuidString, pseudonyme: "Inconnu")
        guard case .failure(let errors) = ProposalDraft.check(form, paper: true, theme: nil, territory: nil, paperAuthor: nil)
        else { Issue.record("accepted"); return }
        #expect(errors.items.map(\.field) == ["titre", "texte", "theme", "territoire", "pseudonyme"])
        #expect(errors["titre"]?.contains("raccourcissez-le à \(Proposal.maximumTitleLength)") == true)
    }

    @Test func aDecisionAsksForItsTexts() {
        #expect(ProposalWorkflow.checkTexts(of: .reject, note: "", answer: "").items.map(\.field) == ["note-reject"])
        #expect(ProposalWorkflow.checkTexts(of: .answer, note: "", answer: "Oui").items.map(\.field) == ["reponse"])
        #expect(ProposalWorkflow.checkTexts(of: .publish, note: "", answer: "").isEmpty)
    }
}
