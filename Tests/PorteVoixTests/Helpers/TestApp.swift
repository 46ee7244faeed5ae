import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting
@testable import PorteVoix

/// Which database the suite runs on: SQLite unless
/// `PORTEVOIX_TEST_POSTGRES_URL` names a PostgreSQL server (an administrative
/// database on a throwaway server: each test creates and drops its own).
enum TestDatabase {
    static let postgresVariable = "PORTEVOIX_TEST_POSTGRES_URL"

    static var postgresAdminURL: String? {
        guard let url = ProcessInfo.processInfo.environment[postgresVariable], !url.isEmpty else { return nil }
        return url
    }

    static var isPostgres: Bool { postgresAdminURL != nil }
}

/// The checkout's root, where `Public/` and `Content/` are.
let projectRoot: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<4 { url.deleteLastPathComponent() }
    return url.path + "/"
}()

/// Settings for a test: everything as in production except the database and
/// the data folder, which are fresh for each test.
func testSettings(database: Settings.Database, dataDirectory: String) -> Settings {
    // Bcrypt's lowest cost: the tests check behaviour, not hash strength.
    // The site keys live in memory only, as if given in the environment:
    // a copy of the data folder never holds them. The public address is
    // given, as on a configured site (cards are printed only once it is).
    Settings(database: database, dataDirectory: dataDirectory, resourcesDirectory: projectRoot,
             publicURL: URL(string: "http://conseil.example.fr"), passwordHashCost: 4,
             keys: .given(ballotMaster: SiteKeys.randomKey(), signing: SiteKeys.randomKey()))
}

/// A database of its own (SQLite file or PostgreSQL database), not yet
/// migrated, with its settings and data folder (the caller removes it).
func freshDatabase() async throws -> (Settings, folder: String, postgres: PostgresTestDatabase?) {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("portevoix-tests-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    if let adminURL = TestDatabase.postgresAdminURL {
        let postgres = try await PostgresTestDatabase.create(adminURL: adminURL)
        return (testSettings(database: .postgres(url: postgres.url), dataDirectory: folder), folder, postgres)
    }
    return (testSettings(database: .sqlite(path: folder + "/portevoix.sqlite"), dataDirectory: folder), folder, nil)
}

/// Runs `body` with an application on a fresh, migrated database of its own.
///
/// - Parameter adjust: changes to the test settings (secure cookies, …).
func withTestApp(
    adjust: (inout Settings) -> Void = { _ in },
    beforeConfigure: (Application) async throws -> Void = { _ in },
    _ body: (Application) async throws -> Void
) async throws {
    var (settings, folder, postgres) = try await freshDatabase()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    adjust(&settings)
    let app = try await Application.make(.testing)
    // Request lines would drown the test report; LOG_LEVEL brings them back.
    app.logger.logLevel = Logger.Level(rawValue: ProcessInfo.processInfo.environment["LOG_LEVEL"] ?? "") ?? .warning
    // A clock the test can move on instead of sleeping.
    app.clock = TestClock()
    do {
        // Runs before `configure`, like the real start-up (which sets the logger first).
        try await beforeConfigure(app)
        try await configure(app, settings: settings)
        try await body(app)
        try await expectKnownJournalActions(app)
    } catch {
        try? await app.asyncShutdown()
        try? await postgres?.drop()
        throw error
    }
    try await app.asyncShutdown()
    try await postgres?.drop()
}

/// A database of its own for one test, on the PostgreSQL test server.
struct PostgresTestDatabase {
    let adminURL: String
    let name: String
    let url: String

    static func create(adminURL: String) async throws -> PostgresTestDatabase {
        let name = "pv_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        guard var components = URLComponents(string: adminURL) else {
            throw Abort(.internalServerError, reason: "\(TestDatabase.postgresVariable) is not a URL")
        }
        components.path = "/" + name
        let database = PostgresTestDatabase(adminURL: adminURL, name: name, url: components.string!)
        try await database.admin("CREATE DATABASE \(name)")
        return database
    }

    func drop() async throws {
        try await admin("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
    }

    /// Runs one statement on the administrative database.
    func admin(_ statement: String) async throws {
        let app = try await Application.make(.testing)
        do {
            app.databases.use(try .postgres(url: adminURL, sqlLogLevel: .trace), as: .psql)
            let sql = app.db as! any SQLDatabase
            try await sql.raw(SQLQueryString(stringLiteral: statement)).run()
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        try await app.asyncShutdown()
    }
}

extension Application {
    /// The clock `withTestApp` gave this application.
    var testClock: TestClock {
        guard let clock = clock as? TestClock else { fatalError("withTestApp installs a TestClock") }
        return clock
    }
}

/// Every journal entry a test produced is a known `AuditAction`, so that
/// the journal shows a sentence for it: run after each test's body.
func expectKnownJournalActions(_ app: Application) async throws {
    let codes = try await AuditEntry.query(on: app.db).all().map(\.action)
    for code in Set(codes) {
        #expect(AuditAction(rawValue: code) != nil, "the journal holds an unknown action « \(code) »")
    }
}
