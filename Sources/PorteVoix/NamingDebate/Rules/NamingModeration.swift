import Fluent
import Foundation
import SQLKit

/// The one writer of a proposed name's and an opinion's status once it is
/// sent: a moderator publishes it, refuses it, or takes it down. (A
/// member's own sending sets `.submitted` or `.published` in
/// `NamingContributions`.) The caller has checked who decides and audits.
enum NamingModeration {
    /// What the queue's forms carry of the opinion they show: its last change.
    static func version(of opinion: NameOpinion) -> String {
        String(Int64((opinion.updatedAt.timeIntervalSince1970 * 1000).rounded()))
    }

    /// Publishes or refuses a name, on the caller's transaction. A refused
    /// name (perhaps for its explanation only) may be proposed again.
    static func decide(_ name: ProposedName, _ status: DebateTextStatus, reason: ModerationReason?, now: Date,
                       on database: any Database) async throws {
        let id = try name.requireID()
        name.status = status
        name.moderationReason = reason
        if status == .published { name.publishedAt = now }
        if status == .rejected { name.nameKey = "refuse:" + id.uuidString }
        try await name.save(on: database)
        try await Recordings.forget(.name(id), on: database)
        try await Recordings.forget(.debate, on: database)
    }

    /// Publishes or refuses an opinion, claimed from the status and text the
    /// moderator read: false when its author changed it meanwhile, or
    /// another moderator decided first.
    static func decide(_ opinion: NameOpinion, _ status: DebateTextStatus, reason: ModerationReason?,
                       on database: any Database) async throws -> Bool {
        let previous = opinion.status
        let claimed = try await database.sql.raw("""
            UPDATE name_opinions SET status = \(bind: status.rawValue), moderation_reason = \(bind: reason?.rawValue)
            WHERE id = \(bind: opinion.requireID()) AND status = \(bind: previous.rawValue) AND text = \(bind: opinion.text) RETURNING id
            """).all()
        guard !claimed.isEmpty else { return false }
        try await Recordings.forget(.name(opinion.$proposedName.id), on: database)
        opinion.status = status
        opinion.moderationReason = reason
        return true
    }
}
