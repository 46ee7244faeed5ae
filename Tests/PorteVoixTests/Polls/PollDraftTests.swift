import Foundation
import Testing
import Voting
@testable import PorteVoix

/// The preparation form of a poll, checked without a server.
@Suite("Preparing a poll")
struct PollDraftTests {
    static let territory = UUID()

    func check(_ form: PollFormFields, floor: Int = 5, territory: UUID? = nil, item: UUID? = nil) -> Result<PollDraft, FormErrors> {
        PollDraft.check(form, minimumFloor: floor, territory: territory, agendaItem: item, proposal: nil)
    }

    @Test func aSealedApprovalPollIsReadIntoTypedValues() throws {
        let form = PollFormFields(question: "  Quels horaires ?  ", type: "approval", choix: "Matin\n\n  Soir \nMidi", maxChoix: "2",
                                  minimum: "", eligibilite: "territory", territoire: Self.territory.uuidString,
                                  ouvertureJour: "2027-03-12", ouvertureHeure: "14:00", clotureJour: "2027-03-12",
                                  clotureHeure: "16:00", urne: "sealed", detenteurs: "Marie\nAhmed\nLéa", seuil: "2")
        let draft = try check(form, territory: Self.territory).get()
        #expect(draft.question == "Quels horaires ?")
        #expect(draft.options == ["Matin", "Soir", "Midi"])
        #expect(draft.maxChoices == 2 && draft.minimumBallots == 5)
        #expect(draft.territoryID == Self.territory)
        #expect(draft.holders == ["Marie", "Ahmed", "Léa"] && draft.threshold == 2)
        #expect(try #require(draft.closesAt).timeIntervalSince(try #require(draft.opensAt)) == 7200)
    }

    @Test func everyMistakeIsNamedBesideItsField() {
        let form = PollFormFields(question: "", type: "single", choix: "Oui\noui", minimum: "2", eligibilite: "present",
                                  ouvertureJour: "2027-02-30", clotureJour: "2027-03-01", urne: "sealed",
                                  detenteurs: "Marie", seuil: "3")
        guard case .failure(let errors) = check(form) else { Issue.record("accepted"); return }
        #expect(errors.items.map(\.field) == ["question", "choix", "minimum", "detenteurs", "seuil", "point", "ouvertureJour"])
        #expect(errors["minimum"]?.contains("entre 5 et") == true, "never below the site's floor")
    }

    @Test func aClosingBeforeTheOpeningAndATerritoryPollWithoutTerritoryAreRefused() {
        let form = PollFormFields(question: "Un bus ?", type: "yesNo", eligibilite: "territory",
                                  ouvertureJour: "2027-03-12", ouvertureHeure: "16:00", clotureJour: "2027-03-12",
                                  clotureHeure: "14:00")
        guard case .failure(let errors) = check(form) else { Issue.record("accepted"); return }
        #expect(errors.items.map(\.field) == ["territoire", "clotureJour"])
    }

    @Test func aYesNoPollHasNoOptionsAndOneChoice() throws {
        let draft = try check(PollFormFields(question: "Un bus ?", type: "yesNo", choix: "ignoré\naussi")).get()
        #expect(draft.options.isEmpty && draft.maxChoices == 1 && draft.custody == .standard && draft.holders.isEmpty)
    }
}
