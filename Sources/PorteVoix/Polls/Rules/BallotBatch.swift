import Fluent
import Foundation
import SQLKit
import Vapor

/// A web ballot sealed and with its tracker, before any lock is taken:
/// what waits for the batch that writes it.
struct PendingBallot: Sendable {
    let pollID: UUID
    let memberID: UUID
    let sealed: String
    let tracker: String
}

extension BallotBox {
    /// Writes web ballots in one transaction, each in its own savepoint, and
    /// gives one result per ballot, in order. The single writer of web ballots.
    ///
    /// - The polls are read once the lock is held, and stay open until the
    ///   commit: on SQLite the transaction starts with the write lock
    ///   (`BEGIN IMMEDIATE`); on PostgreSQL their rows are locked for share,
    ///   so a close waits for the batch and never slips in between.
    /// - The clock is read once the lock is held: waiting for it never lets a late ballot in.
    /// - A refusal (already voted, the poll closed, the other channel) fails
    ///   only its own ballot. A fault of the database (`DatabaseFault`) fails
    ///   the whole batch: thrown, nothing written, or (connection lost) not
    ///   known, which the fault page tells every voter of the batch.
    /// - A batch the database refused whole (busy, a lost race) runs again,
    ///   as `retryingTransaction` does.
    static func write(_ ballots: [PendingBallot], clock: any SiteClock,
                      on database: any Database) async throws -> [Result<CastResult, any Error>] {
        guard !ballots.isEmpty else { return [] }
        var attempt = 1
        while true {
            do {
                return try await database.withConnection { connection in
                    let sql = connection.sql
                    try await sql.raw(sql.dialect.name == "sqlite" ? "BEGIN IMMEDIATE" : "BEGIN").run()
                    let results: [Result<CastResult, any Error>]
                    do {
                        results = try await writeLocked(ballots, clock: clock, on: sql)
                    } catch {
                        // A connection that broke rolls back on the server; a statement
                        // sent on it now could wait for an answer that never comes.
                        if DatabaseFault(error).map({ $0 != .connectionLost && $0 != .unreachable }) ?? true {
                            try? await sql.raw("ROLLBACK").run()
                        }
                        throw error
                    }
                    // The one durable sync of the batch. A failure here may
                    // leave the outcome unknown (`DatabaseFault.mayHaveCommitted`).
                    try await sql.raw("COMMIT").run()
                    return results
                }
            } catch {
                guard attempt < 3, let fault = DatabaseFault(error), fault.isRetryable else { throw error }
                database.logger.notice("Lot de bulletins refusé (\(fault.rawValue)), nouvel essai \(attempt + 1) sur 3")
                try await Task.sleep(for: .milliseconds(100 << (2 * (attempt - 1))))
                attempt += 1
            }
        }
    }

    /// The batch's statements, inside its transaction.
    private static func writeLocked(_ ballots: [PendingBallot], clock: any SiteClock,
                                    on sql: any SQLDatabase) async throws -> [Result<CastResult, any Error>] {
        let polls = try await lockedPolls(Array(Set(ballots.map(\.pollID))), on: sql)
        let now = clock.now()
        var results: [Result<CastResult, any Error>] = []
        results.reserveCapacity(ballots.count)
        for ballot in ballots {
            guard let poll = polls[ballot.pollID] else {
                results.append(.success(.closed))
                continue
            }
            guard poll.takesWebBallots else {
                results.append(.success(.otherChannel))
                continue
            }
            guard poll.isOpen(at: now) else {
                results.append(.success(.closed))
                continue
            }
            try await sql.raw("SAVEPOINT ballot").run()
            do {
                try await sql.raw("""
                    INSERT INTO poll_voters (poll_id, member_id, channel)
                    VALUES (\(bind: ballot.pollID), \(bind: ballot.memberID), \(bind: Channel.online.rawValue))
                    """).run()
                try await insert(ballot.sealed, tracker: ballot.tracker, pollID: ballot.pollID, on: sql)
                try await sql.raw("RELEASE SAVEPOINT ballot").run()
                results.append(.success(.cast(tracker: ballot.tracker)))
            } catch {
                // The site's condition (a full disk, a lost connection) fails the batch.
                if DatabaseFault(error) != nil { throw error }
                try await sql.raw("ROLLBACK TO SAVEPOINT ballot").run()
                try await sql.raw("RELEASE SAVEPOINT ballot").run()
                if let error = error as? any DatabaseError, error.isConstraintFailure {
                    results.append(.success(.alreadyVoted))
                } else {
                    results.append(.failure(error))
                }
            }
        }
        return results
    }

