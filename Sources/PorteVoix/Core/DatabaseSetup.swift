import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import SQLKit
import Vapor

enum DatabaseSetup {
    /// How long an SQLite connection waits for another writer before giving up.
    static let sqliteBusyTimeoutMilliseconds = 5000

    static func use(_ settings: Settings, on app: Application) async throws {
        switch settings.database {
        case .sqlite(let path):
            let folder = (path as NSString).deletingLastPathComponent
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            // sqlLogLevel nil: queries and their values never reach the logs.
            app.databases.use(
                .sqlite(.file(path), maxConnectionsPerEventLoop: 1, sqlLogLevel: nil),
                as: .sqlite
            )
            try await configureSQLiteConnections(app)
        case .postgres(let url):
            // .trace, the lowest level: never on in production.
            app.databases.use(try .postgres(url: url, sqlLogLevel: .trace), as: .psql)
        }
    }

    /// The SQLite pool keeps one connection per event loop for the life of the
    /// application; each gets its pragmas here. Foreign keys are turned on by
    /// the driver for every new connection. WAL is a property of the file.
    private static func configureSQLiteConnections(_ app: Application) async throws {
        for eventLoop in app.eventLoopGroup.makeIterator() {
            guard let database = app.databases.database(.sqlite, logger: app.logger, on: eventLoop) as? any SQLDatabase
            else { continue }
            try await database.raw("PRAGMA journal_mode = WAL").run()
            try await database.raw("PRAGMA synchronous = NORMAL").run()
            try await database.raw("PRAGMA busy_timeout = \(unsafeRaw: String(sqliteBusyTimeoutMilliseconds))").run()
        }
    }
}
