import Fluent
import Foundation
import SQLKit

/// At most so many proposals and comments an account sends in an hour (site
/// settings): enough for anyone writing by hand, not for a script. Past it,
/// the person keeps what they typed and is told when they can send it.
enum ContributionLimit {
    enum Kind {
        case proposals, comments

        var setting: SiteSettingsStore.Number {
            switch self {
            case .proposals: SiteSettingsStore.proposalsPerHourSetting
            case .comments: SiteSettingsStore.commentsPerHourSetting
            }
        }
    }

    static let window: TimeInterval = 3600

    /// Nil when the member may send one more now; else when they may.
    static func nextAllowed(_ kind: Kind, memberID: UUID, on database: any Database, now: Date) async throws -> Date? {
        let limit = try await SiteSettingsStore.number(kind.setting, on: database)
        let since = now.addingTimeInterval(-window)
        // The newest `limit` sends of the hour, newest first: the last of them
        // is the one whose hour must pass before another may go.
        let recent: [Date] = switch kind {
        case .proposals:
            try await Proposal.query(on: database).filter(\.$author.$id == memberID).filter(\.$fromPaper == false)
                .filter(\.$createdAt > since).sort(\.$createdAt, .descending).limit(limit).all().map(\.createdAt)
        case .comments:
            try await ProposalComment.query(on: database).filter(\.$author.$id == memberID)
                .filter(\.$createdAt > since).sort(\.$createdAt, .descending).limit(limit).all().map(\.createdAt)
        }
        guard recent.count >= limit, let oldest = recent.last else { return nil }
        return oldest.addingTimeInterval(window)
    }

    enum Outcome<Saved: Sendable>: Sendable {
        case saved(Saved)
        case paused(until: Date)
    }

    /// Counts and saves in one transaction that first locks the member's
    /// row: two sends at once from one account are counted one after the
    /// other, so a script sending in parallel gets no more than the limit.
    /// `save` gets the time read once the lock is held.
    static func send<Saved: Sendable>(
        _ kind: Kind, memberID: UUID, clock: any SiteClock, on database: any Database,
        _ save: @escaping @Sendable (any Database, Date) async throws -> Saved
    ) async throws -> Outcome<Saved> {
        try await database.retryingTransaction { database in
            // A write first: the row lock on PostgreSQL, the write lock on SQLite.
            try await database.sql.raw("""
                UPDATE members SET pseudonym_key = pseudonym_key WHERE id = \(bind: memberID)
                """).run()
            // The clock is read once the lock is held.
            let now = clock.now()
            if let until = try await nextAllowed(kind, memberID: memberID, on: database, now: now) {
                return .paused(until: until)
            }
            return .saved(try await save(database, now))
        }
    }
}
