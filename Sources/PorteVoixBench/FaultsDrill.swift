import Fluent
import Foundation
import NIOConcurrencyHelpers
import PorteVoix
import SQLKit
import Vapor

#if canImport(Glibc)
import Glibc
#endif

/// The database fails under a running server, and comes back:
///
/// - SQLite, a full disk (the database's size cap, `PORTEVOIX_MAX_DATABASE_MB`,
///   reached by the drill's own writes, no root needed): `/healthz` warns
///   before it is full; six members' proposals get the 503 page with their
///   text on it; the log names « disque plein »; nothing half-written; space
///   freed, the same texts go through without a restart.
/// - SQLite, the write lock held by another process (longer than the site's retries): proposals, a
///   sign-in and a vote get the 503 page (text and pseudonym kept, the vote
///   « pas compté », never its choice); `/healthz` says « occupée »; released,
///   all of it goes through.
/// - PostgreSQL stopped during use, then started: pages and forms get the
///   503 page (text kept), votes are not counted, `/healthz` answers 503;
///   started again, the site serves at once without a restart.
///
/// Every step checks the register against the box.
enum FaultsDrill {
    static let proposalTitle = "Des abris aux arrets de bus"

    static func text(_ index: Int) -> String {
        "Proposition numero \(index) : un abri couvert a chaque arret du canton, avec un banc et un plan lisible. "
            + String(repeating: "Les personnes attendent longtemps sous la pluie. ", count: 40)
    }

    struct Member {
        var id: UUID
        var pseudonym: String
        var jar: Drills.Jar
        var csrf: String
    }

    static func run(binary: String) async throws {
        var site = try Drills.site()
        try await Drills.keepingLogsOnFailure(site) {
            try await Drills.withDrillApp(site) { app in
                let members = try await Drills.addMembers(app, count: 20, prefix: "Membre")
                let sessions = try await Drills.addSessions(app, for: members.map(\.id))
                let people = members.map { member in
                    Member(id: member.id, pseudonym: member.pseudonym,
                           jar: Drills.Jar(cookies: ["portevoix": sessions[member.id]!.cookie]), csrf: sessions[member.id]!.csrf)
                }
                let poll = try await PollFixture.make(app, kind: .yesNo, options: 0).requireID()
                let theme = try await app.db.sql.raw("SELECT id FROM themes LIMIT 1").first()?.decode(column: "id", as: UUID.self)
                guard let theme else { throw DrillFailure("no theme in the drill's database") }
                var problems: [String] = []
                if site.label == "SQLite" {
                    problems += try await fullDisk(app, binary: binary, site: &site, people: people, theme: theme, poll: poll)
                    problems += try await heldLock(app, binary: binary, site: site, people: people, theme: theme, poll: poll)
                } else {
                    problems += try await postgresStopped(app, binary: binary, site: site, people: people, theme: theme, poll: poll)
                }
                guard problems.isEmpty else { throw DrillFailure("faults drill failed: " + problems.joined(separator: "; ")) }
                print("faults drill (\(site.label)): ok")
            }
        }
    }

    // MARK: - SQLite: the disk fills up

