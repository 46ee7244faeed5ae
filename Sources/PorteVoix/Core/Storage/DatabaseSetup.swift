import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import SQLKit
import Vapor

enum DatabaseSetup {
    /// How long an SQLite connection waits for another writer before giving up.
    static let sqliteBusyTimeoutMilliseconds = 3000

    static func use(_ settings: Settings, on app: Application) async throws {
        switch settings.database {
        case .sqlite(let path):
            let folder = (path as NSString).deletingLastPathComponent
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            // sqlLogLevel nil: queries and their values never reach the logs.
            app.databases.use(
                // A room voting in the same minute queues on one writer:
                // wait for a connection rather than fail after 10 s.
                .sqlite(.file(path), maxConnectionsPerEventLoop: 1, connectionPoolTimeout: .seconds(30), sqlLogLevel: nil),
                as: .sqlite
            )
            try await configureSQLiteConnections(app, maximumBytes: settings.maximumDatabaseBytes)
        case .postgres(let url):
            // .trace, the lowest level: never on in production.
            // Two connections per core, and time to wait for one when a room votes at once.
            app.databases.use(.postgres(configuration: try durable(url), maxConnectionsPerEventLoop: 2,
                                        connectionPoolTimeout: .seconds(30), sqlLogLevel: .trace), as: .psql, isDefault: true)
            if let owner = settings.migrationDatabaseURL {
                app.databases.use(.postgres(configuration: try durable(owner), sqlLogLevel: .trace), as: .owner, isDefault: false)
            }
        }
    }

    /// A PostgreSQL connection whose every commit waits for the server to
    /// write it to disk (`synchronous_commit = on`) whatever the server's own
    /// default: a ballot whose tracker was shown must survive a power cut.
    /// With synchronous standbys, `on` also waits for their flush; an
    /// operator who wants `remote_apply` loses it to this (docs/exploitation.md).
    static func durable(_ url: String) throws -> SQLPostgresConfiguration {
        var configuration = try SQLPostgresConfiguration(url: url)
        configuration.coreConfiguration.options.additionalStartupParameters.append(("synchronous_commit", "on"))
        return configuration
    }

    /// What the database says about durability, for the start-up log and the
    /// operations guide: PostgreSQL with `fsync` off loses commits on a crash.
    static func warnIfNotDurable(_ app: Application) async throws {
        // The test server runs without fsync on purpose.
        guard case .postgres = app.settings.database, app.environment != .testing else { return }
        let row = try await app.db.sql.raw("SELECT current_setting('fsync') AS fsync, current_setting('synchronous_commit') AS commit").first()
        let fsync = try row?.decode(column: "fsync", as: String.self)
        let commit = try row?.decode(column: "commit", as: String.self)
        if fsync != "on" || commit != "on" {
            app.logger.critical("PostgreSQL n'écrit pas chaque validation sur le disque (fsync = \(fsync ?? "?"), synchronous_commit = \(commit ?? "?")) : après une coupure de courant, des votes confirmés pourraient disparaître. Remettez fsync = on dans postgresql.conf.")
        }
    }

    /// Runs `body` while no other instance runs it: on PostgreSQL under an
    /// advisory lock (held by one connection, released at its end or if the
    /// process dies), so that two instances starting at once never check the
    /// keys or run a migration side by side. SQLite serves one process.
    static func oneAtATime(_ app: Application, _ body: @escaping @Sendable () async throws -> Void) async throws {
        guard case .postgres = app.settings.database else { return try await body() }
        try await app.db(.psql).withConnection { connection in
            let sql = connection.sql
            // Any constant of the site's own: "PorteVoi" in ASCII.
            let key: Int64 = 0x506F_7274_6556_6F69
            try await sql.raw("SELECT pg_advisory_lock(\(bind: key))").run()
            do {
                try await body()
            } catch {
                _ = try? await sql.raw("SELECT pg_advisory_unlock(\(bind: key))").run()
                throw error
            }
            try await sql.raw("SELECT pg_advisory_unlock(\(bind: key))").run()
        }
    }

    /// Each migration's lines at debug level; one line a person reads, when
    /// there were any to apply (a first start applies some forty).
    static func quietlyMigrate(_ app: Application) async throws {
        app.fluent.migrationLogLevel = .debug
        try await app.migrator.setupIfNeeded().get()
        let pending = try await app.migrator.previewPrepareBatch().get().count
        try await app.autoMigrate()
        if pending > 0 { app.logger.notice("\(pending) migration\(pending > 1 ? "s appliquées" : " appliquée")") }
    }

