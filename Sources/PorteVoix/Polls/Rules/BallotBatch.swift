import Fluent
import FluentPostgresDriver
import Foundation
import NIOConcurrencyHelpers
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
    /// The commit was sent and no answer came back (the connection broke,
    /// or the batch outlived its deadline): the ballots may or may not be in
    /// the box. A `DatabaseFault.connectionLost`, so every voter of the batch
    /// is sent to the register, which tells the truth.
    struct OutcomeUnknown: Error {}

    /// Writes web ballots in one transaction and gives one result per ballot,
    /// in order. The single writer of web ballots.
    ///
    /// - The polls are read once the lock is held, and stay open until the
    ///   commit: on SQLite the transaction starts with the write lock
    ///   (`BEGIN IMMEDIATE`); on PostgreSQL their rows are locked for share,
    ///   so a close waits for the batch and never slips in between.
    /// - The clock is read once the lock is held: waiting for it never lets a late ballot in.
    /// - Each register row goes in its own savepoint: a refusal (already
    ///   voted) fails only its own ballot. A ballot refused because the poll
    ///   closed, from a member already in the register, is « already voted »:
    ///   never « nothing counted » to someone whose vote is.
    /// - The accepted ballots go in afterwards, in one statement, in random
    ///   order, outside the savepoints: neither the rows' order nor
    ///   PostgreSQL's transaction ids pair a ballot with its register row
    ///   within a batch (design/voting.md, "What an attacker may hold").
    /// - A fault of the database (`DatabaseFault`) fails the whole batch. One
    ///   the database refused whole (busy, a lost race) before the commit was
    ///   sent runs again, as `retryingTransaction` does. A commit sent and
    ///   not answered is `OutcomeUnknown`, never run again.
    static func write(_ ballots: [PendingBallot], clock: any SiteClock,
                      on database: any Database) async throws -> [Result<CastResult, any Error>] {
        guard !ballots.isEmpty else { return [] }
        return try await DatabaseFault.retrying(what: "Écriture d'un lot de bulletins", logger: database.logger) {
            try await database.withConnection { connection in
                try await writeOnce(ballots, clock: clock, on: connection.sql)
            }
        }
    }

    /// One transaction on one connection.
    private static func writeOnce(_ ballots: [PendingBallot], clock: any SiteClock,
                                  on sql: any SQLDatabase) async throws -> [Result<CastResult, any Error>] {
        let sqlite = sql.dialect.name == "sqlite"
        try await sql.raw(sqlite ? "BEGIN IMMEDIATE" : "BEGIN").run()
        let results: [Result<CastResult, any Error>]
        do {
            // A poll's row held by a long count waits a while, then the batch is refused whole (busy).
            if !sqlite { try await sql.raw("SET LOCAL lock_timeout = '5s'").run() }
            results = try await writeLocked(ballots, clock: clock, on: sql)
        } catch {
            // A PostgreSQL connection that broke rolls back on the server; a
            // statement sent on it now could wait for an answer that never comes.
            if !(DatabaseFault(error) == .connectionLost && !sqlite) {
                try? await sql.raw("ROLLBACK").run()
            }
            throw error
        }
        // The one durable sync of the batch.
        do {
            try await sql.raw("COMMIT").run()
        } catch {
            if sqlite {
                // SQLite answered: not committed (an I/O error may still leave
                // it in the journal: `DatabaseFault.ioError` says « unknown »).
                try? await sql.raw("ROLLBACK").run()
                throw error
            }
            // PostgreSQL: only an answer from the server says « not committed ».
            if let postgres = error as? PSQLError, postgres.code == .server { throw error }
            throw OutcomeUnknown()
        }
        return results
    }

    /// The batch's statements, inside its transaction.
    private static func writeLocked(_ ballots: [PendingBallot], clock: any SiteClock,
                                    on sql: any SQLDatabase) async throws -> [Result<CastResult, any Error>] {
        let polls = try await lockedPolls(Array(Set(ballots.map(\.pollID))), on: sql)
        let now = clock.now()
        var results: [Result<CastResult, any Error>] = []
        results.reserveCapacity(ballots.count)
        var accepted: [PendingBallot] = []
        var refused: [Int] = []
        for ballot in ballots {
            guard let poll = polls[ballot.pollID], poll.takesWebBallots, poll.isOpen(at: now) else {
                let closed = polls[ballot.pollID].map { $0.takesWebBallots } ?? true
                refused.append(results.count)
                results.append(.success(closed ? .closed : .otherChannel))
                continue
            }
            try await sql.raw("SAVEPOINT voter").run()
            do {
                try await sql.raw("""
                    INSERT INTO poll_voters (poll_id, member_id, channel)
                    VALUES (\(bind: ballot.pollID), \(bind: ballot.memberID), \(bind: Channel.online.rawValue))
                    """).run()
                try await sql.raw("RELEASE SAVEPOINT voter").run()
                accepted.append(ballot)
                results.append(.success(.cast(tracker: ballot.tracker)))
            } catch {
                let fault = DatabaseFault(error)
                if fault == .busy && sql.dialect.name != "sqlite" {
                    // Waiting on another transaction's register row for this member
                    // (a batch given up at its deadline, still running): this vote's
                    // outcome is that one's, which the register will tell.
                    try await sql.raw("ROLLBACK TO SAVEPOINT voter").run()
                    try await sql.raw("RELEASE SAVEPOINT voter").run()
                    results.append(.failure(OutcomeUnknown()))
                    continue
                }
                // The site's condition (a full disk, a lost connection) fails the batch.
                if fault != nil { throw error }
                try await sql.raw("ROLLBACK TO SAVEPOINT voter").run()
                try await sql.raw("RELEASE SAVEPOINT voter").run()
                if let error = error as? any DatabaseError, error.isConstraintFailure {
                    results.append(.success(.alreadyVoted))
                } else {
                    results.append(.failure(error))
                }
            }
        }
        if !refused.isEmpty {
            // Refused for the poll's state: those already in the register voted before.
            let voters = try await registered(refused.map { ballots[$0] }, on: sql)
            for index in refused where voters.contains(ballots[index].memberID) {
                results[index] = .success(.alreadyVoted)
            }
        }
        if !accepted.isEmpty {
            let rows = accepted.shuffled().map { ballot -> SQLQueryString in
                "(\(bind: ballot.pollID), \(bind: randomID()), \(bind: ballot.sealed), \(bind: TrackerCode.hash(ballot.tracker)))"
            }
            try await sql.raw("""
                INSERT INTO ballots (poll_id, id, sealed_content, tracker_hash) VALUES \(rows.joined(separator: ", "))
                """).run()
        }
        return results
    }

    /// Which of these ballots' members are in their poll's register.
    private static func registered(_ ballots: [PendingBallot], on sql: any SQLDatabase) async throws -> Set<UUID> {
        var members: Set<UUID> = []
        for (pollID, group) in Dictionary(grouping: ballots, by: \.pollID) {
            let rows = try await sql.raw("""
                SELECT member_id FROM poll_voters WHERE poll_id = \(bind: pollID) AND member_id IN (\(binds: group.map(\.memberID)))
                """).all()
            for row in rows { members.insert(try row.decode(column: "member_id", as: UUID.self)) }
        }
        return members
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

/// Group commit of the site's web ballots: those of a poll that arrive
/// while its batch is being written wait for the next one, which writes them
/// all in one transaction and answers them after its one durable sync.
/// Nothing waits for company: a ballot that finds no batch in flight is
/// written at once. Each poll has its own lane, so a poll whose row is held
/// (its count) never delays the others' voters.
///
/// Each instance batches its own voters; the lock on the poll (above) is
/// what keeps a close out, whichever instance writes.
actor BallotCommitter {
    private struct Waiting {
        let ballot: PendingBallot
        let answer: CheckedContinuation<BallotBox.CastResult, any Error>
    }

    /// Beyond this, the next ballots wait for the next batch (binds and
    /// savepoints stay few: PostgreSQL keeps 64 subtransactions in memory).
    static let largestBatch = 64

    private var waiting: [UUID: [Waiting]] = [:]
    private var writing: Set<UUID> = []
    private let database: @Sendable () -> (any Database)?
    private let clock: any SiteClock
    /// A batch not answered by then is given up: its voters are sent to the
    /// register (`OutcomeUnknown`) and the poll's lane goes on. The write goes
    /// on alone; a vote sent again meanwhile waits for it, then is « unknown » too.
    private let deadline: Duration
    private let logger: Logger
    private let metrics: SiteMetrics?
    /// For the tests: how many batches were written, and the largest.
    private(set) var batches = 0
    private(set) var largest = 0

    init(database: @escaping @Sendable () -> (any Database)?, clock: any SiteClock, logger: Logger, metrics: SiteMetrics?,
         deadline: Duration = .seconds(30)) {
        self.database = database
        self.deadline = deadline
        self.clock = clock
        self.logger = logger
        self.metrics = metrics
    }

    /// How many ballots wait for a next batch (not those being written).
    var waitingCount: Int { waiting.values.reduce(0) { $0 + $1.count } }

    /// Casts `ballot` with the others of its poll that arrive meanwhile; answers once its batch is durable.
    func cast(_ ballot: PendingBallot) async throws -> BallotBox.CastResult {
        try await withCheckedThrowingContinuation { answer in
            waiting[ballot.pollID, default: []].append(Waiting(ballot: ballot, answer: answer))
            if writing.insert(ballot.pollID).inserted {
                Task { await self.writeWhileWaiting(pollID: ballot.pollID) }
            }
        }
    }

    private func writeWhileWaiting(pollID: UUID) async {
        while let queue = waiting[pollID], !queue.isEmpty {
            let batch = Array(queue.prefix(Self.largestBatch))
            waiting[pollID] = Array(queue.dropFirst(batch.count))
            batches += 1
            largest = max(largest, batch.count)
            metrics?.ballotBatch(size: batch.count)
            do {
                let results = try await withDeadline(batch.map(\.ballot))
                for (waiting, result) in zip(batch, results) { waiting.answer.resume(with: result) }
            } catch {
                // Nothing written, or not known: every voter of the batch is told so.
                for waiting in batch { waiting.answer.resume(throwing: error) }
                // A broken connection goes back to the pool before its channel is seen
                // closed; a statement sent on it then would wait for ever (PostgresNIO
                // drops writes to a closed channel). Give it time to be discarded.
                if DatabaseFault(error).map({ $0 == .connectionLost || $0 == .unreachable }) == true {
                    try? await Task.sleep(for: .milliseconds(200))
                }
            }
        }
        waiting[pollID] = nil
        writing.remove(pollID)
    }

    /// The batch, or `OutcomeUnknown` once `deadline` has passed (the write
    /// then goes on alone: whatever it does, the register tells the voters).
    private func withDeadline(_ ballots: [PendingBallot]) async throws -> [Result<BallotBox.CastResult, any Error>] {
        guard let database = self.database() else { throw Abort(.serviceUnavailable) }
        let clock = self.clock, logger = self.logger, deadline = self.deadline
        return try await withCheckedThrowingContinuation { (answer: CheckedContinuation<[Result<BallotBox.CastResult, any Error>], any Error>) in
            let once = NIOLockedValueBox(false)
            let resume: @Sendable (Result<[Result<BallotBox.CastResult, any Error>], any Error>) -> Void = { result in
                if once.withLockedValue({ done in defer { done = true }; return !done }) { answer.resume(with: result) }
            }
            let deadline = Task {
                try await Task.sleep(for: deadline)
                logger.error("Lot de \(ballots.count) bulletins sans réponse de la base après \(deadline) : issue inconnue")
                resume(.failure(BallotBox.OutcomeUnknown()))
            }
            Task {
                do { resume(.success(try await BallotBox.write(ballots, clock: clock, on: database))) } catch { resume(.failure(error)) }
                deadline.cancel()
            }
        }
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
