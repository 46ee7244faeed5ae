import Fluent
import SQLKit
import Vapor

/// Deleted or overwritten data leaves the database files: after a count
/// (ballots, the poll's key) and after a redaction (a member's original text).
enum FreeSpace {
    /// No copy of the files made from now on holds what was just deleted or
    /// overwritten in `tables`: SQLite (secure_delete on) moves the WAL into
    /// the file and truncates it; PostgreSQL vacuums the tables.
    /// - Parameter what: the start of the warning logged if it has to wait ("Après un dépouillement").
    /// - Returns: whether it is done now (false: it goes on in the background).
    @discardableResult
    static func scrub(_ app: Application, tables: [String], after deletingTransaction: Int? = nil,
                      what: String) async throws -> Bool {
        let sql = app.maintenanceDatabase.sql
        if sql.dialect.name == "sqlite" {
            if try await checkpoint(app, attempts: 20) { return true }
            // Voting goes on: keep trying in the background rather than hold writers up.
            app.backgroundTasks.run {
                if (try? await checkpoint(app, attempts: 600)) != true, !Task.isCancelled {
                    app.logger.warning("\(what), le journal SQLite n'a pas pu être vidé : il le sera au prochain.")
                }
            }
        } else {
            if try await vacuum(sql, tables: tables, after: deletingTransaction, attempts: 5) { return true }
            app.backgroundTasks.run {
                let sql = app.maintenanceDatabase.sql
                if (try? await vacuum(sql, tables: tables, after: deletingTransaction, attempts: 60)) != true {
                    app.logger.warning("\(what), des lignes effacées restent dans les fichiers : elles partiront au prochain.")
                }
            }
        }
        return false
    }

    /// Rewrites `tables` until the rewrite kept no
    /// deleted row. VACUUM FULL alone keeps deleted rows as "recently dead"
    /// while any transaction of the cluster, in any database, is older than
    /// the deletion (its own snapshot counts); a plain VACUUM judges by this
    /// database's snapshots only and frees them, then FULL copies only the
    /// live rows into a new file. Snapshots of this database older than the
    /// deletion (another request, an autovacuum ANALYZE) are waited for
    /// first; what the rewrite kept (its tuple count includes recently dead
    /// rows) is checked against the live rows, and it goes again if needed.
    static func vacuum(_ sql: any SQLDatabase, tables: [String], after deletingTransaction: Int?, attempts: Int) async throws -> Bool {
        for _ in 0..<attempts {
            if let deletingTransaction {
                for _ in 0..<50 {
                    // Backends not yet attached to a database count for every database.
                    let older = try await sql.raw("""
                        SELECT COUNT(*) AS n FROM pg_stat_activity
                        WHERE (datname = current_database() OR datname IS NULL) AND pid <> pg_backend_pid()
                          AND (age(backend_xmin) >= age(\(unsafeRaw: String(deletingTransaction))::text::xid)
                               OR age(backend_xid) >= age(\(unsafeRaw: String(deletingTransaction))::text::xid))
                        """).first()?.decode(column: "n", as: Int.self) ?? 0
                    if older == 0 { break }
                    try await Task.sleep(for: .milliseconds(100))
                }
            }
            // FULL rewrites the tables: the dead rows' bytes leave the data files.
            var clean = true
            for table in tables {
                try await sql.raw("VACUUM \(unsafeRaw: table)").run()
                // FULL locks the table: voters queue behind it while it waits for
                // its lock (a pg_dump in progress holds one). It gives up after a
                // moment instead, and the next round tries again.
                let rewritten = try await (sql as! any Database).withConnection { connection -> Bool in
                    let session = connection.sql
                    try await session.raw("SET lock_timeout = '2s'").run()
                    let done = (try? await session.raw("VACUUM FULL \(unsafeRaw: table)").run()) != nil
                    try await session.raw("RESET lock_timeout").run()
                    return done
                }
                guard rewritten else {
                    clean = false
                    continue
                }
                let row = try await sql.raw("""
                    SELECT (SELECT reltuples FROM pg_class WHERE oid = '\(unsafeRaw: table)'::regclass)::bigint AS kept,
                           (SELECT COUNT(*) FROM \(unsafeRaw: table)) AS live
                    """).first()
                let kept = try row?.decode(column: "kept", as: Int.self) ?? 0
                let live = try row?.decode(column: "live", as: Int.self) ?? 0
                if kept > live { clean = false }
            }
            if clean { return true }
            try await Task.sleep(for: .milliseconds(200))
        }
        return false
    }

    /// Moves the WAL into the file and truncates it, without waiting on
    /// locks: a checkpoint that waited would hold every voter's write up.
    static func checkpoint(_ app: Application, attempts: Int) async throws -> Bool {
        for attempt in 0..<attempts {
            let done = try await DatabaseSetup.withSQLiteBusyTimeout(0, on: app.db) { sql -> Bool in
                let row = try? await sql.raw("PRAGMA wal_checkpoint(TRUNCATE)").first()
                return (try? row?.decode(column: "busy", as: Int.self)) == 0
            }
            if done { return true }
            try await Task.sleep(for: .milliseconds(attempt < 10 ? 20 : 100))
        }
        return false
    }

}
