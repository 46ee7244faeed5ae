import FluentSQLiteDriver
import Foundation
import NIOConcurrencyHelpers
import PorteVoix
import SQLKit
import Vapor

/// A backup taken while members vote, then restored on a new machine:
/// - SQLite: `portevoix backup FILE` while the server serves, then
///   `portevoix restore FILE` into an empty data folder;
/// - PostgreSQL: the operations guide's `pg_dump` and `pg_restore` commands.
/// Every ballot whose tracker was shown before the backup began is in the
/// restored box, register rows and ballots match, and a server started on
/// the restored data serves it.
enum BackupDrill {
    static func run(binary: String, voters: Int) async throws {
        let site = try Drills.site()
        try await Drills.keepingLogsOnFailure(site) {
        try await Drills.withDrillApp(site) { app in
            let members = try await Drills.addMembers(app, count: voters, prefix: "Votant")
            let sessions = try await Drills.addSessions(app, for: members.map(\.id))
            let pollID = try await PollFixture.make(app, kind: .yesNo, options: 0).requireID()
            let server = try Drills.Server(binary: binary, port: Drills.freePort(), site: site, name: "serveur")
            try await server.start(app.client)

            // Voting goes on; once a third have their tracker, the backup runs.
            let backupFile = site.folder + (site.label == "SQLite" ? "/sauvegarde.sqlite" : "/sauvegarde.dump")
            let acknowledged = NIOLockedValueBox<[String]>([])
            let before = NIOLockedValueBox<[String]?>(nil)
            let backupResult = NIOLockedValueBox<Result<Duration, DrillFailure>?>(nil)
            let client = app.client
            let threshold = voters / 3
            let port = server.port
            let environment = site.environment
            _ = await Drills.load(count: voters, concurrency: 32) { index -> Bool in
                let member = members[index]
                let session = sessions[member.id]!
                var jar = Drills.Jar(cookies: ["portevoix": session.cookie])
                guard let reply = try? await Drills.send(client, .POST, port: port, "/scrutins/\(pollID)/vote", jar: &jar,
                                                         form: ["_csrf": session.csrf, "choix": "P"]),
                      let tracker = reply.tracker else { return false }
                let count = acknowledged.withLockedValue { list -> Int in
                    list.append(tracker)
                    return list.count
                }
                if count == threshold {
                    before.withLockedValue { $0 = acknowledged.withLockedValue { $0 } }
                    let start = ContinuousClock.now
                    let result: Result<Duration, DrillFailure>
                    do {
                        try await backUp(binary: binary, to: backupFile, environment: environment)
                        result = .success(ContinuousClock.now - start)
                    } catch {
                        result = .failure(error as? DrillFailure ?? DrillFailure("backup: \(error)"))
                    }
                    backupResult.withLockedValue { $0 = result }
                }
                return true
            }
            server.signal(SIGTERM)
            _ = try await server.exited(within: 60)
            guard let result = backupResult.withLockedValue({ $0 }) else { throw DrillFailure("the backup never ran") }
            let took = try result.get()
            let shownBefore = before.withLockedValue { $0 } ?? []
            let shownAll = acknowledged.withLockedValue { $0 }

            // A new machine: the same keys, an empty data folder (or database).
            var restored = site
            restored.environment["PORTEVOIX_DATA_DIR"] = site.folder + "/donnees-restaurees"
            if site.label == "PostgreSQL" {
                restored.environment["DATABASE_URL"] = try await restoreDump(backupFile, environment: site.environment)
            } else {
                try runCommand(binary, ["restore", backupFile], environment: restored.environment)
            }
            let restart = try Drills.Server(binary: binary, port: Drills.freePort(), site: restored, name: "serveur-restaure")
            try await restart.start(app.client)
            // The restored site serves the poll page.
            var visitor = Drills.Jar()
            let page = try await Drills.send(client, .GET, port: restart.port, "/scrutins/\(pollID)", jar: &visitor)
            restart.signal(SIGTERM)
            _ = try await restart.exited(within: 60)

            let (inBox, ballots, register, integrity) = try await readRestored(restored, trackers: shownBefore, poll: pollID)
            print("\(site.label): backup taken during voting in \(String(format: "%.2f", Drills.seconds(took))) s, "
                + "after \(shownBefore.count) trackers shown (\(shownAll.count) by the end); restored: "
                + "\(inBox) of those \(shownBefore.count) ballots in the box, \(ballots) ballots and \(register) register rows"
                + (integrity.map { ", integrity_check \($0)" } ?? "") + "; the restored site answers the poll page with \(page.status.code)")
            var problems: [String] = []
            if inBox != shownBefore.count { problems.append("\(shownBefore.count - inBox) ballots shown before the backup are missing") }
            if ballots != register { problems.append("ballots and register rows differ") }
            if ballots < shownBefore.count || ballots > shownAll.count + 64 { problems.append("the restored box holds \(ballots) ballots") }
            if let integrity, integrity != "ok" { problems.append("integrity_check: \(integrity)") }
            if page.status != .ok { problems.append("the restored site does not serve the poll") }
            guard problems.isEmpty else { throw DrillFailure("backup drill failed: " + problems.joined(separator: "; ")) }
            print("backup drill: ok")
        }
        }
    }

