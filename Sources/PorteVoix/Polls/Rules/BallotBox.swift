import Crypto
import Fluent
import Foundation
import SQLKit
import Voting

/// The register (`poll_voters`) and the box (`ballots`). Nothing here ever
/// writes a member and a ballot in the same row, or logs a ballot, and every
/// ballot is sealed with the poll's public key before it is written
/// (design/voting.md): a copy of the database shows who voted, never how.
enum BallotBox {
    enum Channel: String { case online, paper }

    enum CastResult: Equatable {
        /// The tracker code, to show once.
        case cast(tracker: String)
        case alreadyVoted
        /// The poll closed (or its closing time passed) before the ballot landed.
        case closed
        /// The poll takes its ballots on the other channel (paper, or online).
        case otherChannel
    }

    struct PollNotOpen: Error {}
    struct OtherChannel: Error {}

    /// The ballot sealed for this poll, base64.
    static func seal(_ content: BallotContent, poll: Poll, rules: PollRules) throws -> String {
        guard let publicKey = poll.publicKey.flatMap({ Data(base64Encoded: $0) }) else { throw PollKeys.Missing() }
        return Data(try BallotSeal.seal(content, rules: rules, publicKey: Array(publicKey), pollIdentifier: poll.identifier))
            .base64EncodedString()
    }

    /// Records that `memberID` voted and drops the sealed ballot in the box,
    /// in one transaction that also checks that the poll is open at that
    /// instant: a second attempt (even at the same instant) finds the
    /// register row and leaves no ballot; a close that commits first leaves none either.
    /// A batch of one (`write`); the site's own votes go through `BallotCommitter`.
    static func cast(_ content: BallotContent, poll: Poll, memberID: UUID, clock: any SiteClock,
                     on database: any Database) async throws -> CastResult {
        let ballot = try await pending(content, poll: poll, memberID: memberID, on: database)
        return try await write([ballot], clock: clock, on: database)[0].get()
    }

    /// The ballot sealed for the poll's key, with a fresh tracker code: all
    /// the work that needs no lock.
    static func pending(_ content: BallotContent, poll: Poll, memberID: UUID, on database: any Database) async throws -> PendingBallot {
        PendingBallot(pollID: try poll.requireID(), memberID: memberID,
                      sealed: try seal(content, poll: poll, rules: try await PollKeys.rules(of: poll, on: database)),
                      tracker: TrackerCode.make())
    }

    /// Whether the poll is open as its status and its schedule make it now.
    /// On PostgreSQL the row is locked for share: a close waits for the casts
    /// in flight, and a cast that waited for a close sees it.
    /// Throws `OtherChannel` when the poll takes no ballot of `channel`:
    /// paper and web ballots never mix in one poll (design/voting.md, "Insiders").
    static func isOpen(_ pollID: UUID, at now: Date, for channel: Channel, on sql: any SQLDatabase) async throws -> Bool {
        let lock = sql.dialect.name == "sqlite" ? "" : " FOR SHARE"
        guard let row = try await sql.raw("""
            SELECT status, closes_at, channel FROM polls WHERE id = \(bind: pollID)\(unsafeRaw: lock)
            """).first() else { return false }
        let accepted = PollChannel(rawValue: try row.decode(column: "channel", as: String.self)) ?? .online
        guard channel == .online ? accepted.takesWebBallots : accepted.takesPaperBallots else { throw OtherChannel() }
        let closesAt = try row.decode(column: "closes_at", as: Date?.self)
        return try row.decode(column: "status", as: String.self) == PollStatus.open.rawValue && (closesAt.map { $0 > now } ?? true)
    }

    enum PaperResult: Equatable { case typed, full, closed, otherChannel }

