import Crypto
import Fluent
import Foundation
import SQLKit
import Voting

/// The register (`poll_voters`) and the box (`ballots`). Nothing here ever
/// writes a member and a ballot in the same row, or logs a ballot.
enum BallotBox {
    enum Channel: String { case online, paper }

    enum CastResult: Equatable {
        /// The tracker code, to show once.
        case cast(tracker: String)
        case alreadyVoted
    }

    /// Records that `memberID` voted and drops the ballot in the box, in one
    /// transaction: a second attempt (even at the same instant) finds the
    /// register row and leaves no ballot.
    static func cast(_ content: BallotContent, pollID: UUID, memberID: UUID, channel: Channel = .online,
                     on database: any Database) async throws -> CastResult {
        let tracker = TrackerCode.make()
        let ballot = try String(decoding: JSONEncoder().encode(content), as: UTF8.self)
        do {
            try await database.transaction { database in
                let sql = database as! any SQLDatabase
                try await sql.raw("""
                    INSERT INTO poll_voters (poll_id, member_id, channel) VALUES (\(bind: pollID), \(bind: memberID), \(bind: channel.rawValue))
                    """).run()
                try await insert(ballot, tracker: tracker, pollID: pollID, on: sql)
            }
        } catch let error as any DatabaseError where error.isConstraintFailure {
            return .alreadyVoted
        }
        return .cast(tracker: tracker)
    }

    /// A paper ballot: its voter is already in the register (channel paper).
    static func castPaper(_ content: BallotContent, poll: Poll, on database: any Database) async throws -> Bool {
        let pollID = try poll.requireID()
        let ballot = try String(decoding: JSONEncoder().encode(content), as: UTF8.self)
        return try await database.transaction { database in
            let sql = database as! any SQLDatabase
            let paperVoters = try await voterCount(pollID: pollID, channel: .paper, on: sql)
            guard let fresh = try await Poll.find(pollID, on: database), fresh.paperBallots < paperVoters else { return false }
            try await insert(ballot, tracker: TrackerCode.make(), pollID: pollID, on: sql)
            fresh.paperBallots += 1
            try await fresh.save(on: database)
            return true
        }
    }

    private static func insert(_ content: String, tracker: String, pollID: UUID, on sql: any SQLDatabase) async throws {
        try await sql.raw("""
            INSERT INTO ballots (poll_id, id, content, tracker_hash)
            VALUES (\(bind: pollID), \(bind: randomID()), \(bind: content), \(bind: TrackerCode.hash(tracker)))
            """).run()
    }

    /// 128 random bits, hex: the ballot's key, so the box's order owes nothing to time.
    static func randomID() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<2).map { _ in String(format: "%016llx", generator.next() as UInt64) }.joined()
    }

    /// Marks present members as having voted on paper (a member who voted
    /// online is refused: the register has them already).
    static func registerPaperVoter(pollID: UUID, memberID: UUID, on database: any Database) async throws -> Bool {
        do {
            try await (database as! any SQLDatabase).raw("""
                INSERT INTO poll_voters (poll_id, member_id, channel) VALUES (\(bind: pollID), \(bind: memberID), 'paper')
                """).run()
            return true
        } catch let error as any DatabaseError where error.isConstraintFailure {
            return false
        }
    }

    static func hasVoted(pollID: UUID, memberID: UUID, on database: any Database) async throws -> Bool {
        try await (database as! any SQLDatabase).raw("""
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
        let rows = try await (database as! any SQLDatabase).raw("""
            SELECT member_id, channel FROM poll_voters WHERE poll_id = \(bind: pollID)
            """).all()
        var voters: [UUID: Channel] = [:]
        for row in rows {
            voters[try row.decode(column: "member_id", as: UUID.self)] =
                Channel(rawValue: try row.decode(column: "channel", as: String.self)) ?? .online
        }
        return voters
    }

    static func ballotCount(pollID: UUID, on database: any Database) async throws -> Int {
        try await (database as! any SQLDatabase).raw("SELECT COUNT(*) AS n FROM ballots WHERE poll_id = \(bind: pollID)")
            .first()?.decode(column: "n", as: Int.self) ?? 0
    }

    /// The contents, for counting after close only.
    static func contents(pollID: UUID, on database: any Database) async throws -> [BallotContent] {
        let rows = try await (database as! any SQLDatabase).raw("SELECT content FROM ballots WHERE poll_id = \(bind: pollID)").all()
        let decoder = JSONDecoder()
        return try rows.map { try decoder.decode(BallotContent.self, from: Data(try $0.decode(column: "content", as: String.self).utf8)) }
    }

    static func trackerHashes(pollID: UUID, on database: any Database) async throws -> [String] {
        let rows = try await (database as! any SQLDatabase).raw("""
            SELECT tracker_hash FROM ballots WHERE poll_id = \(bind: pollID) ORDER BY tracker_hash
            """).all()
        return try rows.map { try $0.decode(column: "tracker_hash", as: String.self) }
    }

    /// At close, on PostgreSQL, the heap still holds ballots in casting
    /// order: rewrite them in random order. SQLite stores them by random id.
    static func shuffleAtClose(pollID: UUID, on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase, sql.dialect.name != "sqlite" else { return }
        try await database.transaction { database in
            let sql = database as! any SQLDatabase
            try await sql.raw("SET LOCAL portevoix.ballot_shuffle = 'on'").run()
            let rows = try await sql.raw("SELECT id, content, tracker_hash FROM ballots WHERE poll_id = \(bind: pollID)").all()
            var ballots = try rows.map {
                (try $0.decode(column: "id", as: String.self), try $0.decode(column: "content", as: String.self),
                 try $0.decode(column: "tracker_hash", as: String.self))
            }
            var generator = SystemRandomNumberGenerator()
            ballots.shuffle(using: &generator)
            try await sql.raw("DELETE FROM ballots WHERE poll_id = \(bind: pollID)").run()
            for ballot in ballots {
                try await sql.raw("""
                    INSERT INTO ballots (poll_id, id, content, tracker_hash)
                    VALUES (\(bind: pollID), \(bind: ballot.0), \(bind: ballot.1), \(bind: ballot.2))
                    """).run()
            }
        }
    }
}

/// The code a voter notes to find their ballot among the counted ones.
enum TrackerCode {
    static let length = 8

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
        SHA256.hash(data: Data(code.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// What the public list shows of a hash: short enough to read, long
    /// enough not to collide in a poll (40 bits).
    static func fingerprint(_ hash: String) -> String {
        let short = String(hash.prefix(10)).uppercased()
        return String(short.prefix(5)) + " " + String(short.suffix(5))
    }
}
