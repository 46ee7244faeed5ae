import Testing
@testable import PorteVoix

@Suite("Proposal workflow")
struct ProposalWorkflowTests {
    /// Every transition of design/README.md, with who may make it.
    static let expected: [(ProposalStatus, ProposalAction, ProposalStatus, Set<Role>?)] = [
        (.submitted, .publish, .published, [.moderator]),
        (.submitted, .reject, .rejected, [.moderator]),
        (.submitted, .requestChanges, .changesRequested, [.moderator]),
        (.submitted, .withdraw, .withdrawn, nil),
        (.changesRequested, .withdraw, .withdrawn, nil),
        (.published, .withdraw, .withdrawn, nil),
        (.published, .schedule, .scheduled, [.staff, .facilitator]),
        (.scheduled, .adopt, .adopted, [.staff, .facilitator]),
        (.scheduled, .notAdopt, .notAdopted, [.staff, .facilitator]),
        (.adopted, .forward, .forwarded, [.staff]),
        (.forwarded, .answer, .answered, [.staff]),
        (.notAdopted, .answer, .answered, [.staff]),
        (.answered, .progress, .inProgress, [.staff]),
        (.inProgress, .progress, .inProgress, [.staff]),
        (.answered, .complete, .done, [.staff]),
        (.inProgress, .complete, .done, [.staff]),
        (.answered, .decline, .declined, [.staff]),
        (.inProgress, .decline, .declined, [.staff]),
    ]

    @Test func exactlyTheseTransitionsExistForExactlyTheseRoles() {
        for status in ProposalStatus.allCases {
            for action in ProposalAction.allCases {
                let line = Self.expected.first { $0.0 == status && $0.1 == action }
                for role in Role.allCases {
                    for isAuthor in [false, true] {
                        let allowed = ProposalWorkflow.allows(action, from: status, roles: [role], isAuthor: isAuthor)
                        let shouldBe: Bool
                        if let line {
                            #expect(action.target == line.2)
                            // Moderators never decide on their own contribution.
                            shouldBe = line.3.map { $0.contains(role) && !(action.isModeration && isAuthor) } ?? isAuthor
                        } else {
                            shouldBe = false
                        }
                        #expect(allowed == shouldBe, "\(status) –\(action)→ by \(role), author: \(isAuthor)")
                    }
                }
            }
        }
    }

    @Test func finalStatusesHaveNoWayOut() {
        for status in [ProposalStatus.rejected, .withdrawn, .done, .declined] {
            #expect(ProposalWorkflow.available(from: status, roles: Set(Role.allCases), isAuthor: true).isEmpty, "\(status)")
        }
    }

    @Test func onlyTheAuthorEditsAndOnlyBeforeReview() {
        #expect(ProposalWorkflow.canEdit(status: .submitted, isAuthor: true))
        #expect(ProposalWorkflow.canEdit(status: .changesRequested, isAuthor: true), "sent back to be changed")
        #expect(!ProposalWorkflow.canEdit(status: .submitted, isAuthor: false))
        for status in ProposalStatus.allCases where status != .submitted && status != .changesRequested {
            #expect(!ProposalWorkflow.canEdit(status: status, isAuthor: true))
        }
    }

    @Test func notesAreRequiredWhereTheAuthorReadsAReason() {
        #expect(ProposalAction.allCases.filter(\.needsNote) == [.reject, .requestChanges, .progress, .decline])
        #expect(ProposalAction.allCases.filter(\.needsReason) == [.reject, .requestChanges])
    }

    @Test func searchFoldsAccentsAndCase() {
        #expect(SearchText.terms("Crèche, ÉCOLE & bus!") == ["creche", "ecole", "bus"])
        #expect(SearchText.terms("a b") == [])
        #expect(SearchText.terms("%_' OR 1=1 --") == ["or"])
    }
}
