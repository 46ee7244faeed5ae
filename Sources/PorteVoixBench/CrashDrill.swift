import Foundation
import NIOConcurrencyHelpers
import PorteVoix
import SQLKit
import Vapor

/// One server under a steady voting load (64 voters at a time, each a
/// signed-in member with the form token of their session):
/// 1. `kill -9` after a while, restart: every ballot whose tracker a voter
///    saw is in the box, register rows and ballots match for each poll, and
///    SQLite says its file is sound;
/// 2. SIGTERM under the same load: the server stops taking connections,
///    answers what it took, and exits 0; no vote is recorded without its
///    voter getting the answer.
enum CrashDrill {
    static let concurrency = 64

    enum Outcome: Sendable {
        case tracker(String)
        case refused(String)   // the server answered without a tracker
        case failed(String)    // no answer at all
    }

    static func run(binary: String, voters: Int) async throws {
        let site = try Drills.site()
        try await Drills.keepingLogsOnFailure(site) {
        try await Drills.withDrillApp(site) { app in
            let sql = app.db.sql
            let members = try await Drills.addMembers(app, count: voters * 2, prefix: "Votant")
            let sessions = try await Drills.addSessions(app, for: members.map(\.id))
            let polls = [try await PollFixture.make(app, kind: .yesNo, options: 0).requireID(),
                         try await PollFixture.make(app, kind: .yesNo, options: 0).requireID()]
            let port = Drills.freePort()
            var problems: [String] = []

            // 1. kill -9 under load.
            let first = try Drills.Server(binary: binary, port: port, site: site, name: "serveur-1")
            try await first.start(app.client)
            let crashVoters = Array(members.prefix(voters))
            let (crashOutcomes, crashElapsed) = try await underLoad(app, port: port, voters: crashVoters, sessions: sessions, polls: polls) {
                first.signal(SIGKILL)
            }
            _ = try await first.exited(within: 30)
            let restartStart = ContinuousClock.now
            let second = try Drills.Server(binary: binary, port: port, site: site, name: "serveur-2")
            try await second.start(app.client)
            let restart = ContinuousClock.now - restartStart
            let crash = try await check(crashOutcomes, voters: crashVoters, polls: polls, sql: sql)
            let integrity = try await integrityCheck(sql)
            print("\(site.label), kill -9 after \(String(format: "%.1f", Drills.seconds(crashElapsed))) s of voting (\(concurrency) voters at a time): "
                + "\(crash.shown) trackers shown, \(crash.shownInBox) of them in the box after restart; "
                + "\(crash.ballots) ballots and \(crash.register) register rows (\(crash.perPoll)); "
                + "\(crash.unanswered) votes cut by the crash; restart in \(String(format: "%.1f", Drills.seconds(restart))) s"
                + (integrity.map { "; PRAGMA integrity_check: \($0)" } ?? ""))
            if crash.shown == 0 { problems.append("no vote went through before the crash") }
            if crash.shownInBox != crash.shown { problems.append("\(crash.shown - crash.shownInBox) shown trackers lost") }
            if !crash.balanced { problems.append("register rows and ballots differ") }
            if let integrity, integrity != "ok" { problems.append("integrity_check: \(integrity)") }

            // 2. SIGTERM under load, on kept-alive connections as a proxy holds them.
            let termVoters = Array(members.suffix(voters))
            let signalled = NIOLockedValueBox<ContinuousClock.Instant?>(nil)
            let (termOutcomes, _) = try await underLoad(app, port: port, voters: termVoters, sessions: sessions, polls: polls) {
                signalled.withLockedValue { $0 = .now }
                second.signal(SIGTERM)
            }
            let status = try await second.exited(within: 60)
            let stopped = signalled.withLockedValue { $0 }.map { ContinuousClock.now - $0 } ?? .zero
            let term = try await check(termOutcomes, voters: termVoters, polls: polls, sql: sql)
            let notTaken = termOutcomes.values.filter { if case .failed = $0 { true } else { false } }.count
            print("\(site.label), SIGTERM under load: exit status \(status) after \(String(format: "%.1f", Drills.seconds(stopped))) s; "
                + "\(term.shown) trackers shown, all \(term.shownInBox == term.shown ? "in" : "NOT in") the box; "
                + "\(notTaken) requests refused at the door (no vote recorded); \(term.unanswered) votes recorded without their answer")
            let errors = Dictionary(grouping: termOutcomes.values.compactMap { outcome -> String? in
                switch outcome {
                case .failed(let error): String(error.prefix(120))
                case .refused(let status): "answered \(status)"
                case .tracker: nil
                }
            }, by: { $0 }).mapValues(\.count)
            for (error, count) in errors.sorted(by: { $0.value > $1.value }).prefix(4) { print("  \(count) × \(error)") }
            if status != 0 { problems.append("the server exited \(status) on SIGTERM") }
            if term.unanswered != 0 { problems.append("\(term.unanswered) requests cut in half by SIGTERM") }
            if term.shownInBox != term.shown || !term.balanced { problems.append("SIGTERM lost ballots") }
            if term.shown == 0 { problems.append("no vote went through before SIGTERM") }

            // The site comes back for the members who could not vote.
            let third = try Drills.Server(binary: binary, port: port, site: site, name: "serveur-3")
            try await third.start(app.client)
            third.signal(SIGTERM)
            _ = try await third.exited(within: 60)
            guard problems.isEmpty else { throw DrillFailure("crash drill failed: " + problems.joined(separator: "; ")) }
            print("crash drill: ok")
        }
        }
    }