    /// A paper ballot: its voter is already in the register (channel paper).
    /// Journaled in the same transaction, by `actorID` (how many, never what).
    static func castPaper(_ content: BallotContent, poll: Poll, by actorID: UUID? = nil, clock: any SiteClock,
                          on database: any Database) async throws -> PaperResult {
        let pollID = try poll.requireID()
        let sealed = try seal(content, poll: poll, rules: try await PollKeys.rules(of: poll, on: database))
        do {
            return try await database.retryingTransaction { database in
                let sql = database.sql
                // Taking the write lock first, as for an online ballot.
                try await sql.raw("UPDATE polls SET paper_ballots = paper_ballots + 1 WHERE id = \(bind: pollID)").run()
                guard try await isOpen(pollID, at: clock.now(), for: .paper, on: sql) else { throw PollNotOpen() }
                let typed = try await sql.raw("SELECT paper_ballots FROM polls WHERE id = \(bind: pollID)").first()?
                    .decode(column: "paper_ballots", as: Int.self) ?? 0
                guard typed <= (try await voterCount(pollID: pollID, channel: .paper, on: sql)) else { throw PaperFull() }
                try await insert(sealed, tracker: TrackerCode.make(), pollID: pollID, on: sql)
                try await AuditLog.append(actorID: actorID, action: .pollPaperBallot, subject: .poll(pollID),
                                          details: ["number": String(typed)], at: clock.now(), on: database)
                poll.paperBallots = typed
                return .typed
            }
        } catch is PaperFull {
            return .full
        } catch is PollNotOpen {
            return .closed
        } catch is OtherChannel {
            return .otherChannel
        }
    }

    struct PaperFull: Error {}

    private static func insert(_ sealed: String, tracker: String, pollID: UUID, on sql: any SQLDatabase) async throws {
        try await sql.raw("""
            INSERT INTO ballots (poll_id, id, sealed_content, tracker_hash)
            VALUES (\(bind: pollID), \(bind: randomID()), \(bind: sealed), \(bind: TrackerCode.hash(tracker)))
            """).run()
    }

