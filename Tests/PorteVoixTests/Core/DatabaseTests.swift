import Fluent
import SQLKit
import Testing
import Vapor
@testable import PorteVoix

@Suite("Database set-up")
struct DatabaseTests {
    @Test(.enabled(if: !TestDatabase.isPostgres, "SQLite only"))
    func everySQLiteConnectionUsesWALForeignKeysAndABusyTimeout() async throws {
        try await withTestApp { app in
            for eventLoop in app.eventLoopGroup.makeIterator() {
                let sql = try #require(app.databases.database(.sqlite, logger: app.logger, on: eventLoop) as? any SQLDatabase)
                let journal = try await sql.raw("PRAGMA journal_mode").first()?.decode(column: "journal_mode", as: String.self)
                #expect(journal == "wal")
                let keys = try await sql.raw("PRAGMA foreign_keys").first()?.decode(column: "foreign_keys", as: Int.self)
                #expect(keys == 1)
                let timeout = try await sql.raw("PRAGMA busy_timeout").first()?.decode(column: "timeout", as: Int.self)
                #expect(timeout == DatabaseSetup.sqliteBusyTimeoutMilliseconds)
            }
        }
    }

    @Test func migrationsAreApplied() async throws {
        try await withTestApp { app in
            // The sessions table exists and takes a row.
            let record = WebSessionRecord(tokenHash: "abc", csrfSecret: "def", now: Date(), lifetime: 60)
            try await record.create(on: app.db)
            #expect(try await WebSessionRecord.find("abc", on: app.db)?.csrfSecret == "def")
        }
    }

    @Test(.enabled(if: TestDatabase.isPostgres, "PostgreSQL only"))
    func thePostgreSQLRunIsReallyOnPostgreSQL() async throws {
        try await withTestApp { app in
            let sql = try #require(app.db as? any SQLDatabase)
            let version = try await sql.raw("SELECT version() AS v").first()?.decode(column: "v", as: String.self)
            #expect(version?.hasPrefix("PostgreSQL") == true)
        }
    }
}