    /// Sends votes until `interrupt` has run (after a third of the voters
    /// got their tracker) and the server stops answering.
    static func underLoad(_ app: Application, port: Int, voters: [(id: UUID, pseudonym: String)],
                          sessions: [UUID: (cookie: String, csrf: String)], polls: [UUID], closing: Bool = false,
                          interrupt: @escaping @Sendable () -> Void) async throws -> ([Int: Outcome], Duration) {
        let client = app.client
        let acknowledged = NIOLockedValueBox(0)
        let stop = NIOLockedValueBox(false)
        let interrupted = NIOLockedValueBox(false)
        let threshold = max(1, voters.count / 3)
        let start = ContinuousClock.now
        let outcomes = await Drills.load(count: voters.count, concurrency: concurrency, stop: stop) { index -> Outcome in
            let member = voters[index]
            let session = sessions[member.id]!
            var jar = Drills.Jar(cookies: ["portevoix": session.cookie])
            let outcome: Outcome
            do {
                let reply = try await Drills.send(client, .POST, port: port, "/scrutins/\(polls[index % polls.count])/vote", jar: &jar,
                                                  form: ["_csrf": session.csrf, "choix": "P"], closing: closing)
                outcome = reply.tracker.map(Outcome.tracker) ?? .refused("\(reply.status.code)")
            } catch {
                outcome = .failed(String(describing: error))
            }
            if case .tracker = outcome {
                let count = acknowledged.withLockedValue { value -> Int in
                    value += 1
                    return value
                }
                if count == threshold, interrupted.withLockedValue({ done in defer { done = true }; return !done }) { interrupt() }
            } else if interrupted.withLockedValue({ $0 }) {
                // The server is gone: the others would only fail the same way.
                stop.withLockedValue { $0 = true }
            }
            return outcome
        }
        return (outcomes, ContinuousClock.now - start)
    }

    struct Check {
        var shown = 0, shownInBox = 0, ballots = 0, register = 0, unanswered = 0
        var balanced = true
        var perPoll = ""
    }

    /// What the box holds, against what voters were shown.
    static func check(_ outcomes: [Int: Outcome], voters: [(id: UUID, pseudonym: String)], polls: [UUID],
                      sql: any SQLDatabase) async throws -> Check {
        var result = Check()
        var parts: [String] = []
        for (pollIndex, poll) in polls.enumerated() {
            let mine = outcomes.filter { $0.key % polls.count == pollIndex }
            let trackers = mine.values.compactMap { if case .tracker(let code) = $0 { code } else { nil } }
            result.shown += trackers.count
            result.shownInBox += try await Drills.found(trackers, table: "ballots", poll: poll, sql: sql)
            let ballots = try await Drills.count(sql, "SELECT COUNT(*) AS n FROM ballots WHERE poll_id = \(bind: poll)")
            let register = try await Drills.count(sql, "SELECT COUNT(*) AS n FROM poll_voters WHERE poll_id = \(bind: poll)")
            result.ballots += ballots
            result.register += register
            result.balanced = result.balanced && ballots == register
            parts.append("poll \(pollIndex + 1): \(ballots)/\(register)")
            // A voter who got no answer but whose vote is recorded.
            let unanswered = mine.filter { if case .tracker = $0.value { false } else { true } }.map { voters[$0.key].id }
            for chunk in stride(from: 0, to: unanswered.count, by: 200) {
                let list = unanswered[chunk..<min(chunk + 200, unanswered.count)].map { "\(bind: $0)" as SQLQueryString }.joined(separator: ", ")
                result.unanswered += try await Drills.count(sql, "SELECT COUNT(*) AS n FROM poll_voters WHERE poll_id = \(bind: poll) AND member_id IN (" + list + ")")
            }
        }
        result.perPoll = parts.joined(separator: ", ")
        return result
    }

    /// SQLite's own verdict on the file; nil on PostgreSQL.
    static func integrityCheck(_ sql: any SQLDatabase) async throws -> String? {
        guard sql.dialect.name == "sqlite" else { return nil }
        return try await sql.raw("PRAGMA integrity_check").all()
            .compactMap { try? $0.decode(column: "integrity_check", as: String.self) }.joined(separator: "; ")
    }
}