    /// `portevoix backup FILE` (SQLite) or the guide's `pg_dump` (PostgreSQL), as a separate process.
    static func backUp(binary: String, to file: String, environment: [String: String]) async throws(DrillFailure) {
        do {
            if let url = environment["DATABASE_URL"] {
                try runCommand(try postgresTool("pg_dump"), ["--format=custom", "--file=\(file)", url], environment: environment)
            } else {
                try runCommand(binary, ["backup", file], environment: environment)
            }
        } catch let failure as DrillFailure {
            throw failure
        } catch {
            throw DrillFailure("backup: \(error)")
        }
    }

    /// The guide's `createdb` and `pg_restore`, into a new database; its address.
    static func restoreDump(_ file: String, environment: [String: String]) async throws -> String {
        guard let url = environment["DATABASE_URL"], var components = URLComponents(string: url) else {
            throw DrillFailure("no DATABASE_URL")
        }
        components.path = "/portevoix_restauree"
        let target = components.string!
        // The operations guide's commands, as written there.
        var server = environment
        server["PGHOST"] = components.host
        server["PGPORT"] = components.port.map(String.init)
        server["PGUSER"] = components.user
        try runCommand(try postgresTool("createdb"), ["--owner=\(components.user ?? "portevoix")", "portevoix_restauree"], environment: server)
        try runCommand(try postgresTool("pg_restore"), ["--no-owner", "--no-privileges", "--exit-on-error", "--dbname=\(target)", file],
                       environment: environment)
        return target
    }

    static func postgresTool(_ name: String) throws -> String {
        let folders = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        for version in folders.sorted(by: { (Int($0) ?? 0) > (Int($1) ?? 0) }) {
            let path = "/usr/lib/postgresql/\(version)/bin/\(name)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        throw DrillFailure("\(name) is not installed")
    }

    static func runCommand(_ executable: String, _ arguments: [String], environment: [String: String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw DrillFailure("\((executable as NSString).lastPathComponent) \(arguments.first ?? "") exited \(process.terminationStatus): \(text.suffix(400))")
        }
    }

    /// What the restored database holds, read directly.
    static func readRestored(_ site: Drills.Site, trackers: [String], poll: UUID) async throws -> (Int, Int, Int, String?) {
        var settings = site.settings
        if let url = site.environment["DATABASE_URL"] {
            settings.database = .postgres(url: url)
        } else {
            let data = site.environment["PORTEVOIX_DATA_DIR"]!
            settings.database = .sqlite(path: data + "/portevoix.sqlite")
            settings.dataDirectory = data
        }
        let app = try await Application.make(.testing)
        app.logger.logLevel = .warning
        do {
            try await configure(app, settings: settings)
            let sql = app.db.sql
            let inBox = try await Drills.found(trackers, table: "ballots", poll: poll, sql: sql)
            let ballots = try await Drills.count(sql, "SELECT COUNT(*) AS n FROM ballots WHERE poll_id = \(bind: poll)")
            let register = try await Drills.count(sql, "SELECT COUNT(*) AS n FROM poll_voters WHERE poll_id = \(bind: poll)")
            let integrity = try await CrashDrill.integrityCheck(sql)
            try await app.asyncShutdown()
            return (inBox, ballots, register, integrity)
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
    }
}