    /// Runs the migrations as the tables' owner when a separate address is
    /// set, then lets the serving role do only what serving needs: it may add
    /// ballots and register rows but never change them, nor the audit log
    /// (the database refuses even an injected statement). It removes ballots
    /// only after recording a count of exactly that many: an injected
    /// statement that knows the number could still forge a result and
    /// destroy the box, but never read a ballot.
    static func migrate(_ app: Application, settings: Settings) async throws {
        guard settings.migrationDatabaseURL != nil, case .postgres(let url) = settings.database else {
            try await quietlyMigrate(app)
            try await SiteVersion.installTriggers(on: app.db.sql)
            return
        }
        app.databases.default(to: .owner)
        defer { app.databases.default(to: .psql) }
        try await quietlyMigrate(app)
        try await SiteVersion.installTriggers(on: app.db(.owner).sql)
        guard let role = URLComponents(string: url)?.user, !role.isEmpty else { return }
        let sql = app.db(.owner) as! any SQLDatabase
        // A superuser or an owner would lift every guard (session_replication_role, ALTER TABLE).
        let serving = app.db(.psql) as! any SQLDatabase
        let powers = try await serving.raw("""
            SELECT r.rolsuper AS superuser, (SELECT tableowner FROM pg_tables WHERE schemaname = 'public' AND tablename = 'ballots') = current_user AS owner
            FROM pg_roles r WHERE r.rolname = current_user
            """).first()
        if try powers?.decode(column: "superuser", as: Bool.self) == true || powers?.decode(column: "owner", as: Bool?.self) == true {
            throw ServingRoleError()
        }
        let quoted = "\"" + role.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        try await sql.raw("GRANT USAGE ON SCHEMA public TO \(unsafeRaw: quoted)").run()
        try await sql.raw("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO \(unsafeRaw: quoted)").run()
        try await sql.raw("""
            REVOKE UPDATE, DELETE, TRUNCATE ON ballots, poll_voters, poll_trackers, paper_registrations, audit_entries, site_keys
            FROM \(unsafeRaw: quoted)
            """).run()
        try await sql.raw("REVOKE INSERT ON site_keys FROM \(unsafeRaw: quoted)").run()
        // The page cache's number: moved by the triggers, never removed.
        try await sql.raw("REVOKE INSERT, DELETE, TRUNCATE ON site_version FROM \(unsafeRaw: quoted)").run()
        try await sql.raw("GRANT EXECUTE ON FUNCTION discard_counted_ballots(uuid) TO \(unsafeRaw: quoted)").run()
    }

    /// The SQLite pool keeps one connection per event loop for the life of the
    /// application; each gets its pragmas here. Foreign keys are turned on by
    /// the driver for every new connection. WAL is a property of the file.
    private static func configureSQLiteConnections(_ app: Application, maximumBytes: Int64?) async throws {
        for eventLoop in app.eventLoopGroup.makeIterator() {
            guard let database = app.databases.database(.sqlite, logger: app.logger, on: eventLoop) as? any SQLDatabase
            else { continue }
            try await database.raw("PRAGMA journal_mode = WAL").run()
            // FULL: in WAL mode, every commit syncs the journal before the
            // answer leaves, so a ballot whose tracker was shown survives a
            // power cut or an OS crash (NORMAL could roll the last ones back).
            try await database.raw("PRAGMA synchronous = FULL").run()
            try await database.raw("PRAGMA busy_timeout = \(unsafeRaw: String(sqliteBusyTimeoutMilliseconds))").run()
            // Deleted content (counted ballots, destroyed keys) is overwritten
            // with zeros, not left in free space for a copy of the file to show.
            try await database.raw("PRAGMA secure_delete = ON").run()
            if let cap = maximumBytes {
                let pageSize = try await database.raw("PRAGMA page_size").first()?.decode(column: "page_size", as: Int64.self) ?? 4096
                try await database.raw("PRAGMA max_page_count = \(unsafeRaw: String(max(1, cap / pageSize)))").run()
            }
        }
    }
}

extension DatabaseSetup {
    /// Runs `body` on one SQLite connection that waits `milliseconds` for
    /// the write lock (0: not at all), then puts the usual wait back.
    static func withSQLiteBusyTimeout<T: Sendable>(_ milliseconds: Int, on database: any Database,
                                                   _ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await database.withConnection { connection in
            let sql = connection.sql
            try await sql.raw("PRAGMA busy_timeout = \(unsafeRaw: String(milliseconds))").run()
            let result: T
            do {
                result = try await body(sql)
            } catch {
                try await sql.raw("PRAGMA busy_timeout = \(unsafeRaw: String(sqliteBusyTimeoutMilliseconds))").run()
                throw error
            }
            try await sql.raw("PRAGMA busy_timeout = \(unsafeRaw: String(sqliteBusyTimeoutMilliseconds))").run()
            return result
        }
    }
}

extension DatabaseID {
    /// PostgreSQL: the tables' owner, when a separate address is set.
    static let owner = DatabaseID(string: "owner")
}

extension Application {
    /// The database for maintenance that only the owner may do (VACUUM).
    var maintenanceDatabase: any Database {
        settings.migrationDatabaseURL != nil ? db(.owner) : db
    }
}

/// `DATABASE_URL` names a role that could lift the guards itself.
struct ServingRoleError: Error, CustomStringConvertible {
    var description: String {
        "PorteVoix ne peut pas démarrer : le rôle de DATABASE_URL est superutilisateur ou propriétaire des tables. "
            + "Avec PORTEVOIX_MIGRATION_DATABASE_URL, DATABASE_URL doit être un rôle ordinaire, qui ne possède pas les tables."
    }
}

extension Database {
    /// The SQL side of the two drivers the site runs on (SQLite, PostgreSQL),
    /// for the statements Fluent cannot say (claims, upserts, guards).
    public var sql: any SQLDatabase { self as! any SQLDatabase }
}
