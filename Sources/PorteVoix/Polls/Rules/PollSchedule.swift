import Fluent
import Foundation
import NIOConcurrencyHelpers
import SQLKit
import Vapor

/// The one place a schedule becomes a stored state change: opening, closing
/// and what closing sets off (the count of a standard box). Called by the
/// actions that need it (a vote, a facilitator's action on the poll) and by a
/// repeating task of the server, never by a page being looked at. Every
/// step is claimed once, so several instances can run it together.
enum PollSchedule {
    static let interval: Duration = .seconds(5)

    /// `counting` false: only the state changes (open, closed), as a request
    /// needs them; the count itself, which opens every ballot and scrubs the
    /// files, is left to the server's task.
    static func apply(_ poll: Poll, app: Application, now: Date, counting: Bool = true) async throws {
        switch PollLifecycle.due(poll.status, opensAt: poll.scheduledOpening, closesAt: poll.closesAt,
                                 counted: poll.countedAt != nil, custody: poll.custody, now: now) {
        case .open?:
            // The moment it really opens, never the time it was set for: the
            // fixed electorate of a session's poll counts from here, and an
            // opening set in the past must not reach back.
            if try await open(poll, now: now, on: app.db) { return }
            // Opened by another request or instance (now as the database
            // holds it, perhaps already due to close), or a share still waits.
            guard poll.status != .draft else { return }
            try await apply(poll, app: app, now: now, counting: counting)
        case .close?:
            try await PollCount.close(poll, at: poll.closesAt ?? now, app: app, counting: counting)
        case .count?:
            if counting { await PollCount.countStandardOrLog(poll, app: app) }
        case nil:
            return
        }
    }

    /// The only way a poll opens, whichever door (the facilitator's button,
    /// the schedule): claimed from « en préparation » once, refused by the
    /// database while a key share waits on the server. Returns false when
    /// it was not in preparation any more (opened by someone else meanwhile).
    ///
    /// The opening time is the moment it really opens, never the time it was
    /// set for: the fixed electorate of a session's poll counts from here,
    /// and an opening set in the past must not reach back. Opening past its
    /// closing time (a sealed box whose last holder came late), it opens
    /// with no closing time, closed by hand, rather than closing at once.
    static func open(_ poll: Poll, now: Date, on database: any Database) async throws -> Bool {
        let opened = try await database.sql.raw("""
            UPDATE polls SET status = 'open', opened_at = \(bind: now),
              closes_at = CASE WHEN closes_at <= \(bind: now) THEN NULL ELSE closes_at END
            WHERE id = \(bind: poll.requireID()) AND status = 'draft' AND key_shares_pending = 0 RETURNING id
            """).all()
        guard !opened.isEmpty else {
            // Never guessed: the opening time another request wrote decides who may vote.
            try await PollCount.reload(poll, on: database)
            return false
        }
        poll.status = .open
        poll.openedAt = now
        if let closesAt = poll.closesAt, closesAt <= now { poll.closesAt = nil }
        return true
    }

    /// Every poll whose schedule is due.
    static func applyDue(_ app: Application, now: Date) async throws {
        // Which ones, in plain SQL first: most rounds find none, and building
        // Fluent's query of a poll (its model reflected) cost more than the query.
        // Openings and closings first: counts that keep failing never hold them back.
        let ids = try await app.db.sql.raw("""
            SELECT id FROM polls
            WHERE (status = \(bind: PollStatus.draft.rawValue) AND opens_at <= \(bind: now) AND key_shares_pending = 0)
               OR (status = \(bind: PollStatus.open.rawValue) AND closes_at <= \(bind: now))
               OR (status = \(bind: PollStatus.closed.rawValue) AND counted_at IS NULL AND custody = \(bind: BallotCustody.standard.rawValue))
            ORDER BY CASE WHEN status = \(bind: PollStatus.closed.rawValue) THEN 1 ELSE 0 END, closes_at
            LIMIT 100
            """).all().map { try $0.decode(column: "id", as: UUID.self) }
        guard !ids.isEmpty else { return }
        let due = try await Poll.query(on: app.db).filter(\.$id ~~ ids).sort(\.$closesAt).all()
        for poll in due { try await apply(poll, app: app, now: now) }
    }
}

/// Runs `PollSchedule.applyDue` every few seconds while the server serves
/// (not during commands such as `demo` or `create-admin`).
final class PollScheduler: LifecycleHandler {
    /// `serve` is the default command: no command, or options only.
    static func isServing(_ arguments: [String]) -> Bool {
        guard let command = arguments.dropFirst().first else { return true }
        return command == "serve" || command.hasPrefix("-")
    }

    private let task = NIOLockedValueBox<Task<Void, Never>?>(nil)

    func didBootAsync(_ application: Application) async throws {
        task.withLockedValue { task in
            task = Task {
                while !Task.isCancelled {
                    try? await Task.sleep(for: PollSchedule.interval)
                    if Task.isCancelled { break }
                    // A round of its own: stopping the server ends the wait, never
                    // a count or its clean-up half-way.
                    await Task {
                        do {
                            try await PollSchedule.applyDue(application, now: application.clock.now())
                        } catch {
                            application.logger.warning("Les horaires des scrutins n'ont pas pu être appliqués : \(SafeErrorDescription.of(error))")
                        }
                    }.value
                }
            }
        }
    }

    func shutdownAsync(_ application: Application) async {
        let running = task.withLockedValue { $0 }
        running?.cancel()
        await running?.value
    }
}
