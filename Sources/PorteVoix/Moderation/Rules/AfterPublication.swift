import Fluent
import Foundation
import SQLKit

/// Post-moderation: a text published at once waits to be read by a moderator.
enum AfterPublication {
    /// Read, nothing to change: claimed once, so two moderators clicking
    /// together write one entry. False when it was already marked.
    static func markReviewed(_ kind: ReportedKind, id: UUID, on database: any Database) async throws -> Bool {
        let claimed = try await database.sql.raw("""
            UPDATE \(ident: kind.table) SET review_pending = NULL WHERE id = \(bind: id) AND review_pending = \(bind: true) RETURNING id
            """).all()
        return !claimed.isEmpty
    }
}
