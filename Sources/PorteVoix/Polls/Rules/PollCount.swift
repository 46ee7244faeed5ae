import Fluent
import Foundation
import SQLKit
import Vapor
import Voting

/// A poll's keys (design/voting.md, "Keys: every box is sealed").
enum PollKeys {
    struct Missing: Error {}

    /// Standard custody: a new key pair, the private key wrapped under the
    /// master key. The poll's id must be set.
    static func standard(_ poll: Poll, master: [UInt8]) {
        let keys = BallotSeal.makeKeyPair()
        poll.custody = .standard
        poll.publicKey = Data(keys.publicKey).base64EncodedString()
        poll.wrappedKey = Data(KeyWrap.wrap(keys.privateKey, master: master, pollIdentifier: poll.identifier)).base64EncodedString()
        poll.keyHolders = ""
        poll.keyThreshold = 0
    }

    /// Sealed custody: a new key pair whose private key is split among the
    /// holders and forgotten. Returns each holder's printable share, in order:
    /// shown once, stored nowhere.
    static func sealed(_ poll: Poll, holders: [String], threshold: Int) throws -> [String] {
        let keys = BallotSeal.makeKeyPair()
        let shares = try SecretSharing.split(keys.privateKey, threshold: threshold, count: holders.count)
        poll.custody = .sealed
        poll.publicKey = Data(keys.publicKey).base64EncodedString()
        poll.wrappedKey = nil
        poll.keyHolders = holders.joined(separator: "\n")
        poll.keyThreshold = threshold
        return shares.map { KeyShareCode.encode($0, threshold: threshold, pollIdentifier: poll.identifier) }
    }

    /// The rules ballots of this poll are checked and sealed with; reads the
    /// options when they were not loaded with the poll.
    static func rules(of poll: Poll, on database: any Database) async throws -> PollRules {
        if poll.$options.value != nil || poll.kind == .yesNo { return poll.rules }
        let count = try await PollOption.query(on: database).filter(\.$poll.$id == poll.requireID()).count()
        return PollRules(kind: poll.kind, optionCount: count, maxChoices: poll.maxChoices)
    }
}

/// Closing and counting (design/voting.md, "The count").
public enum PollCount {
    enum Failure: Error, CustomStringConvertible {
        case keyUnavailable
        case unreadableBallots(Int)
        case moreBallotsThanVoters(ballots: Int, voters: Int)

        var description: String {
            switch self {
            case .keyUnavailable: "the poll's private key cannot be unwrapped"
            case .unreadableBallots(let count): "\(count) sealed ballots could not be opened"
            case .moreBallotsThanVoters(let ballots, let voters): "\(ballots) ballots for \(voters) register rows"
            }
        }
    }

    /// Closes an open poll, once: with several instances, or a click and a
    /// scheduled time together, exactly one caller wins. A standard poll is
    /// counted straight away. Returns whether this call closed it.
    @discardableResult
    public static func close(_ poll: Poll, at date: Date, app: Application, counting: Bool = true) async throws -> Bool {
        let sql = app.db.sql
        let claimed = try await sql.raw("""
            UPDATE polls SET status = 'closed', closed_at = \(bind: date)
            WHERE id = \(bind: poll.requireID()) AND status = 'open' RETURNING id
            """).all()
        guard !claimed.isEmpty else {
            try await reload(poll, on: app.db)
            return false
        }
        poll.status = .closed
        poll.closedAt = date
        if counting, poll.custody == .standard {
            await countStandardOrLog(poll, app: app)
        }
        if poll.custody == .sealed {
            // Each holder is told in their own inbox: the count waits for them.
            for row in try await PollKeyShare.query(on: app.db).filter(\.$pollID == poll.requireID()).all() {
                try await Notifier.notify(row.$member.id, "Le vote « \(poll.question) » est clos. Pour le dépouiller, connectez-vous "
                    + "et tapez votre part de clé : l'urne s'ouvrira quand \(poll.keyThreshold) détenteurs auront donné la leur.",
                    link: .poll(try poll.requireID(), .count), at: app.clock.now(), on: app.db)
            }
        }
        return true
    }

    /// A count that fails leaves the box sealed and the poll closed: the
    /// pages say the count is pending and the next look tries again. The log
    /// says why, never a ballot.
    static func countStandardOrLog(_ poll: Poll, app: Application) async {
        do {
            try await countStandard(poll, app: app)
        } catch {
            // Never the error's own text: a database error may carry bound values.
            let reason = SafeErrorDescription.of(error)
            app.logger.error("Le dépouillement du scrutin \(poll.identifier) a échoué (\(reason)). Les bulletins restent scellés.")
        }
    }

    /// Counts a closed standard poll with its wrapped key.
    static func countStandard(_ poll: Poll, app: Application) async throws {
        guard let wrapped = poll.wrappedKey.flatMap({ Data(base64Encoded: $0) }),
              let privateKey = try? KeyWrap.unwrap(Array(wrapped), master: app.siteKeys.ballotMaster, pollIdentifier: poll.identifier)
        else { throw Failure.keyUnavailable }
        try await count(poll, privateKey: privateKey, app: app)
    }

