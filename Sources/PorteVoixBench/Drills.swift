import Fluent
import Foundation
import NIOConcurrencyHelpers
import PorteVoix
import SQLKit
import Vapor

#if canImport(Glibc)
import Glibc
#endif

/// Drills run against real `portevoix` processes over HTTP, on the database
/// the environment names (PostgreSQL with PORTEVOIX_TEST_POSTGRES_URL,
/// otherwise an SQLite file in a temporary folder). They print figures and
/// exit non-zero when a promise is broken:
///
/// - `instances BIN [voters]`: two instances on one PostgreSQL database;
///   each member signs in on one and votes on the other; the scheduled
///   closing is claimed by exactly one; both show the same result.
/// - `crash BIN [voters]`: `kill -9` under a steady voting load, restart,
///   and every ballot whose tracker was shown is in the box; then SIGTERM
///   under load, and no request the server took is cut in half.
enum Drills {
    static let password = "exercice de vote 2026"

    /// Where the drill's servers and its own connection meet.
    struct Site {
        var settings: Settings
        var environment: [String: String]
        var label: String
        var folder: String
    }

    static func site() throws -> Site {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("portevoix-exercice-\(UUID())").path
        let data = folder + "/donnees"
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        let keys = SiteKeys.random()
        var environment = ProcessInfo.processInfo.environment
        for name in ["DATABASE_URL", "PORTEVOIX_TEST_POSTGRES_URL", "PORTEVOIX_MIGRATION_DATABASE_URL", "PORT"] {
            environment[name] = nil
        }
        environment["PORTEVOIX_DATA_DIR"] = data
        environment["PORTEVOIX_BALLOT_KEY"] = Data(keys.ballotMaster).base64EncodedString()
        environment["PORTEVOIX_SIGNING_KEY"] = Data(keys.signing).base64EncodedString()
        environment["LOG_LEVEL"] = "warning"
        var database = Settings.Database.sqlite(path: data + "/portevoix.sqlite")
        var label = "SQLite"
        if let url = ProcessInfo.processInfo.environment["PORTEVOIX_TEST_POSTGRES_URL"] {
            database = .postgres(url: url)
            environment["DATABASE_URL"] = url
            label = "PostgreSQL"
        }
        let settings = Settings(database: database, dataDirectory: data, resourcesDirectory: FileManager.default.currentDirectoryPath + "/",
                                passwordHashCost: 4, keys: .given(ballotMaster: keys.ballotMaster, signing: keys.signing))
        return Site(settings: settings, environment: environment, label: label, folder: folder)
    }

    /// Runs the drill; its folder (database, server logs) goes away if it
    /// passes and stays, named, if it does not.
    static func keepingLogsOnFailure(_ site: Site, _ body: () async throws -> Void) async throws {
        do {
            try await body()
            try? FileManager.default.removeItem(atPath: site.folder)
        } catch {
            // No server outlives a failed drill.
            for process in Server.started.withLockedValue({ $0 }) where process.isRunning { kill(process.processIdentifier, SIGKILL) }
            print("the servers' logs are kept in \(site.folder)")
            throw error
        }
    }

