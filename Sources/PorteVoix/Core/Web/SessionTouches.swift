import Fluent
import NIOConcurrencyHelpers
import SQLKit
import Vapor

/// The times sessions were last seen, kept in memory and written together
/// every few seconds, in one transaction: a member's first request of the
/// minute (a ballot, often) no longer waits for a write and a disk sync of
/// its own, nor takes SQLite's write lock from the ballots. A session's time
/// matters to the minute (it ends after two hours without activity), so a
/// few seconds late, or lost in a crash, changes nothing a person sees.
/// A kiosk's sessions, whose limit is three minutes, are still written at once.
final class SessionTouches: LifecycleHandler, Sendable {
    static let interval: Duration = .seconds(5)

    private let pending = NIOLockedValueBox<[String: Date]>([:])
    private let scheduled = NIOLockedValueBox(false)
    private let stopped = NIOLockedValueBox(false)
    private let database: @Sendable () -> any Database
    private let logger: Logger

    init(database: @escaping @Sendable () -> any Database, logger: Logger) {
        self.database = database
        self.logger = logger
    }

    /// Notes that session `id` was seen at `date`; written within `interval`.
    func note(_ id: String, at date: Date) {
        pending.withLockedValue { $0[id] = max($0[id] ?? date, date) }
        let start = scheduled.withLockedValue { scheduled -> Bool in
            defer { scheduled = true }
            return !scheduled
        }
        guard start, !stopped.withLockedValue({ $0 }) else { return }
        Task.detached { [self] in
            try? await Task.sleep(for: Self.interval)
            scheduled.withLockedValue { $0 = false }
            await flush()
        }
    }

    /// Writes what is pending now. A fault keeps the times for the next round.
    func flush() async {
        let due = pending.withLockedValue { pending -> [String: Date] in
            defer { pending = [:] }
            return pending
        }
        guard !due.isEmpty else { return }
        do {
            try await database().transaction { database in
                for (id, date) in due {
                    try await database.sql.raw("""
                        UPDATE \(unsafeRaw: WebSessionRecord.schema) SET last_seen_at = \(bind: date)
                        WHERE id = \(bind: id) AND last_seen_at < \(bind: date)
                        """).run()
                }
            }
        } catch {
            logger.notice("Les heures de \(due.count) sessions n'ont pas pu être écrites : \(DatabaseFault.logName(error))")
            pending.withLockedValue { pending in
                for (id, date) in due { pending[id] = max(pending[id] ?? date, date) }
            }
        }
    }

    /// Before the databases close: what is pending is written.
    func shutdownAsync(_ application: Application) async {
        stopped.withLockedValue { $0 = true }
        await flush()
    }
}

extension Application {
    private struct SessionTouchesKey: StorageKey { typealias Value = SessionTouches }

    /// Made and registered by `configure`, after the databases: stopped before them.
    var sessionTouches: SessionTouches {
        get {
            guard let touches = storage[SessionTouchesKey.self] else { fatalError("sessionTouches is made in configure") }
            return touches
        }
        set {
            storage[SessionTouchesKey.self] = newValue
            lifecycle.use(newValue)
        }
    }
}
