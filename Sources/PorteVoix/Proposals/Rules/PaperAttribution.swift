import Fluent
import Foundation

/// Proposals typed from paper that name a member as their author.
enum PaperAttribution {
    /// Whether a member has a paper proposal waiting for them to say it is theirs.
    static func hasWaiting(for memberID: UUID, on database: any Database) async throws -> Bool {
        try await Proposal.query(on: database).filter(\.$claimedAuthor.$id == memberID).count() > 0
    }
}