    /// The drill's own application: migrations, members, polls, and the HTTP client.
    static func withDrillApp(_ site: Site, beforeConfigure: (Application) async throws -> Void = { _ in },
                             _ body: (Application) async throws -> Void) async throws {
        let app = try await Application.make(.testing)
        app.logger.logLevel = .warning
        app.http.client.configuration.redirectConfiguration = .disallow
        app.http.client.configuration.timeout = .init(connect: .seconds(5), read: .seconds(60))
        app.http.client.configuration.connectionPool = .init(idleTimeout: .seconds(30), concurrentHTTP1ConnectionsPerHostSoftLimit: 128)
        do {
            try await beforeConfigure(app)
            try await configure(app, settings: site.settings)
            try await body(app)
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        try await app.asyncShutdown()
    }

    // MARK: - Members and polls

    /// `count` active members who accepted the charter, with a cheap password hash.
    static func addMembers(_ app: Application, count: Int, prefix: String) async throws -> [(id: UUID, pseudonym: String)] {
        let hash = try await SecretHasher.hash(password, application: app)  // the drill app hashes at cost 4
        var members: [(UUID, String)] = []
        let sql = app.db.sql
        for chunk in stride(from: 0, to: count, by: 200) {
            let batch = (chunk..<min(chunk + 200, count)).map { (UUID(), "\(prefix) \($0)") }
            let now = Date()
            let rows: [SQLQueryString] = batch.map { id, pseudonym in
                "(\(bind: id), \(bind: pseudonym), \(bind: Pseudonym.key(for: pseudonym)), \(bind: hash), 'active', \(bind: now), \(bind: now), \(bind: now))"
            }
            try await sql.raw("INSERT INTO members (id, pseudonym, pseudonym_key, password_hash, status, created_at, charter_accepted_at, first_activated_at) VALUES "
                + rows.joined(separator: ", ")).run()
            let roles: [SQLQueryString] = batch.map { "(\(bind: UUID()), \(bind: $0.0), 'participant')" }
            try await sql.raw("INSERT INTO member_roles (id, member_id, role) VALUES " + roles.joined(separator: ", ")).run()
            members += batch
        }
        return members
    }

    /// A signed-in session for each member, as a browser would hold after
    /// signing in: the cookie value and the form token.
    static func addSessions(_ app: Application, for members: [UUID]) async throws -> [UUID: (cookie: String, csrf: String)] {
        var sessions: [UUID: (String, String)] = [:]
        let sql = app.db.sql
        for chunk in stride(from: 0, to: members.count, by: 200) {
            let now = Date()
            var rows: [SQLQueryString] = []
            for member in members[chunk..<min(chunk + 200, members.count)] {
                let token = SecureToken.make(), secret = SecureToken.make()
                sessions[member] = (token, secret)
                rows.append("(\(bind: SecureToken.hash(token)), \(bind: secret), \(bind: now), \(bind: now), \(bind: now.addingTimeInterval(7200)), \(bind: member))")
            }
            try await sql.raw("INSERT INTO web_sessions (id, csrf_secret, created_at, last_seen_at, expires_at, member_id) VALUES "
                + rows.joined(separator: ", ")).run()
        }
        return sessions
    }

    static func count(_ sql: any SQLDatabase, _ query: SQLQueryString) async throws -> Int {
        try await sql.raw(query).first()?.decode(column: "n", as: Int.self) ?? 0
    }

    /// How many of these trackers' hashes are in `table` for the poll.
    static func found(_ trackers: [String], table: String, poll: UUID, sql: any SQLDatabase) async throws -> Int {
        var found = 0
        for chunk in stride(from: 0, to: trackers.count, by: 200) {
            let hashes = trackers[chunk..<min(chunk + 200, trackers.count)].map { SecureToken.hash($0) }
            let list = hashes.map { "\(bind: $0)" as SQLQueryString }.joined(separator: ", ")
            found += try await count(sql, "SELECT COUNT(*) AS n FROM \(ident: table) WHERE poll_id = \(bind: poll) AND tracker_hash IN (" + list + ")")
        }
        return found
    }

    // MARK: - Servers

    final class Server: @unchecked Sendable {
        static let started = NIOLockedValueBox<[Process]>([])
        let process = Process()
        let port: Int

        init(binary: String, port: Int, site: Site, name: String) throws {
            self.port = port
            process.executableURL = URL(fileURLWithPath: binary)
            process.arguments = ["serve", "--hostname", "127.0.0.1", "--port", String(port)]
            process.environment = site.environment
            let log = site.folder + "/\(name).log"
            FileManager.default.createFile(atPath: log, contents: nil)
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
            handle.seekToEndOfFile()
            process.standardOutput = handle
            process.standardError = handle
        }

        func start(_ client: any Client) async throws {
            try process.run()
            Self.started.withLockedValue { $0.append(process) }
            let deadline = ContinuousClock.now + .seconds(120)
            while ContinuousClock.now < deadline {
                guard process.isRunning else { throw DrillFailure("the server on port \(port) stopped while starting") }
                if let reply = try? await client.get(URI(string: "http://127.0.0.1:\(port)/healthz")), reply.status == .ok { return }
                try await Task.sleep(for: .milliseconds(100))
            }
            throw DrillFailure("the server on port \(port) did not answer /healthz within 120 s")
        }

        func signal(_ number: Int32) { kill(process.processIdentifier, number) }

        /// Waits for the process to end; its exit status.
        func exited(within seconds: Int) async throws -> Int32 {
            let deadline = ContinuousClock.now + .seconds(seconds)
            while process.isRunning {
                guard ContinuousClock.now < deadline else { throw DrillFailure("the server on port \(port) did not exit within \(seconds) s") }
                try await Task.sleep(for: .milliseconds(20))
            }
            return process.terminationStatus
        }
    }

    static func freePort() -> Int {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    // MARK: - HTTP, as a browser

    struct Reply {
        var status: HTTPStatus
        var headers: HTTPHeaders
        var body: String

        var csrf: String? { Self.first(#"name="_csrf" value="([^"]+)""#, in: body) }
        var tracker: String? { Self.first(#"class="code-verification">([A-Z0-9]{4}-[A-Z0-9]{4})<"#, in: body) }

        static func first(_ pattern: String, in text: String) -> String? {
            guard let expression = try? NSRegularExpression(pattern: pattern),
                  let match = expression.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)),
                  let range = Range(match.range(at: 1), in: text) else { return nil }
            return String(text[range])
        }
    }

    /// A browser's cookies.
    struct Jar {
        var cookies: [String: String] = [:]

        var header: String { cookies.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "; ") }

        mutating func keep(_ headers: HTTPHeaders) {
            for line in headers[.setCookie] {
                guard let pair = line.split(separator: ";").first, let equals = pair.firstIndex(of: "=") else { continue }
                let name = String(pair[..<equals]).trimmingCharacters(in: .whitespaces)
                let value = String(pair[pair.index(after: equals)...])
                if value.isEmpty || line.lowercased().contains("max-age=0") { cookies[name] = nil } else { cookies[name] = value }
            }
        }
    }

    static func send(_ client: any Client, _ method: HTTPMethod, port: Int, _ path: String, jar: inout Jar,
                     form: [String: String]? = nil, closing: Bool = false) async throws -> Reply {
        var headers = HTTPHeaders()
        if !jar.cookies.isEmpty { headers.add(name: .cookie, value: jar.header) }
        if closing { headers.add(name: .connection, value: "close") }
        let response = try await client.send(method, headers: headers, to: URI(string: "http://127.0.0.1:\(port)\(path)")) { request in
            if let form { try request.content.encode(form, as: .urlEncodedForm) }
        }
        jar.keep(response.headers)
        let body = response.body.map { String(buffer: $0) } ?? ""
        return Reply(status: response.status, headers: response.headers, body: body)
    }

    static func signIn(_ client: any Client, port: Int, pseudonym: String) async throws -> Jar {
        var jar = Jar()
        let page = try await send(client, .GET, port: port, "/connexion", jar: &jar)
        guard let token = page.csrf else { throw DrillFailure("no sign-in form on port \(port) (\(page.status.code))") }
        let reply = try await send(client, .POST, port: port, "/connexion", jar: &jar,
                                   form: ["_csrf": token, "pseudonyme": pseudonym, "motDePasse": password])
        guard reply.status == .seeOther else { throw DrillFailure("sign-in of \(pseudonym) answered \(reply.status.code)") }
        return jar
    }

    /// Opens the poll page, then sends its form: the tracker shown, if any.
    static func vote(_ client: any Client, port: Int, poll: UUID, jar: inout Jar) async throws -> String? {
        let page = try await send(client, .GET, port: port, "/scrutins/\(poll)", jar: &jar)
        guard let token = page.csrf else { throw DrillFailure("no vote form on port \(port) (\(page.status.code))") }
        let reply = try await send(client, .POST, port: port, "/scrutins/\(poll)/vote", jar: &jar, form: ["_csrf": token, "choix": "P"])
        return reply.status == .ok ? reply.tracker : nil
    }

    /// Runs `work` for indexes 0..<count, `concurrency` at a time, until
    /// `stop` says so; what each returned.
    static func load<T: Sendable>(count: Int, concurrency: Int, stop: NIOLockedValueBox<Bool>? = nil,
                                  _ work: @escaping @Sendable (Int) async -> T) async -> [Int: T] {
        let next = NIOLockedValueBox(0)
        return await withTaskGroup(of: [(Int, T)].self) { group in
            for _ in 0..<concurrency {
                group.addTask {
                    var done: [(Int, T)] = []
                    while stop?.withLockedValue({ $0 }) != true {
                        let index = next.withLockedValue { value -> Int in
                            value += 1
                            return value - 1
                        }
                        guard index < count else { break }
                        done.append((index, await work(index)))
                    }
                    return done
                }
            }
            var all: [Int: T] = [:]
            for await batch in group { for (index, value) in batch { all[index] = value } }
            return all
        }
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}

struct DrillFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