    static func fullDisk(_ app: Application, binary: String, site: inout Drills.Site, people: [Member], theme: UUID,
                         poll: UUID) async throws -> [String] {
        let sql = app.db.sql
        var problems: [String] = []
        let pageSize = try await pragma(sql, "page_size")
        let used = try await pragma(sql, "page_count") * pageSize
        // Room for 3 MB more, and a warning below 1 MB of room.
        let capMegabytes = used / 1_048_576 + 4
        let capPages = capMegabytes * 1_048_576 / pageSize
        site.environment["PORTEVOIX_MAX_DATABASE_MB"] = String(capMegabytes)
        site.environment["PORTEVOIX_MIN_FREE_MB"] = "1"
        let port = Drills.freePort()
        let server = try Drills.Server(binary: binary, port: port, site: site, name: "disque-plein")
        try await server.start(app.client)
        defer { server.signal(SIGTERM) }
        let proposalsBefore = try await Drills.count(sql, "SELECT COUNT(*) AS n FROM proposals")

        // Filled by something else on the disk, up to 512 KB short of the cap: the operator is told first.
        try await sql.raw("CREATE TABLE drill_filler (id INTEGER PRIMARY KEY, data BLOB)").run()
        try await fill(sql, toPages: capPages - 524_288 / pageSize)
        let early = try await health(app, port: port)
        print("SQLite, disk nearly full: /healthz \(early.status.code) « \(early.body.replacingOccurrences(of: "\n", with: " ")) »")
        if early.status != .ok || !early.body.hasPrefix("dégradé") || !early.body.contains("espace libre faible") {
            problems.append("/healthz did not warn before the disk was full")
        }
        try await fill(sql, toPages: capPages + 16)

        // Six members send their proposal.
        var kept: [(member: Member, csrf: String)] = []
        var refused = 0
        for (index, person) in people.prefix(6).enumerated() {
            var jar = person.jar
            let reply = try await Drills.send(app.client, .POST, port: port, "/propositions/nouvelle", jar: &jar, form: [
                "_csrf": person.csrf, "titre": proposalTitle, "texte": text(index), "theme": theme.uuidString, "action": "envoyer",
            ])
            if reply.status == .serviceUnavailable, reply.headers.first(name: "Retry-After") != nil,
               reply.body.contains("Le site ne peut pas enregistrer pour le moment."),
               reply.body.contains(text(index).trimmingCharacters(in: .whitespaces)), reply.body.contains(proposalTitle) {
                refused += 1
                kept.append((person, reply.csrf ?? person.csrf))
            } else {
                problems.append("a proposal on a full disk answered \(reply.status.code) without its text")
            }
        }
        let log = serverLog(site, "disque-plein")
        let logged = log.components(separatedBy: "\n").filter { $0.contains("disque plein") && $0.contains("request-id") }.count
        let full = try await health(app, port: port)
        let integrity = try await CrashDrill.integrityCheck(sql) ?? "-"
        let proposalsDuring = try await Drills.count(sql, "SELECT COUNT(*) AS n FROM proposals")
        print("SQLite, disk full: \(refused) of 6 proposals answered 503 with their text on the page; \(logged) log lines « disque plein »; "
            + "/healthz \(full.status.code) « \(full.body.replacingOccurrences(of: "\n", with: " ")) »; integrity_check \(integrity); "
            + "\(proposalsDuring - proposalsBefore) proposals saved")
        if logged < refused { problems.append("the log does not name the full disk for every refused write") }
        if full.status != .ok || !full.body.contains("disque plein") { problems.append("/healthz did not name the full disk") }
        if integrity != "ok" { problems.append("integrity_check: \(integrity)") }
        if proposalsDuring != proposalsBefore { problems.append("proposals were saved on a full disk") }
        if log.contains("abri couvert") { problems.append("the typed text reached the log") }

        // Room again (the operator cleans up): the same texts go through, the same server.
        try await sql.raw("DROP TABLE drill_filler").run()
        var sent = 0
        for (index, item) in kept.enumerated() {
            var jar = item.member.jar
            let reply = try await Drills.send(app.client, .POST, port: port, "/propositions/nouvelle", jar: &jar, form: [
                "_csrf": item.csrf, "titre": proposalTitle, "texte": text(index), "theme": theme.uuidString, "action": "envoyer",
            ])
            if reply.status == .seeOther { sent += 1 }
        }
        let after = try await health(app, port: port)
        let proposalsAfter = try await Drills.count(sql, "SELECT COUNT(*) AS n FROM proposals")
        print("SQLite, space freed: \(sent) of \(kept.count) kept texts sent again and saved (\(proposalsAfter - proposalsBefore) proposals), "
            + "/healthz \(after.status.code) « \(after.body.replacingOccurrences(of: "\n", with: " ")) », no restart")
        if sent != kept.count || proposalsAfter - proposalsBefore != kept.count { problems.append("the kept texts did not all go through once space was freed") }
        if after.body != "ok\n" { problems.append("/healthz did not come back to ok") }
        site.environment["PORTEVOIX_MAX_DATABASE_MB"] = nil
        site.environment["PORTEVOIX_MIN_FREE_MB"] = nil
        return problems
    }

    static func pragma(_ sql: any SQLDatabase, _ name: String) async throws -> Int {
        try await sql.raw("PRAGMA \(unsafeRaw: name)").first()?.decode(column: name, as: Int.self) ?? 0
    }

    /// Writes filler rows (another program's data on the same disk) until the file has `pages` pages.
    static func fill(_ sql: any SQLDatabase, toPages pages: Int) async throws {
        while try await pragma(sql, "page_count") < pages {
            try await sql.raw("INSERT INTO drill_filler (data) VALUES (zeroblob(32768))").run()
        }
    }

