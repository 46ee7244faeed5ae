// portevoix-bench: figures for the team, never pass/fail.
//
//   swift run portevoix-bench listing [count]
//
// Fills a fresh database (SQLite in a temporary folder, or the PostgreSQL
// server named by PORTEVOIX_TEST_POSTGRES_URL) with `count` published
// proposals, prints the query plans of the listing, and times whole pages
// through the application's own middleware and routes.
import Fluent
import Foundation
import PorteVoix
import SQLKit
import Vapor

@main
enum Bench {
    static func main() async throws {
        let arguments = CommandLine.arguments.dropFirst()
        switch arguments.first {
        case "listing":
            try await ListingBench.run(count: arguments.dropFirst().first.flatMap(Int.init) ?? 10_000)
        case "voting":
            try await VotingBench.run()
        case "screening":
            ScreeningBench.run()
        case "exports":
            let rest = Array(arguments.dropFirst())
            try await ExportsBench.run(count: rest.first.flatMap(Int.init) ?? 100_000,
                                       formats: rest.count > 1 ? Array(rest.dropFirst()) : ["csv", "csv-tableur", "json"])
        case "dataset":
            try await SiteBench.dataset(file: arguments.dropFirst().first ?? "dataset.json")
        case "cast":
            let rest = Array(arguments.dropFirst())
            guard rest.count == 2, let port = Int(rest[0]) else {
                print("usage: portevoix-bench cast PORT DATASET_FILE")
                exit(2)
            }
            try await SiteBench.cast(port: port, file: rest[1])
        case "drill-faults":
            guard let binary = arguments.dropFirst().first else {
                print("usage: portevoix-bench drill-faults PORTEVOIX_BINARY")
                exit(2)
            }
            do {
                try await FaultsDrill.run(binary: binary)
            } catch let failure as DrillFailure {
                print(failure.description)
                exit(1)
            }
        case "drill-instances", "drill-crash", "drill-backup":
            let rest = Array(arguments.dropFirst())
            guard let binary = rest.first else {
                print("usage: portevoix-bench \(arguments.first!) PORTEVOIX_BINARY [voters]")
                exit(2)
            }
            do {
                if arguments.first == "drill-instances" {
                    try await InstancesDrill.run(binary: binary, voters: rest.dropFirst().first.flatMap(Int.init) ?? 200)
                } else if arguments.first == "drill-backup" {
                    try await BackupDrill.run(binary: binary, voters: rest.dropFirst().first.flatMap(Int.init) ?? 600)
                } else {
                    try await CrashDrill.run(binary: binary, voters: rest.dropFirst().first.flatMap(Int.init) ?? 1000)
                }
            } catch let failure as DrillFailure {
                print(failure.description)
                exit(1)
            }
        default:
            print("usage: portevoix-bench listing [count] | voting | screening | exports [count] [formats…] | drill-instances BIN [voters] | drill-crash BIN [voters] | drill-backup BIN [voters] | drill-faults BIN")
        }
    }
}

enum ListingBench {
    static func run(count: Int) async throws {
        try await withBenchApp { app, label in try await measure(app, count: count, label: label) }
    }

