import Foundation
import NIOConcurrencyHelpers
import PorteVoix
import SQLKit
import Vapor

/// Two `portevoix` instances on one PostgreSQL database, as behind a load
/// balancer: 200 members each sign in on one instance and vote on the
/// other, concurrently; the closing time passes and both instances' schedule
/// tasks race for it; both then show the same result.
enum InstancesDrill {
    static func run(binary: String, voters: Int) async throws {
        let site = try Drills.site()
        guard site.label == "PostgreSQL" else {
            throw DrillFailure("the instances drill needs PostgreSQL (run it through scripts/with-postgres)")
        }
        try await Drills.keepingLogsOnFailure(site) {
        let servers = try [0, 1].map { try Drills.Server(binary: binary, port: Drills.freePort(), site: site, name: "instance-\($0)") }
        defer { for server in servers where server.process.isRunning { server.signal(SIGTERM) } }
        try await Drills.withDrillApp(site, beforeConfigure: { app in
            // Both start at once on an empty database, as in a rolling
            // deployment: they take turns for the key checks and migrations.
            async let first: Void = servers[0].start(app.client)
            async let second: Void = servers[1].start(app.client)
            _ = try await (first, second)
        }) { app in
            let sql = app.db.sql
            let migrations = try await Drills.count(sql, "SELECT COUNT(*) AS n FROM _fluent_migrations")
            let distinct = try await Drills.count(sql, "SELECT COUNT(DISTINCT name) AS n FROM _fluent_migrations")
            print("\(site.label): both instances started together on an empty database; \(distinct) migrations applied, "
                + "\(migrations == distinct ? "each once" : "SOME TWICE")")
            let members = try await Drills.addMembers(app, count: voters, prefix: "Exercice")
            let pollID = try await PollFixture.make(app, kind: .yesNo, options: 0).requireID()
            let ports = servers.map(\.port)
            print("two instances on ports \(ports[0]) and \(ports[1]), \(voters) members, one poll")

            // Each member signs in on one instance, finds their account on the
            // other, and votes there: 32 members at a time.
            let client = app.client
            let start = ContinuousClock.now
            let outcomes = await Drills.load(count: voters, concurrency: 32) { index -> Result<String, DrillFailure> in
                let signInPort = ports[index % 2], votePort = ports[(index + 1) % 2]
                do {
                    var jar = try await Drills.signIn(client, port: signInPort, pseudonym: members[index].pseudonym)
                    let account = try await Drills.send(client, .GET, port: votePort, "/mon-compte", jar: &jar)
                    guard account.status == .ok, account.body.contains(members[index].pseudonym) else {
                        return .failure(DrillFailure("the other instance did not know the session (\(account.status.code))"))
                    }
                    guard let tracker = try await Drills.vote(client, port: votePort, poll: pollID, jar: &jar) else {
                        return .failure(DrillFailure("no tracker shown"))
                    }
                    return .success(tracker)
                } catch let failure as DrillFailure {
                    return .failure(failure)
                } catch {
                    return .failure(DrillFailure(String(describing: error)))
                }
            }
            let elapsed = ContinuousClock.now - start
            let trackers = outcomes.values.compactMap { try? $0.get() }
            let failures = outcomes.values.compactMap { result -> String? in
                if case .failure(let failure) = result { return failure.description }
                return nil
            }
            let register = try await Drills.count(sql, "SELECT COUNT(*) AS n FROM poll_voters WHERE poll_id = \(bind: pollID)")
            let ballots = try await Drills.count(sql, "SELECT COUNT(*) AS n FROM ballots WHERE poll_id = \(bind: pollID)")
            print(String(format: "signed in on one, voted on the other: %d trackers shown, %d failures, in %.1f s",
                         trackers.count, failures.count, Drills.seconds(elapsed)))
            for failure in Set(failures).prefix(5) { print("  failure: \(failure)") }
            print("in the database: \(register) register rows, \(ballots) ballots")

            // The closing time passes: both instances' schedule tasks see it.
            try await sql.raw("UPDATE polls SET closes_at = \(bind: Date()) WHERE id = \(bind: pollID)").run()
            let deadline = ContinuousClock.now + .seconds(60)
            var counted = false
            while !counted, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(250))
                counted = try await Drills.count(sql, "SELECT COUNT(*) AS n FROM polls WHERE id = \(bind: pollID) AND counted_at IS NOT NULL") == 1
            }
            let published = try await Drills.count(sql, "SELECT COUNT(*) AS n FROM poll_trackers WHERE poll_id = \(bind: pollID)")
            let verified = try await Drills.found(trackers, table: "poll_trackers", poll: pollID, sql: sql)
            let left = try await Drills.count(sql, "SELECT COUNT(*) AS n FROM ballots WHERE poll_id = \(bind: pollID)")
            print("closed by the schedule: counted \(counted ? "once" : "NOT"), \(published) trackers published, "
                + "\(verified) of the \(trackers.count) shown among them, \(left) ballots left in the box")

            // Anyone, on either instance, sees the same result.
            var pages: [String] = []
            for port in ports {
                var jar = Drills.Jar()
                let page = try await Drills.send(client, .GET, port: port, "/scrutins/\(pollID)", jar: &jar)
                pages.append(results(page.body))
            }
            let same = pages[0] == pages[1] && !pages[0].isEmpty
            let shownCount = pages[0].contains("\(voters)")
            print("result pages: \(same ? "identical" : "DIFFERENT") on both instances, \(shownCount ? "showing" : "NOT showing") \(voters) ballots")

            var problems: [String] = []
            if migrations != distinct { problems.append("a migration ran twice") }
            if trackers.count != voters { problems.append("\(voters - trackers.count) members could not vote") }
            if register != voters || ballots != voters { problems.append("register \(register), ballots \(ballots), expected \(voters)") }
            if !counted || published != voters || verified != trackers.count || left != 0 { problems.append("the count is wrong") }
            if !same || !shownCount { problems.append("the instances disagree on the result") }
            for server in servers {
                server.signal(SIGTERM)
                if try await server.exited(within: 30) != 0 { problems.append("an instance did not stop cleanly") }
            }
            guard problems.isEmpty else { throw DrillFailure("instances drill failed: " + problems.joined(separator: "; ")) }
            print("instances drill: ok")
        }
        }
    }

    /// The poll page's main content without its form tokens.
    static func results(_ page: String) -> String {
        guard let start = page.range(of: "<main"), let end = page.range(of: "</main>") else { return "" }
        let main = String(page[start.lowerBound..<end.upperBound])
        return main.replacingOccurrences(of: #"value="[^"]*""#, with: "", options: .regularExpression)
    }
}
