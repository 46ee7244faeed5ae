import Fluent
import Foundation

/// A member's « J'ai compris / Je n'ai pas bien compris » under the
/// département's answer to a proposal: one per member, which they may
/// change. Staff see the counts only, never who answered.
final class AnswerUnderstanding: Model, @unchecked Sendable {
    static let schema = "answer_understandings"

    @ID(key: .id) var id: UUID?
    @Parent(key: "proposal_id") var proposal: Proposal
    @Parent(key: "member_id") var member: Member
    @Field(key: "understood") var understood: Bool
    @Field(key: "answered_at") var answeredAt: Date

    init() {}
}
