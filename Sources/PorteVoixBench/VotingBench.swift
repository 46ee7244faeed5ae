import Fluent
import Foundation
import PorteVoix
import SQLKit
import Vapor
import Voting

/// How fast the ballot box records sealed ballots with 64 voters at once,
/// through the whole HTTP path (session, CSRF, eligibility, sealing, one
/// transaction per ballot), how long the count of 10,000 sealed ballots
/// takes, and how long majority judgment takes to tally 100,000 ballots.
enum VotingBench {
    static func run() async throws {
        try tally()
        try await ListingBench.withBenchApp { app, label in
            try await casting(app, label: label + (label == "SQLite" ? ", synchronous = FULL (the site's setting)" : ""))
            if label == "SQLite" {
                // What durability costs: the same load with the last commits
                // at the mercy of a power cut. For comparison only.
                for eventLoop in app.eventLoopGroup.makeIterator() {
                    let database = app.databases.database(.sqlite, logger: app.logger, on: eventLoop) as! any SQLDatabase
                    try await database.raw("PRAGMA synchronous = NORMAL").run()
                }
                try await casting(app, label: label + ", synchronous = NORMAL (not durable, comparison only)")
                for eventLoop in app.eventLoopGroup.makeIterator() {
                    let database = app.databases.database(.sqlite, logger: app.logger, on: eventLoop) as! any SQLDatabase
                    try await database.raw("PRAGMA synchronous = FULL").run()
                }
            }
            try await counting(app, label: label)
        }
    }

    /// 10,000 sealed majority-judgment ballots (10 options), then the whole
    /// count: unwrap the key, open every ballot, tally, store, delete, scrub.
    static func counting(_ app: Application, label: String) async throws {
        let ballots = 10_000, options = 10
        let poll = try await PollFixture.make(app, kind: .majorityJudgment, options: options)
        let sql = app.db.sql
        let pollID = try poll.requireID()
        let rules = PollRules(kind: .majorityJudgment, optionCount: options)
        let publicKey = Array(Data(base64Encoded: poll.publicKey!)!)
        var random = SystemRandomNumberGenerator()
        let sealStart = ContinuousClock.now
        var sealed: [String] = []
        for _ in 0..<ballots {
            let content = BallotContent.grades((0..<options).map { _ in Grade(rawValue: Int.random(in: 0...6, using: &random))! })
            sealed.append(Data(try BallotSeal.seal(content, rules: rules, publicKey: publicKey, pollIdentifier: pollID.uuidString))
                .base64EncodedString())
        }
        let sealElapsed = ContinuousClock.now - sealStart
        // Straight into the register and the box, 500 rows a statement: the
        // casting path is measured above.
        for chunk in stride(from: 0, to: ballots, by: 500) {
            let ids = (chunk..<min(chunk + 500, ballots)).map { _ in UUID() }
            let members: [SQLQueryString] = ids.map { id in
                "(\(bind: id), \(bind: "Dépouillement \(id)"), \(bind: "depouillement \(id)"), 'x', 'active', \(bind: Date()))"
            }
            try await sql.raw("INSERT INTO members (id, pseudonym, pseudonym_key, password_hash, status, created_at) VALUES "
                + members.joined(separator: ", ")).run()
            let register: [SQLQueryString] = ids.map { "(\(bind: pollID), \(bind: $0), 'online')" }
            try await sql.raw("INSERT INTO poll_voters (poll_id, member_id, channel) VALUES " + register.joined(separator: ", ")).run()
        }
        for chunk in stride(from: 0, to: ballots, by: 500) {
            let rows: [SQLQueryString] = (chunk..<min(chunk + 500, ballots)).map { index in
                "(\(bind: pollID), \(bind: String(format: "%032x", index)), \(bind: sealed[index]), \(bind: String(format: "%064x", index)))"
            }
            try await sql.raw("INSERT INTO ballots (poll_id, id, sealed_content, tracker_hash) VALUES " + rows.joined(separator: ", ")).run()
        }
        let start = ContinuousClock.now
        try await PollCount.close(poll, at: app.clock.now(), app: app)
        let elapsed = ContinuousClock.now - start
        print("\(label): sealing 10,000 ballots took \(ListingBench.format(sealElapsed)); closing and counting them "
            + "(open, tally, store, delete, scrub) took \(ListingBench.format(elapsed)); "
            + "\(poll.aggregate?.ballots ?? 0) ballots in the stored result")
    }

