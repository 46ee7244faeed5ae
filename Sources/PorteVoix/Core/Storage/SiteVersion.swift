import Fluent
import SQLKit
import Vapor

/// A number in the database that every write to what pages show moves on:
/// the page cache (`PageCache`) serves a page from memory only while the
/// number it was rendered under is still the database's. Triggers move it,
/// so every writer moves it: this instance, another instance on the same
/// PostgreSQL, a command run beside the site, a restore.
enum SiteVersion {
    static let table = "site_version"

    /// Tables no page for visitors reads: writing them leaves the cache alone.
    /// Sessions are touched by members' visits, sign-in counters by every
    /// wrong password; they must not empty the cache of the whole site.
    static let unwatched: Set<String> = [
        table, "_fluent_migrations", "web_sessions", "attempt_counters", "installation_links", "api_tokens",
        "notifications", "site_keys", "speech_recordings", "answer_understandings", "kiosks",
    ]

    /// Its row is gone: nothing can be kept, since nothing would move it.
    struct Missing: Error {}

    /// The current number; one indexed row.
    static func read(on sql: any SQLDatabase) async throws -> Int64 {
        guard let row = try await sql.raw("SELECT version FROM site_version WHERE id = 1").first() else { throw Missing() }
        return try row.decode(column: "version", as: Int64.self)
    }

    /// The tables that move the number: every PorteVoix table but the unwatched ones.
    static func watchedTables(on sql: any SQLDatabase) async throws -> [String] {
        let rows: [any SQLRow]
        switch sql.dialect.name {
        case "postgresql":
            rows = try await sql.raw("SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema()").all()
        default:
            rows = try await sql.raw("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all()
        }
        return try rows.map { try $0.decode(column: "name", as: String.self) }.filter { !unwatched.contains($0) }.sorted()
    }

    /// Puts the triggers on every watched table, at each start after the
    /// migrations (as the tables' owner): a table a later version adds is
    /// watched from its first start, with no migration to remember.
    static func installTriggers(on sql: any SQLDatabase) async throws {
        let tables = try await watchedTables(on: sql)
        if sql.dialect.name == "postgresql" {
            // At commit, once per transaction: the row lock on the number is
            // taken last and held only while committing, so two writers never
            // wait for each other in a cycle, and a count deleting 10,000
            // ballots moves it once.
            // The table is named with its schema and the search path pinned:
            // a tool with another path, or a temporary table of the same
            // name, must not move something else.
            let schema = try await sql.raw("SELECT current_schema() AS name").first()?.decode(column: "name", as: String.self) ?? "public"
            try await sql.raw("""
                CREATE OR REPLACE FUNCTION portevoix_site_version() RETURNS trigger LANGUAGE plpgsql
                SET search_path = pg_catalog, pg_temp AS $$
                BEGIN
                    IF current_setting('portevoix.version_moved', true) IS DISTINCT FROM 'on' THEN
                        PERFORM set_config('portevoix.version_moved', 'on', true);
                        UPDATE \(ident: schema).site_version SET version = version + 1 WHERE id = 1;
                    END IF;
                    RETURN NULL;
                END $$
                """).run()
            let existing = Set(try await sql.raw("""
                SELECT c.relname AS name FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
                WHERE t.tgname = 'portevoix_site_version'
                """).all().map { try $0.decode(column: "name", as: String.self) })
            for table in tables where !existing.contains(table) {
                try await sql.raw("""
                    CREATE CONSTRAINT TRIGGER portevoix_site_version AFTER INSERT OR UPDATE OR DELETE ON \(ident: table)
                    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION portevoix_site_version()
                    """).run()
                // TRUNCATE fires no row trigger: a statement one covers it.
                try await sql.raw("""
                    CREATE TRIGGER portevoix_site_version_truncate AFTER TRUNCATE ON \(ident: table)
                    FOR EACH STATEMENT EXECUTE FUNCTION portevoix_site_version()
                    """).run()
                // Fired even under session_replication_role = replica (restores, replication).
                try await sql.raw("ALTER TABLE \(ident: table) ENABLE ALWAYS TRIGGER portevoix_site_version").run()
                try await sql.raw("ALTER TABLE \(ident: table) ENABLE ALWAYS TRIGGER portevoix_site_version_truncate").run()
            }
        } else {
            // SQLite has one writer at a time: no lock order to care about.
            for table in tables {
                for (suffix, event) in [("i", "INSERT"), ("u", "UPDATE"), ("d", "DELETE")] {
                    try await sql.raw("""
                        CREATE TRIGGER IF NOT EXISTS \(ident: "portevoix_site_version_\(table)_\(suffix)") AFTER \(unsafeRaw: event)
                        ON \(ident: table) BEGIN UPDATE site_version SET version = version + 1 WHERE id = 1; END
                        """).run()
                }
            }
        }
    }

    /// The tables that have the trigger, for the test that no table is forgotten.
    static func triggeredTables(on sql: any SQLDatabase) async throws -> Set<String> {
        let rows: [any SQLRow]
        if sql.dialect.name == "postgresql" {
            rows = try await sql.raw("""
                SELECT c.relname AS name FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid WHERE t.tgname = 'portevoix_site_version'
                """).all()
        } else {
            rows = try await sql.raw("""
                SELECT DISTINCT tbl_name AS name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'portevoix_site_version_%'
                """).all()
        }
        return Set(try rows.map { try $0.decode(column: "name", as: String.self) })
    }

    /// The next instant after `now` at which a page can change with no write:
    /// a poll opening or closing on its schedule, a session starting or
    /// ending, or midnight in Paris.
    static func nextScheduledChange(after now: Date, on sql: any SQLDatabase) async throws -> Date {
        let row = try await sql.raw("""
            SELECT MIN(t) AS t FROM (
                SELECT MIN(opens_at) AS t FROM polls WHERE opens_at > \(bind: now)
                UNION ALL SELECT MIN(closes_at) FROM polls WHERE closes_at > \(bind: now)
                UNION ALL SELECT MIN(starts_at) FROM meetings WHERE starts_at > \(bind: now)
                UNION ALL SELECT MIN(ends_at) FROM meetings WHERE ends_at > \(bind: now)
            ) AS scheduled
            """).first()
        let midnight = FrenchDates.calendar.nextDate(after: now, matching: DateComponents(hour: 0, minute: 0, second: 0),
                                                     matchingPolicy: .nextTime) ?? now.addingTimeInterval(86_400)
        let scheduled = try row?.decode(column: "t", as: Date?.self)
        return min(scheduled ?? midnight, midnight)
    }
}

/// The table of the number, with its one row.
struct CreateSiteVersion: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(SiteVersion.table)
            .field("id", .int, .identifier(auto: false))
            .field("version", .int64, .required)
            .create()
        try await database.sql.raw("INSERT INTO site_version (id, version) VALUES (1, 0)").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(SiteVersion.table).delete()
    }
}