    /// What a batch needs of each of its polls, read under the lock.
    struct LockedPoll {
        var status: String
        var closesAt: Date?
        var channel: PollChannel

        var takesWebBallots: Bool { channel.takesWebBallots }

        func isOpen(at now: Date) -> Bool {
            status == PollStatus.open.rawValue && (closesAt.map { $0 > now } ?? true)
        }
    }

    /// The polls' state; on PostgreSQL their rows stay locked for share until the commit.
    private static func lockedPolls(_ ids: [UUID], on sql: any SQLDatabase) async throws -> [UUID: LockedPoll] {
        let lock = sql.dialect.name == "sqlite" ? "" : " FOR SHARE"
        let rows = try await sql.raw("""
            SELECT id, status, closes_at, channel FROM polls WHERE id IN (\(binds: ids))\(unsafeRaw: lock)
            """).all()
        var polls: [UUID: LockedPoll] = [:]
        for row in rows {
            polls[try row.decode(column: "id", as: UUID.self)] = LockedPoll(
                status: try row.decode(column: "status", as: String.self),
                closesAt: try row.decode(column: "closes_at", as: Date?.self),
                channel: PollChannel(rawValue: try row.decode(column: "channel", as: String.self)) ?? .online)
        }
        return polls
    }
}

/// Group commit of the site's web ballots: those that arrive while a batch
/// is being written wait for the next one, which writes them all in one
/// transaction and answers them after its one durable sync. Nothing waits
/// for company: a ballot that finds no batch in flight is written at once.
///
/// Each instance batches its own voters; the lock on the poll (above) is
/// what keeps a close out, whichever instance writes.
actor BallotCommitter {
    private struct Waiting {
        let ballot: PendingBallot
        let answer: CheckedContinuation<BallotBox.CastResult, any Error>
    }

    /// Beyond this, the next ballots wait for the next batch (binds and savepoints stay few).
    static let largestBatch = 128

    private var waiting: [Waiting] = []
    private var writing = false
    private let metrics: SiteMetrics?
    /// For the tests: how many batches were written, and the largest.
    private(set) var batches = 0
    private(set) var largest = 0

    init(metrics: SiteMetrics?) {
        self.metrics = metrics
    }

    /// How many ballots wait for the next batch (not the one being written).
    var waitingCount: Int { waiting.count }

    /// Casts `ballot` with the others that arrive meanwhile; answers once its batch is durable.
    func cast(_ ballot: PendingBallot, clock: any SiteClock, on database: any Database) async throws -> BallotBox.CastResult {
        try await withCheckedThrowingContinuation { answer in
            waiting.append(Waiting(ballot: ballot, answer: answer))
            if !writing {
                writing = true
                Task { await self.writeWhileWaiting(clock: clock, on: database) }
            }
        }
    }

    private func writeWhileWaiting(clock: any SiteClock, on database: any Database) async {
        while !waiting.isEmpty {
            let batch = Array(waiting.prefix(Self.largestBatch))
            waiting.removeFirst(batch.count)
            batches += 1
            largest = max(largest, batch.count)
            metrics?.ballotBatch(size: batch.count)
            do {
                let results = try await BallotBox.write(batch.map(\.ballot), clock: clock, on: database)
                for (waiting, result) in zip(batch, results) { waiting.answer.resume(with: result) }
            } catch {
                // Nothing written, or (connection lost) not known: every voter of the batch is told so.
                for waiting in batch { waiting.answer.resume(throwing: error) }
                // A broken connection goes back to the pool before its channel is seen
                // closed; a statement sent on it then would wait for ever (PostgresNIO
                // drops writes to a closed channel). Give it time to be discarded.
                if let fault = DatabaseFault(error), fault == .connectionLost || fault == .unreachable {
                    try? await Task.sleep(for: .milliseconds(200))
                }
            }
        }
        writing = false
    }
}

extension Application {
    private struct BallotCommitterKey: StorageKey { typealias Value = BallotCommitter }

    /// Made at configuration (`configure`), before any request.
    var ballotCommitter: BallotCommitter {
        get {
            guard let committer = storage[BallotCommitterKey.self] else { fatalError("ballotCommitter is made in configure") }
            return committer
        }
        set { storage[BallotCommitterKey.self] = newValue }
    }
}
