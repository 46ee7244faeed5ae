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

    private struct State {
        var pending: [String: Date] = [:]
        /// The round that will write them (one at a time: two would race for the same rows).
        var round: Task<Void, Never>?
        var stopped = false
    }

    private let state = NIOLockedValueBox(State())
    private let database: @Sendable () -> (any Database)?
    private let logger: Logger

    init(database: @escaping @Sendable () -> (any Database)?, logger: Logger) {
        self.database = database
        self.logger = logger
    }

    /// Notes that session `id` was seen at `date`; written within `interval`.
    func note(_ id: String, at date: Date) {
        state.withLockedValue { state in
            state.pending[id] = max(state.pending[id] ?? date, date)
            startRound(&state)
        }
    }

    private func startRound(_ state: inout State) {
        guard state.round == nil, !state.stopped, !state.pending.isEmpty else { return }
        state.round = Task.detached { [weak self] in
            try? await Task.sleep(for: Self.interval)
            guard let self, !Task.isCancelled else { return }
            await self.flush()
            // What was noted meanwhile, or kept after a fault, gets a round of its own.
            self.state.withLockedValue { state in
                state.round = nil
                self.startRound(&state)
            }
        }
    }

    /// Writes what is pending now, in one transaction, in the sessions'
    /// order (two instances writing the same sessions never wait on each
    /// other in a circle). A fault keeps the times for the next round.
    func flush() async {
        let due = state.withLockedValue { state -> [String: Date] in
            defer { state.pending = [:] }
            return state.pending
        }
        guard !due.isEmpty, let database = database() else { return }
        do {
            try await database.transaction { database in
                for (id, date) in due.sorted(by: { $0.key < $1.key }) {
                    try await database.sql.raw("""
                        UPDATE \(unsafeRaw: WebSessionRecord.schema) SET last_seen_at = \(bind: date)
                        WHERE id = \(bind: id) AND last_seen_at < \(bind: date)
                        """).run()
                }
            }
        } catch {
            logger.notice("Les heures de \(due.count) sessions n'ont pas pu être écrites : \(DatabaseFault.logName(error))")
            state.withLockedValue { state in
                for (id, date) in due { state.pending[id] = max(state.pending[id] ?? date, date) }
            }
        }
    }

    /// Before the databases close: the round under way ends, then what is pending is written.
    func shutdownAsync(_ application: Application) async {
        let round = state.withLockedValue { state -> Task<Void, Never>? in
            state.stopped = true
            return state.round
        }
        round?.cancel()
        await round?.value
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