    static func withBenchApp(_ body: (Application, String) async throws -> Void) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("portevoix-bench-\(UUID())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var database = Settings.Database.sqlite(path: folder + "/bench.sqlite")
        var label = "SQLite"
        if let url = ProcessInfo.processInfo.environment["PORTEVOIX_TEST_POSTGRES_URL"] {
            database = .postgres(url: url)
            label = "PostgreSQL"
        }
        let root = FileManager.default.currentDirectoryPath + "/"
        let app = try await Application.make(.testing)
        app.logger.logLevel = .warning
        do {
            try await configure(app, settings: Settings(database: database, dataDirectory: folder, resourcesDirectory: root,
                                                        passwordHashCost: 4, keys: .given(ballotMaster: SiteKeys.random().ballotMaster,
                                                                                          signing: SiteKeys.random().signing)))
            try await body(app, label)
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        try await app.asyncShutdown()
    }

    static func measure(_ app: Application, count: Int, label: String) async throws {
        try await fill(app, count: count, label: label)
        let sql = app.db.sql
        let publicStatuses = "'published', 'scheduled', 'adopted', 'not_adopted', 'forwarded', 'answered', 'in_progress', 'done', 'declined'"
        for (name, order) in [("newest first", "published_at DESC"), ("most supported", "supports_count DESC, published_at DESC")] {
            let query = "SELECT * FROM proposals WHERE status IN (\(publicStatuses)) ORDER BY \(order) LIMIT 20"
            print("\nQuery plan, \(name):")
            for line in try await plan(query, sql: sql, label: label) { print("  \(line)") }
        }
        try await pages(app)
    }

    /// `count` published proposals, inserted 500 at a time.
    static func fill(_ app: Application, count: Int, label: String) async throws {
        let sql = app.db.sql
        let theme = try await sql.raw("SELECT id FROM themes LIMIT 1").first()!.decode(column: "id", as: UUID.self)
        try await sql.raw("DELETE FROM proposals").run()
        let start = ContinuousClock.now
        let words = ["bus", "crèche", "formation", "logement", "santé", "numérique", "budget", "permis"]
        try await app.db.transaction { database in
            let sql = database.sql
            for batch in stride(from: 0, to: count, by: 500) {
                var rows: [SQLQueryString] = []
                for index in batch..<min(batch + 500, count) {
                    let word = words[index % words.count]
                    rows.append("""
                        (\(bind: UUID()), \(bind: "Proposition \(index) sur le \(word)"), \(bind: "Texte de la proposition \(index)."),
                         \(bind: theme), false, false, 'published', \(bind: Date()), \(bind: Date(timeIntervalSince1970: Double(index) * 60)),
                         \(bind: Date()), \(bind: index % 97), \(bind: SearchText.fold("proposition \(index) sur le \(word)")))
                        """)
                }
                try await sql.raw("""
                    INSERT INTO proposals (id, title, body, theme_id, anonymous, from_paper, status, status_changed_at,
                      published_at, created_at, supports_count, search_text) VALUES \(rows.joined(separator: ", "))
                    """).run()
            }
        }
        try await sql.raw("ANALYZE").run()
        print("\(label): \(count) published proposals inserted in \(format(ContinuousClock.now - start))")
    }

    static func pages(_ app: Application) async throws {
        print("\nWhole pages (GET through middleware, routes, queries and HTML), 30 requests each:")
        for path in ["/propositions", "/propositions?page=250", "/propositions?tri=soutenues",
                     "/propositions?q=creche", "/propositions?q=creche%20formation&tri=soutenues"] {
            var durations: [Duration] = []
            for _ in 0..<30 {
                let request = Request(application: app, method: .GET, url: URI(string: path), logger: app.logger, on: app.eventLoopGroup.next())
                let begin = ContinuousClock.now
                let response = try await app.responder.current.respond(to: request).get()
                durations.append(ContinuousClock.now - begin)
                precondition(response.status == .ok, "\(path) answered \(response.status)")
            }
            durations.sort()
            print("  \(path.padding(toLength: 50, withPad: " ", startingAt: 0)) median \(format(durations[15]))  "
                + "slowest \(format(durations.last!))")
        }
    }

    static func plan(_ query: String, sql: any SQLDatabase, label: String) async throws -> [String] {
        if label == "SQLite" {
            return try await sql.raw("EXPLAIN QUERY PLAN \(unsafeRaw: query)").all()
                .map { try $0.decode(column: "detail", as: String.self) }
        }
        return try await sql.raw("EXPLAIN ANALYZE \(unsafeRaw: query)").all()
            .map { try $0.decode(column: "QUERY PLAN", as: String.self) }
    }

    static func format(_ duration: Duration) -> String {
        let milliseconds = Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
        return String(format: "%.1f ms", milliseconds)
    }
}

/// `portevoix-bench exports [count]`: time and peak memory of a whole
/// proposals export, in each streamed format, with `count` proposals.
enum ExportsBench {
    static func run(count: Int, formats: [String]) async throws {
        try await ListingBench.withBenchApp { app, label in
            try await ListingBench.fill(app, count: count, label: label)
            print("Peak memory after filling: \(peakMegabytes()) MB")
            for format in formats {
                let start = ContinuousClock.now
                var lines = 0
                let bytes = try await ExportRun.write(dataset: "propositions", format: format, app: app) { buffer in
                    lines += buffer.readableBytesView.filter { $0 == 0x0A }.count
                }
                print("  \(format.padding(toLength: 12, withPad: " ", startingAt: 0)) \(lines) lines, \(bytes / 1_000_000) MB in "
                    + "\(ListingBench.format(ContinuousClock.now - start)), peak memory so far \(peakMegabytes()) MB")
            }
        }
    }

    /// The process's peak resident memory (Linux reports kilobytes).
    static func peakMegabytes() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Int(usage.ru_maxrss) / 1024
    }
}