    /// 128 random bits, hex: the ballot's key, so the box's order owes nothing to time.
    static func randomID() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<2).map { _ in String(format: "%016llx", generator.next() as UInt64) }.joined()
    }

    enum PaperRegistration: Equatable { case registered, alreadyVoted, typingStarted, closed, otherChannel }

    /// Marks a member as having voted on paper, and keeps who did it and
    /// when, so that the member can be told. Registration closes when the
    /// first paper ballot is typed: the pile is typed once every paper voter is known.
    static func registerPaperVoter(poll: Poll, memberID: UUID, by registrar: Member, clock: any SiteClock,
                                   on database: any Database) async throws -> PaperRegistration {
        let pollID = try poll.requireID()
        do {
            return try await database.retryingTransaction { database in
                let sql = database.sql
                try await sql.raw("""
                    INSERT INTO poll_voters (poll_id, member_id, channel) VALUES (\(bind: pollID), \(bind: memberID), 'paper')
                    """).run()
                guard try await isOpen(pollID, at: clock.now(), for: .paper, on: sql) else { throw PollNotOpen() }
                let typed = try await sql.raw("SELECT paper_ballots FROM polls WHERE id = \(bind: pollID)").first()?
                    .decode(column: "paper_ballots", as: Int.self) ?? 0
                guard typed == 0 else { throw PaperFull() }
                let roles = registrar.roles.filter { $0 != .participant }.map(\.rawValue).sorted().joined(separator: ",")
                try await sql.raw("""
                    INSERT INTO paper_registrations (poll_id, member_id, registered_by, registered_by_roles, registered_at)
                    VALUES (\(bind: pollID), \(bind: memberID), \(bind: registrar.id), \(bind: roles), \(bind: clock.now()))
                    """).run()
                return .registered
            }
        } catch let error as any DatabaseError where error.isConstraintFailure {
            return .alreadyVoted
        } catch is PollNotOpen {
            return .closed
        } catch is PaperFull {
            return .typingStarted
        } catch is OtherChannel {
            return .otherChannel
        }
    }

    /// When and by which roles a member was registered as a paper voter.
    static func paperRegistration(pollID: UUID, memberID: UUID, on database: any Database) async throws -> (at: Date, roles: [Role])? {
        guard let row = try await database.sql.raw("""
            SELECT registered_at, registered_by_roles FROM paper_registrations
            WHERE poll_id = \(bind: pollID) AND member_id = \(bind: memberID)
            """).first() else { return nil }
        let roles = try row.decode(column: "registered_by_roles", as: String.self).split(separator: ",")
            .compactMap { Role(rawValue: String($0)) }
        return (try row.decode(column: "registered_at", as: Date.self), roles)
    }

    static func hasVoted(pollID: UUID, memberID: UUID, on database: any Database) async throws -> Bool {
        try await database.sql.raw("""
            SELECT COUNT(*) AS n FROM poll_voters WHERE poll_id = \(bind: pollID) AND member_id = \(bind: memberID)
            """).first()?.decode(column: "n", as: Int.self) ?? 0 > 0
    }

    static func voterCount(pollID: UUID, channel: Channel? = nil, on sql: any SQLDatabase) async throws -> Int {
        if let channel {
            return try await sql.raw("""
                SELECT COUNT(*) AS n FROM poll_voters WHERE poll_id = \(bind: pollID) AND channel = \(bind: channel.rawValue)
                """).first()?.decode(column: "n", as: Int.self) ?? 0
        }
        return try await sql.raw("SELECT COUNT(*) AS n FROM poll_voters WHERE poll_id = \(bind: pollID)")
            .first()?.decode(column: "n", as: Int.self) ?? 0
    }

    /// Who voted in a poll, and on which channel.
    static func voters(pollID: UUID, on database: any Database) async throws -> [UUID: Channel] {
        let rows = try await database.sql.raw("""
            SELECT member_id, channel FROM poll_voters WHERE poll_id = \(bind: pollID)
            """).all()
        var voters: [UUID: Channel] = [:]
        for row in rows {
            voters[try row.decode(column: "member_id", as: UUID.self)] =
                Channel(rawValue: try row.decode(column: "channel", as: String.self)) ?? .online
        }
        return voters
    }

    /// How many ballots a poll has: those in the box, or the counted ones.
    static func ballotCount(_ poll: Poll, on database: any Database) async throws -> Int {
        if let aggregate = poll.aggregate { return aggregate.ballots }
        return try await ballotCount(pollID: poll.requireID(), on: database)
    }

    /// The sealed ballots in the box right now.
    static func ballotCount(pollID: UUID, on database: any Database) async throws -> Int {
        try await database.sql.raw("SELECT COUNT(*) AS n FROM ballots WHERE poll_id = \(bind: pollID)")
            .first()?.decode(column: "n", as: Int.self) ?? 0
    }

    /// The sealed ballots and their tracker hashes, for the count only.
    static func sealedBallots(pollID: UUID, on database: any Database) async throws -> [(sealed: [UInt8], trackerHash: String)] {
        let rows = try await database.sql.raw("""
            SELECT sealed_content, tracker_hash FROM ballots WHERE poll_id = \(bind: pollID)
            """).all()
        return try rows.map { row in
            (Array(Data(base64Encoded: try row.decode(column: "sealed_content", as: String.self)) ?? Data()),
             try row.decode(column: "tracker_hash", as: String.self))
        }
    }

    /// The counted ballots' tracker hashes, sorted.
    static func trackerHashes(pollID: UUID, on database: any Database) async throws -> [String] {
        let rows = try await database.sql.raw("""
            SELECT tracker_hash FROM poll_trackers WHERE poll_id = \(bind: pollID) ORDER BY tracker_hash
            """).all()
        return try rows.map { try $0.decode(column: "tracker_hash", as: String.self) }
    }
}

/// The code a voter notes to find their ballot among the counted ones.
enum TrackerCode {
    static let length = 8
    /// "K7QF-2M9X": the letters and the dash, in bytes (the alphabet is ASCII).
    static let displayLength = length + 1

    static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        let code = String((0..<length).map { _ in ActivationCode.alphabet.randomElement(using: &generator)! })
        return String(code.prefix(4)) + "-" + String(code.suffix(4))
    }

    /// "k7qf 2m9x" → "K7QF-2M9X"; nil if it cannot be a tracker code.
    static func normalize(_ typed: String) -> String? {
        let cleaned = typed.uppercased().filter { !$0.isWhitespace && $0 != "-" }
        guard cleaned.count == length, cleaned.allSatisfy(ActivationCode.alphabet.contains) else { return nil }
        return String(cleaned.prefix(4)) + "-" + String(cleaned.suffix(4))
    }

    static func hash(_ code: String) -> String {
        SecureToken.hash(code)
    }

    /// What the public list shows of a hash: short enough to read, long
    /// enough not to collide in a poll (40 bits).
    static func fingerprint(_ hash: String) -> String {
        let short = String(hash.prefix(10)).uppercased()
        return String(short.prefix(5)) + " " + String(short.suffix(5))
    }
}