    // MARK: - SQLite: the write lock held by another process

    static func heldLock(_ app: Application, binary: String, site: Drills.Site, people: [Member], theme: UUID,
                         poll: UUID) async throws -> [String] {
        let sql = app.db.sql
        var problems: [String] = []
        let port = Drills.freePort()
        let server = try Drills.Server(binary: binary, port: port, site: site, name: "verrou")
        try await server.start(app.client)
        defer { server.signal(SIGTERM) }
        let client = app.client
        let proposalsBefore = try await Drills.count(sql, "SELECT COUNT(*) AS n FROM proposals")
        // Held until the drill has seen every answer (60 s at most).
        let release = NIOLockedValueBox(false)
        let holder = Task {
            try await app.db.withConnection { connection in
                try await connection.sql.raw("BEGIN IMMEDIATE").run()
                let start = ContinuousClock.now
                while !release.withLockedValue({ $0 }), ContinuousClock.now - start < .seconds(60) {
                    try await Task.sleep(for: .milliseconds(100))
                }
                try await connection.sql.raw("ROLLBACK").run()
            }
        }
        try await Task.sleep(for: .milliseconds(300))
        let start = ContinuousClock.now
        let writers = Array(people.dropFirst(6).prefix(3))
        async let proposals: [Drills.Reply] = withThrowingTaskGroup(of: Drills.Reply.self) { group in
            for (index, person) in writers.enumerated() {
                group.addTask {
                    var jar = person.jar
                    return try await Drills.send(client, .POST, port: port, "/propositions/nouvelle", jar: &jar, form: [
                        "_csrf": person.csrf, "titre": proposalTitle, "texte": text(100 + index), "theme": theme.uuidString, "action": "envoyer",
                    ])
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        async let vote: Drills.Reply = {
            var jar = people[10].jar
            return try await Drills.send(client, .POST, port: port, "/scrutins/\(poll)/vote", jar: &jar,
                                         form: ["_csrf": people[10].csrf, "choix": "P"])
        }()
        async let signIn: Drills.Reply = {
            var jar = Drills.Jar()
            let page = try await Drills.send(client, .GET, port: port, "/connexion", jar: &jar)
            return try await Drills.send(client, .POST, port: port, "/connexion", jar: &jar,
                                         form: ["_csrf": page.csrf ?? "", "pseudonyme": people[11].pseudonym, "motDePasse": Drills.password])
        }()
        let (proposalReplies, voteReply, signInReply) = try await (proposals, vote, signIn)
        let waited = Drills.seconds(ContinuousClock.now - start)
        let busy = try await health(app, port: port)
        release.withLockedValue { $0 = true }
        let keptTexts = proposalReplies.filter { reply in
            reply.status == .serviceUnavailable && reply.body.contains(proposalTitle) && reply.body.contains("Le site ne peut pas enregistrer")
        }.count
        let voteRefused = voteReply.status == .serviceUnavailable && voteReply.body.contains("pas été compté")
            && voteReply.tracker == nil && !voteReply.body.contains("texte-garde-")
        let pseudonymKept = signInReply.status == .serviceUnavailable && signInReply.body.contains("value=\"\(people[11].pseudonym)\"")
            && !signInReply.body.contains(Drills.password)
        print("SQLite, write lock held by another process: \(keptTexts) of 3 proposals answered 503 with their text (the last after \(String(format: "%.1f", waited)) s); "
            + "vote: \(voteReply.status.code)\(voteRefused ? ", « pas compté », choice not shown" : ""); sign-in: \(signInReply.status.code)"
            + "\(pseudonymKept ? ", pseudonym kept, password not echoed" : ""); /healthz \(busy.status.code) « \(busy.body.replacingOccurrences(of: "\n", with: " ")) »")
        if keptTexts != 3 { problems.append("proposals under a held lock did not all come back with their text") }
        if !voteRefused { problems.append("the vote under a held lock did not say « pas compté » (or showed the choice)") }
        if !pseudonymKept { problems.append("the sign-in under a held lock did not keep the pseudonym") }
        if !busy.body.contains("occupée") { problems.append("/healthz did not name the busy database") }
        if !serverLog(site, "verrou").contains("base occupée") { problems.append("the log does not name the busy database") }
        try await holder.value

        // Released: everything goes through, register = box.
        var sent = 0
        for (index, person) in writers.enumerated() {
            var jar = person.jar
            let reply = try await Drills.send(client, .POST, port: port, "/propositions/nouvelle", jar: &jar, form: [
                "_csrf": person.csrf, "titre": proposalTitle, "texte": text(100 + index), "theme": theme.uuidString, "action": "envoyer",
            ])
            if reply.status == .seeOther { sent += 1 }
        }
        var jar = people[10].jar
        let cast = try await Drills.send(client, .POST, port: port, "/scrutins/\(poll)/vote", jar: &jar, form: ["_csrf": people[10].csrf, "choix": "P"])
        let (ballots, register) = try await box(sql, poll)
        let after = try await health(app, port: port)
        let saved = try await Drills.count(sql, "SELECT COUNT(*) AS n FROM proposals") - proposalsBefore
        print("SQLite, lock released: \(sent) of 3 proposals saved (\(saved) in the table), vote \(cast.tracker != nil ? "cast" : "NOT cast"); "
            + "box \(ballots) ballots, register \(register); /healthz « \(after.body.replacingOccurrences(of: "\n", with: " ")) »")
        if sent != 3 || saved != 3 { problems.append("proposals did not go through once the lock was released") }
        if cast.tracker == nil { problems.append("the vote did not go through once the lock was released") }
        if ballots != register || register != 1 { problems.append("register \(register) and box \(ballots) differ after the held lock") }
        if after.body != "ok\n" { problems.append("/healthz did not come back to ok after the held lock") }
        return problems
    }

    // MARK: - PostgreSQL stopped, then started

    static func postgresStopped(_ app: Application, binary: String, site: Drills.Site, people: [Member], theme: UUID,
                                poll: UUID) async throws -> [String] {
        guard let control = ProcessInfo.processInfo.environment["PORTEVOIX_TEST_PG_CONTROL"] else {
            throw DrillFailure("PORTEVOIX_TEST_PG_CONTROL is not set: run the drill under scripts/with-postgres")
        }
        var problems: [String] = []
        let port = Drills.freePort()
        let server = try Drills.Server(binary: binary, port: port, site: site, name: "postgresql-arrete")
        try await server.start(app.client)
        defer { server.signal(SIGTERM) }
        let client = app.client
        let sql = app.db.sql
        let proposalsBefore = try await Drills.count(sql, "SELECT COUNT(*) AS n FROM proposals")
        // Members are using the site: their connections are in the pool.
        var voted = 0
        for person in people.prefix(4) {
            var jar = person.jar
            let reply = try await Drills.send(client, .POST, port: port, "/scrutins/\(poll)/vote", jar: &jar, form: ["_csrf": person.csrf, "choix": "P"])
            if reply.tracker != nil { voted += 1 }
        }
        try await shell(control, "stop")
        let stoppedAt = ContinuousClock.now
        var pageJar = people[4].jar
        let page = try await Drills.send(client, .GET, port: port, "/propositions/nouvelle", jar: &pageJar)
        var kept = 0
        for (index, person) in people.dropFirst(4).prefix(3).enumerated() {
            var jar = person.jar
            let reply = try await Drills.send(client, .POST, port: port, "/propositions/nouvelle", jar: &jar, form: [
                "_csrf": person.csrf, "titre": proposalTitle, "texte": text(200 + index), "theme": theme.uuidString, "action": "envoyer",
            ])
            if reply.status == .serviceUnavailable, reply.headers.first(name: "Retry-After") != nil,
               reply.body.contains(text(200 + index).trimmingCharacters(in: .whitespaces)) { kept += 1 }
        }
        var voteJar = people[8].jar
        let vote = try await Drills.send(client, .POST, port: port, "/scrutins/\(poll)/vote", jar: &voteJar, form: ["_csrf": people[8].csrf, "choix": "P"])
        let voteRefused = vote.status == .serviceUnavailable && vote.tracker == nil
            && (vote.body.contains("pas été compté") || vote.body.contains("Nous ne savons pas"))
        let down = try await health(app, port: port)
        print("PostgreSQL stopped: a page answered \(page.status.code); \(kept) of 3 proposals answered 503 with their text; "
            + "vote \(vote.status.code)\(voteRefused ? " (not counted, no tracker)" : ""); /healthz \(down.status.code) « \(down.body.replacingOccurrences(of: "\n", with: " ")) »")
        if page.status != .serviceUnavailable { problems.append("a page answered \(page.status.code) with PostgreSQL stopped") }
        if kept != 3 { problems.append("proposals with PostgreSQL stopped did not all come back with their text") }
        if !voteRefused { problems.append("the vote with PostgreSQL stopped was not reported as not counted") }
        if down.status != .serviceUnavailable || !down.body.contains("injoignable") { problems.append("/healthz did not say the database is unreachable") }
        if !serverLog(site, "postgresql-arrete").contains("injoignable") { problems.append("the log does not name the unreachable database") }

        try await shell(control, "start")
        // The same server, not restarted, serves again.
        var back: Duration?
        let started = ContinuousClock.now
        while ContinuousClock.now - started < .seconds(30) {
            if let reply = try? await health(app, port: port), reply.status == .ok {
                back = ContinuousClock.now - started
                break
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        var sent = 0
        for (index, person) in people.dropFirst(4).prefix(3).enumerated() {
            var jar = person.jar
            let reply = try await Drills.send(client, .POST, port: port, "/propositions/nouvelle", jar: &jar, form: [
                "_csrf": person.csrf, "titre": proposalTitle, "texte": text(200 + index), "theme": theme.uuidString, "action": "envoyer",
            ])
            if reply.status == .seeOther { sent += 1 }
        }
        voteJar = people[8].jar
        let cast = try await Drills.send(client, .POST, port: port, "/scrutins/\(poll)/vote", jar: &voteJar, form: ["_csrf": people[8].csrf, "choix": "P"])
        let (ballots, register) = try await box(sql, poll)
        let saved = try await Drills.count(sql, "SELECT COUNT(*) AS n FROM proposals") - proposalsBefore
        let health = try await health(app, port: port)
        print("PostgreSQL started again: /healthz 200 after \(back.map { String(format: "%.1f", Drills.seconds($0)) } ?? "—") s "
            + "(stopped \(String(format: "%.1f", Drills.seconds(started - stoppedAt))) s), « \(health.body.replacingOccurrences(of: "\n", with: " ")) »; "
            + "\(sent) of 3 kept proposals saved (\(saved) in the table); vote \(cast.tracker != nil ? "cast" : "NOT cast"); "
            + "box \(ballots) ballots, register \(register) (\(voted) votes before the stop); no restart of the site")
        if back == nil { problems.append("the site did not serve again once PostgreSQL was back") }
        if sent != 3 || saved != 3 { problems.append("the kept proposals did not go through once PostgreSQL was back") }
        if cast.tracker == nil { problems.append("the vote did not go through once PostgreSQL was back") }
        if ballots != register || register != voted + 1 { problems.append("register \(register) and box \(ballots) differ (expected \(voted + 1))") }
        if health.body != "ok\n" { problems.append("/healthz did not come back to ok") }
        return problems
    }

    // MARK: - Helpers

    static func health(_ app: Application, port: Int) async throws -> Drills.Reply {
        var jar = Drills.Jar()
        return try await Drills.send(app.client, .GET, port: port, "/healthz", jar: &jar)
    }

    static func box(_ sql: any SQLDatabase, _ poll: UUID) async throws -> (ballots: Int, register: Int) {
        (try await Drills.count(sql, "SELECT COUNT(*) AS n FROM ballots WHERE poll_id = \(bind: poll)"),
         try await Drills.count(sql, "SELECT COUNT(*) AS n FROM poll_voters WHERE poll_id = \(bind: poll)"))
    }

    static func serverLog(_ site: Drills.Site, _ name: String) -> String {
        (try? String(contentsOfFile: site.folder + "/\(name).log", encoding: .utf8)) ?? ""
    }

    /// Runs the PostgreSQL control script; waits by polling, as the server
    /// it starts keeps running after it.
    static func shell(_ command: String, _ argument: String) async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: command)
        process.arguments = [argument]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let start = ContinuousClock.now
        // Reaped here: Foundation sometimes misses the end of a child whose own child lives on.
        var status: Int32 = 0
        while waitpid(process.processIdentifier, &status, WNOHANG) == 0 {
            guard ContinuousClock.now - start < .seconds(60) else { throw DrillFailure("\(command) \(argument) did not finish within 60 s") }
            try await Task.sleep(for: .milliseconds(50))
        }
        // WEXITSTATUS, spelled out (a macro Swift does not import).
        let exit = (status >> 8) & 0xFF
        guard exit == 0 else { throw DrillFailure("\(command) \(argument) exited \(exit)") }
    }
}