    /// Opens every sealed ballot in memory, tallies, and in one transaction
    /// stores the aggregate and the shuffled tracker hashes, deletes the
    /// ballots and the wrapped key. Then scrubs the files. Returns false if
    /// another caller counted first.
    @discardableResult
    static func count(_ poll: Poll, privateKey: [UInt8], app: Application) async throws -> Bool {
        let pollID = try poll.requireID()
        let rules = try await PollKeys.rules(of: poll, on: app.db)
        var contents: [BallotContent] = []
        var trackers: Set<String> = []
        var unreadable = 0
        for ballot in try await BallotBox.sealedBallots(pollID: pollID, on: app.db) {
            if let content = try? BallotSeal.open(ballot.sealed, rules: rules, privateKey: privateKey, pollIdentifier: poll.identifier),
               (try? BallotValidator.validate(content, rules: rules)) != nil {
                contents.append(content)
            } else {
                unreadable += 1
            }
            trackers.insert(ballot.trackerHash)
        }
        // A ballot that cannot be opened means a wrong key or a damaged box,
        // and more ballots than voters a box stuffed behind the site's back:
        // nothing is stored or deleted, the box stays as it is.
        guard unreadable == 0 else { throw Failure.unreadableBallots(unreadable) }
        let voters = try await BallotBox.voterCount(pollID: pollID, on: app.db.sql)
        guard contents.count <= voters else { throw Failure.moreBallotsThanVoters(ballots: contents.count, voters: voters) }
        let minimum = try await PollResults.minimumBallots(poll, on: app.db)
        let aggregate = PollAggregate.count(contents, rules: rules)
            .publishable(minimum: PollResults.channelMinimum(poll, ballots: contents.count, minimum: minimum))
        let result = String(decoding: try JSONEncoder().encode(aggregate), as: UTF8.self)
        var generator = SystemRandomNumberGenerator()
        let shuffled = trackers.shuffled(using: &generator)
        let now = app.clock.now()
        let (counted, deletingTransaction) = try await app.db.retryingTransaction { database -> (Bool, Int?) in
            let sql = database.sql
            var deletingTransaction: Int?
            if sql.dialect.name != "sqlite" {
                deletingTransaction = try await sql.raw("SELECT txid_current() % 4294967296 AS x").first()?
                    .decode(column: "x", as: Int.self)
            }
            let claimed = try await sql.raw("""
                UPDATE polls SET counted_at = \(bind: now), result = \(bind: result), wrapped_key = NULL
                WHERE id = \(bind: pollID) AND status = 'closed' AND counted_at IS NULL RETURNING id
                """).all()
            guard !claimed.isEmpty else { return (false, nil) }
            for tracker in shuffled {
                try await sql.raw("INSERT INTO poll_trackers (poll_id, tracker_hash) VALUES (\(bind: pollID), \(bind: tracker))").run()
            }
            // The holders' shares given for this count go with the ballots.
            try await KeyCustody.forgetGivenShares(pollID: pollID, on: sql)
            if sql.dialect.name == "sqlite" {
                try await sql.raw("DELETE FROM ballots WHERE poll_id = \(bind: pollID)").run()
            } else {
                try await sql.raw("SELECT discard_counted_ballots(\(bind: pollID))").run()
            }
            return (true, deletingTransaction)
        }
        guard counted else {
            try await reload(poll, on: app.db)
            return false
        }
        poll.countedAt = now
        poll.result = result
        poll.wrappedKey = nil
        try await scrub(app, after: deletingTransaction)
        return true
    }

    /// After a count, no copy of the files made from now on holds the
    /// deleted ballots or key (`FreeSpace`).
    static func scrub(_ app: Application, after deletingTransaction: Int? = nil) async throws {
        try await FreeSpace.scrub(app, tables: ["ballots", "polls", "poll_key_shares"], after: deletingTransaction,
                                  what: "Après un dépouillement")
    }

    static func reload(_ poll: Poll, on database: any Database) async throws {
        guard let fresh = try await Poll.find(poll.requireID(), on: database) else { return }
        poll.status = fresh.status
        poll.openedAt = fresh.openedAt
        poll.closesAt = fresh.closesAt
        poll.keySharesPending = fresh.keySharesPending
        poll.closedAt = fresh.closedAt
        poll.countedAt = fresh.countedAt
        poll.result = fresh.result
        poll.wrappedKey = fresh.wrappedKey
    }
}

/// An open poll with standard custody, for the benchmarks.
public enum PollFixture {
    public static func make(_ app: Application, kind: PollKind, options: Int) async throws -> Poll {
        let poll = Poll()
        poll.id = UUID()
        poll.question = "Bench"
        poll.details = ""
        poll.kind = kind
        poll.maxChoices = max(1, options)
        poll.minimumBallots = SiteSettingsStore.defaultMinimumBallots
        poll.eligibility = .all
        poll.status = .open
        poll.paperBallots = 0
        poll.createdAt = app.clock.now()
        PollKeys.standard(poll, master: app.siteKeys.ballotMaster)
        try await poll.create(on: app.db)
        for index in 0..<options {
            try await PollOption(pollID: poll.requireID(), position: index, label: "Choix \(index)").create(on: app.db)
        }
        return poll
    }
}
