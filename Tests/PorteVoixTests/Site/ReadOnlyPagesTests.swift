import Crypto
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting
@testable import PorteVoix

/// Looking at a page changes no application data: every GET route, as every
/// role, with real ids, leaves every table as it was (the sessions' own
/// bookkeeping excepted). Polls whose opening and closing times have passed
/// are shown as open and closed, and stay as stored until an action or the
/// server's schedule task applies them.
@Suite("Looking changes nothing")
struct ReadOnlyPagesTests {
    /// A digest of every table's rows, by table name.
    /// Sessions, and the recordings « Écouter » keeps (a cache of what the
    /// pages say, made on first listening) are not application data.
    static func fingerprint(_ app: Application, except excluded: Set<String> = ["web_sessions", "speech_recordings"]) async throws -> [String: String] {
        let sql = app.db as! any SQLDatabase
        let sqlite = sql.dialect.name == "sqlite"
        let tables = try await sql.raw(sqlite
            ? "SELECT name AS t FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            : "SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public'").all()
            .map { try $0.decode(column: "t", as: String.self) }
        var digests: [String: String] = [:]
        for table in tables where !excluded.contains(table) {
            let quoted = "\"" + table + "\""
            let text: String?
            if sqlite {
                let columns = try await sql.raw("PRAGMA table_info(\(unsafeRaw: quoted))").all()
                    .map { try $0.decode(column: "name", as: String.self) }
                let row = columns.map { "quote(\"\($0)\")" }.joined(separator: " || ',' || ")
                text = try await sql.raw("""
                    SELECT group_concat(x, '|') AS d FROM (SELECT \(unsafeRaw: row) AS x FROM \(unsafeRaw: quoted) ORDER BY x)
                    """).first()?.decode(column: "d", as: String?.self)
            } else {
                text = try await sql.raw("""
                    SELECT string_agg(t::text, '|' ORDER BY t::text) AS d FROM \(unsafeRaw: quoted) t
                    """).first()?.decode(column: "d", as: String?.self)
            }
            digests[table] = SHA256.hash(data: Data((text ?? "").utf8)).map { String(format: "%02x", $0) }.joined()
        }
        return digests
    }

    @Test func noPageWritesApplicationData() async throws {
        try await withTestApp { app in
            _ = try await DemoData.fill(app)
            // Schedules that have come: a draft past its opening, an open poll past its closing.
            let opening = try await makePoll(app, status: .draft)
            opening.opensAt = Date().addingTimeInterval(-60)
            try await opening.save(on: app.db)
            let closing = try await makePoll(app)
            closing.closesAt = Date().addingTimeInterval(-1)
            try await closing.save(on: app.db)

            var browsers: [Browser] = [Browser(app)]
            for role in Role.allCases {
                let name = "Lecteur \(role.rawValue)"
                try await makeMember(app, name, roles: role == .participant ? [.participant] : [role, .participant])
                var browser = Browser(app)
                try await browser.signIn(name)
                browsers.append(browser)
            }
            let known = try await HostileRequestTests.parameterValues(app)
            let before = try await Self.fingerprint(app)
            var pages = 0
            for index in browsers.indices {
                for route in app.routes.all where route.method == .GET {
                    for variant in 0..<2 {
                        _ = try await browsers[index].get(HostileRequestTests.path(route, known: known, variant: variant))
                        pages += 1
                    }
                }
            }
            let after = try await Self.fingerprint(app)
            let changed = after.keys.filter { before[$0] != after[$0] }.sorted()
            #expect(changed.isEmpty, "\(pages) pages looked at; tables written: \(changed)")

            // Shown as the schedule says, stored as it was.
            var visitor = Browser(app)
            #expect(try await visitor.get(opening.path).text.contains("Scrutin ouvert"))
            #expect(try await visitor.get(closing.path).text.contains("Scrutin clos"))
            #expect(try await Poll.find(opening.id, on: app.db)?.status == .draft)
            #expect(try await Poll.find(closing.id, on: app.db)?.status == .open)

            // The server's schedule task applies them: opened, closed, counted.
            try await PollSchedule.applyDue(app, now: app.clock.now())
            #expect(try await Poll.find(opening.id, on: app.db)?.status == .open)
            let counted = try await Poll.find(closing.id, on: app.db)
            #expect(counted?.status == .closed && counted?.countedAt != nil)
            // The fingerprint does see writes.
            let applied = try await Self.fingerprint(app)
            #expect(applied["polls"] != after["polls"])
        }
    }

    @Test func theScheduleTaskRunsOnlyWhileServing() {
        #expect(PollScheduler.isServing(["portevoix"]))
        #expect(PollScheduler.isServing(["portevoix", "serve"]))
        #expect(PollScheduler.isServing(["portevoix", "--port", "8080"]))
        for command in ["demo", "create-admin", "migrate", "routes"] {
            #expect(!PollScheduler.isServing(["portevoix", command]), "\(command)")
        }
    }

    /// A voter arriving just after the closing time: the request closes the
    /// poll and refuses the ballot, but never opens the box itself.
    @Test func aVotersRequestClosesADuePollAndLeavesTheCountToTheServer() async throws {
        try await withTestApp { app in
            let poll = try await makePoll(app, kind: .yesNo, options: [])
            for index in 0..<2 {
                let member = try await makeMember(app, "Votant \(index)")
                _ = try await BallotBox.cast(.yesNo(.pour), poll: poll, memberID: member.requireID(), clock: app.clock, on: app.db)
            }
            poll.closesAt = Date().addingTimeInterval(-1)
            try await poll.save(on: app.db)
            try await makeMember(app, "En retard")
            var late = Browser(app)
            try await late.signIn("En retard")
            let refused = try await late.submit(["choix": "P"], on: poll.path, to: poll.path + "/vote")
            #expect(refused.status == .conflict)
            let closed = try #require(try await Poll.find(poll.id, on: app.db))
            #expect(closed.status == .closed && closed.countedAt == nil)
            #expect(try await BallotBox.ballotCount(pollID: poll.requireID(), on: app.db) == 2)
            try await PollSchedule.applyDue(app, now: app.clock.now())
            #expect(try await Poll.find(poll.id, on: app.db)?.countedAt != nil)
        }
    }
}
