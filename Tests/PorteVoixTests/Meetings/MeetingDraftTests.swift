import Foundation
import Testing
@testable import PorteVoix

/// The session planning form, checked without a server.
@Suite("Planning a session")
struct MeetingDraftTests {
    @Test func aSessionIsReadIntoTypedValues() throws {
        let territory = UUID()
        let form = MeetingFields(titre: " Séance du Nord ", jour: "12/03/2027", debut: "14 h", fin: "16:30", lieu: "Mairie",
                                 lien: "", territoire: territory.uuidString, description: "", accessibilite: "Rampe")
        let draft = try MeetingDraft.check(form, territory: territory).get()
        #expect(draft.title == "Séance du Nord" && draft.onlineLink == nil && draft.territoryID == territory)
        #expect(draft.endsAt.timeIntervalSince(draft.startsAt) == 9000)
    }

    @Test func everyMistakeIsNamedBesideItsField() {
        let form = MeetingFields(titre: "", jour: "12/03/2027", debut: "15:00", fin: "14:00", lieu: "",
                                 lien: "javascript:alert(1)", territoire: UUID().uuidString)
        guard case .failure(let errors) = MeetingDraft.check(form, territory: nil) else { Issue.record("accepted"); return }
        #expect(errors.items.map(\.field) == ["titre", "fin", "lieu", "lien", "territoire"])
    }

    @Test func aDayThatDoesNotExistIsRefused() {
        let form = MeetingFields(titre: "Séance", jour: "30/02/2027", debut: "14:00", fin: "16:00", lieu: "Mairie")
        guard case .failure(let errors) = MeetingDraft.check(form, territory: nil) else { Issue.record("accepted"); return }
        #expect(errors.items.map(\.field) == ["jour"])
    }
}