    static func tally() throws {
        var random = SystemRandomNumberGenerator()
        let options = 10
        let ballots = (0..<100_000).map { _ in
            BallotContent.grades((0..<options).map { _ in Grade(rawValue: Int.random(in: 0...6, using: &random))! })
        }
        let start = ContinuousClock.now
        let tallies = Tally.grades(ballots, optionCount: options)
        let counted = ContinuousClock.now
        let results = MajorityJudgment.results(tallies)
        let ranked = ContinuousClock.now
        print("Majority judgment, 100,000 ballots × 10 options: tally \(ListingBench.format(counted - start)), "
            + "ranks \(ListingBench.format(ranked - counted)) (best rank \(results.map(\.rank).min() ?? 0))")
    }

    static func casting(_ app: Application, label: String) async throws {
        let voters = 640
        let sql = app.db.sql
        let pollID = try await PollFixture.make(app, kind: .yesNo, options: 0).requireID()
        // Members signed in with a session each, as browsers would be.
        var cookies: [(String, String)] = []
        let run = String(pollID.uuidString.prefix(6))  // one set of voters per run
        for index in 0..<voters {
            let memberID = UUID()
            try await sql.raw("""
                INSERT INTO members (id, pseudonym, pseudonym_key, password_hash, status, created_at)
                VALUES (\(bind: memberID), \(bind: "Votant \(run) \(index)"), \(bind: "votant \(run.lowercased()) \(index)"), 'x', 'active', \(bind: Date()))
                """).run()
            try await sql.raw("INSERT INTO member_roles (id, member_id, role) VALUES (\(bind: UUID()), \(bind: memberID), 'participant')").run()
            let token = SecureToken.make()
            let secret = SecureToken.make()
            try await sql.raw("""
                INSERT INTO web_sessions (id, csrf_secret, created_at, last_seen_at, expires_at, member_id)
                VALUES (\(bind: SecureToken.hash(token)), \(bind: secret), \(bind: Date()), \(bind: Date()), \(bind: Date().addingTimeInterval(3600)), \(bind: memberID))
                """).run()
            cookies.append((token, secret))
        }
        let sessions = cookies
        let start = ContinuousClock.now
        let concurrency = 64
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<concurrency {
                group.addTask {
                    for index in stride(from: worker, to: voters, by: concurrency) {
                        let (token, secret) = sessions[index]
                        var headers = HTTPHeaders()
                        headers.replaceOrAdd(name: .cookie, value: "portevoix=\(token)")
                        headers.contentType = .urlEncodedForm
                        let request = Request(application: app, method: .POST, url: URI(string: "/scrutins/\(pollID)/vote"),
                                              headers: headers, collectedBody: ByteBuffer(string: "_csrf=\(secret)&choix=P"),
                                              logger: app.logger, on: app.eventLoopGroup.next())
                        let response = try await app.responder.current.respond(to: request).get()
                        precondition(response.status == .ok, "cast answered \(response.status)")
                    }
                }
            }
            try await group.waitForAll()
        }
        let elapsed = ContinuousClock.now - start
        let count = try await sql.raw("SELECT COUNT(*) AS n FROM ballots WHERE poll_id = \(bind: pollID)").first()!
            .decode(column: "n", as: Int.self)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print("\(label): \(count) ballots cast by \(voters) voters, \(concurrency) at a time, in \(ListingBench.format(elapsed)): "
            + String(format: "%.0f ballots per second", Double(count) / seconds))
    }
}
