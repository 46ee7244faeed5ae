import FluentSQLiteDriver
import Foundation
import SQLKit
import Vapor

#if canImport(Glibc)
import Glibc
#endif

/// Backups of the SQLite database (`portevoix backup FILE`) and their
/// restore (`portevoix restore FILE`). PostgreSQL has its own tools
/// (`pg_dump`, `pg_restore`: docs/exploitation.md).
///
/// A backup is SQLite's own online copy (`VACUUM INTO`): one read
/// transaction, so it is the database as it stood at one instant, taken
/// while the site goes on serving and writing (WAL readers never block
/// writers). It holds no deleted page, and never the site keys, which live
/// apart (security.md): a backup alone opens no ballot.
public enum Backups {
    /// What a copy holds, for the operator's terminal.
    public struct Summary: Sendable {
        public var bytes: Int
        public var rows: [(table: String, count: Int)]

        var sentence: String {
            let size = String(format: "%.1f Mo", Double(bytes) / 1_000_000)
            let counted = rows.map { "\($0.count) \(Self.names[$0.table] ?? $0.table)" }.joined(separator: ", ")
            return "\(size) ; \(counted)"
        }

        static let names = ["members": "comptes", "proposals": "propositions", "meetings": "séances", "polls": "scrutins",
                            "ballots": "bulletins scellés", "poll_voters": "émargements", "audit_entries": "entrées du journal"]
    }

    /// The tables a summary counts, and whose rows make a database "not empty".
    static let countedTables = ["members", "proposals", "meetings", "polls", "ballots", "poll_voters", "audit_entries"]

    /// Writes a consistent copy of the live database to `path` (mode 0600),
    /// then checks the copy. Refuses to overwrite anything, and to back up
    /// a database that is not there (it never creates one).
    @discardableResult
    public static func backup(_ settings: Settings, to path: String) async throws -> Summary {
        guard case .sqlite(let databasePath) = settings.database else { throw Problem.postgres }
        let manager = FileManager.default
        guard manager.fileExists(atPath: databasePath) else { throw Problem.noDatabase(databasePath) }
        let target = absolute(path)
        guard !manager.fileExists(atPath: target) else { throw Problem.exists(target) }
        let folder = (target as NSString).deletingLastPathComponent
        guard manager.fileExists(atPath: folder) else { throw Problem.noFolder(folder) }
        // A restore replacing the file meanwhile would be copied half-way.
        let lock = try SiteLock.take(databasePath, exclusive: false, busy: .restoring(databasePath))
        defer { lock.release() }
        // Private from the first byte: the copy holds personal data and sealed ballots.
        let partial = target + ".partielle-" + UUID().uuidString.prefix(8)
        guard manager.createFile(atPath: partial, contents: nil, attributes: [.posixPermissions: 0o600]) else {
            throw Problem.noFolder(folder)
        }
        defer { try? manager.removeItem(atPath: partial) }
        try await withConnection(databasePath) { sql in
            try await sql.raw("VACUUM INTO \(bind: partial)").run()
        }
        // Key shares waiting for their holders, or given at a count under
        // way, never go into a backup: a copy kept with the master key would
        // open the sealed box (docs/cles-des-urnes.md). Rewritten in place
        // in the copy, free pages zeroed.
        try await withConnection(partial) { sql in
            try await sql.raw("PRAGMA secure_delete = ON").run()
            try await sql.raw("UPDATE poll_key_shares SET wrapped_share = NULL, given_share = NULL").run()
            try await sql.raw("VACUUM").run()
        }
        let summary = try await inspect(partial)
        try sync(partial)
        // link() never replaces: a file that appeared meanwhile is kept.
        guard link(partial, target) == 0 else {
            throw errno == EEXIST ? Problem.exists(target) : Problem.noFolder(folder)
        }
        try sync(folder)
        return summary
    }

    /// Replaces the database the settings name with the backup at `path`,
    /// with the site stopped. Refuses a damaged backup, one made with other
    /// site keys, and (unless `replace`) a database that holds data. The
    /// replaced database is kept beside, renamed; nobody stays signed in.
    @discardableResult
    public static func restore(from path: String, settings: Settings, replace: Bool, now: Date) async throws -> Restored {
        guard case .sqlite(let databasePath) = settings.database else { throw Problem.postgres }
        let source = absolute(path)
        let manager = FileManager.default
        guard manager.fileExists(atPath: source) else { throw Problem.notFound(source) }
        // The keys the restored site will start with: never made up here.
        if case .folder(let keysPath) = settings.keys, !manager.fileExists(atPath: keysPath) {
            throw Problem.noKeys(keysPath)
        }
        let keys = try SiteKeys.load(settings.keys)

        let folder = (databasePath as NSString).deletingLastPathComponent
        try manager.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let lock = try SiteLock.take(databasePath, exclusive: true, busy: .siteRunning(databasePath))
        defer { lock.release() }

        // One read of the backup: the checks below are made on this very copy.
        let partial = databasePath + ".restauration-" + UUID().uuidString.prefix(8)
        defer {
            for suffix in ["", "-wal", "-shm", "-journal"] { try? manager.removeItem(atPath: partial + suffix) }
        }
        guard manager.createFile(atPath: partial, contents: nil, attributes: [.posixPermissions: 0o600]) else {
            throw Problem.noFolder(folder)
        }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: partial))
        let reader = try FileHandle(forReadingFrom: URL(fileURLWithPath: source))
        while let chunk = try reader.read(upToCount: 1 << 20), !chunk.isEmpty { try handle.write(contentsOf: chunk) }
        try reader.close()
        try handle.close()
        let summary = try await inspect(partial, displayedAs: source)

        // The backup's keys must be the site's: with others, its open polls
        // could never be counted and the server would refuse to start.
        let stored = Dictionary(try await withConnection(partial) { sql in
            try await sql.raw("SELECT name, fingerprint FROM site_keys").all().map {
                (try $0.decode(column: "name", as: String.self), try $0.decode(column: "fingerprint", as: String.self))
            }
        }, uniquingKeysWith: { first, _ in first })
        for name in SiteKeys.Name.allCases {
            guard stored[name.rawValue] == SiteKeys.fingerprint(keys.key(name), name: name) else {
                throw Problem.otherKeys(name.rawValue)
            }
        }
        // Sessions, tokens and links ended after the backup would come back
        // to life with it: everyone signs in again, staff make new tokens.
        try await withConnection(partial) { sql in
            // A backup from an older version may lack the newer tables.
            let tables = Set(try await sql.raw("SELECT name FROM sqlite_master WHERE type = 'table'").all()
                .map { try $0.decode(column: "name", as: String.self) })
            if tables.contains("web_sessions") { try await sql.raw("DELETE FROM web_sessions").run() }
            if tables.contains("installation_links") { try await sql.raw("DELETE FROM installation_links").run() }
            if tables.contains("api_tokens") {
                try await sql.raw("UPDATE api_tokens SET revoked_at = \(bind: now) WHERE revoked_at IS NULL").run()
            }
        }
        try sync(partial)

        var keptAs: String?
        if manager.fileExists(atPath: databasePath) {
            // A database SQLite cannot even read is replaced only when told, like one with data.
            let rows = (try? await inspect(databasePath, checking: false).rows.reduce(0) { $0 + $1.count }) ?? -1
            guard rows == 0 || replace else { throw Problem.notEmpty(databasePath, rows) }
            if rows != 0 {
                // Kept beside, with its journal, until the operator deletes it.
                let formatter = DateFormatter()
                formatter.locale = Locale(identifier: "en_US_POSIX")
                formatter.dateFormat = "yyyyMMdd-HHmmss"
                let aside = databasePath + ".avant-restauration-" + formatter.string(from: now)
                for suffix in ["-wal", ""] where manager.fileExists(atPath: databasePath + suffix) {
                    guard rename(databasePath + suffix, aside + suffix) == 0 else { throw Problem.noFolder(folder) }
                }
                keptAs = aside
            }
            let owner = try? manager.attributesOfItem(atPath: keptAs ?? databasePath)
            if let uid = owner?[.ownerAccountID] as? UInt32, let gid = owner?[.groupOwnerAccountID] as? UInt32 {
                // Run as root for a site that runs as its own user: the file stays theirs.
                _ = chown(partial, uid, gid)
            }
        }
        // Whatever journal is left belongs to the replaced database, not to the backup.
        for suffix in ["-wal", "-shm"] { try? manager.removeItem(atPath: databasePath + suffix) }
        guard rename(partial, databasePath) == 0 else { throw Problem.noFolder(folder) }
        try sync(folder)
        return Restored(summary: summary, keptAs: keptAs)
    }

    /// What a restore did.
    public struct Restored: Sendable {
        public var summary: Summary
        /// Where the replaced database now is, if it held data.
        public var keptAs: String?
    }

    /// Checks a database file (`PRAGMA integrity_check`, a PorteVoix
    /// schema) and counts its main tables.
    static func inspect(_ path: String, checking: Bool = true, displayedAs name: String? = nil) async throws -> Summary {
        do {
            return try await inspectOrThrow(path, checking: checking)
        } catch let problem as Problem {
            switch problem {
            case .damaged: throw Problem.damaged(name ?? path)
            case .notPorteVoix: throw Problem.notPorteVoix(name ?? path)
            default: throw problem
            }
        } catch where checking {
            // Not an SQLite file at all ("file is not a database").
            throw Problem.damaged(name ?? path)
        }
    }

    private static func inspectOrThrow(_ path: String, checking: Bool) async throws -> Summary {
        let rows = try await withConnection(path) { sql -> [(String, Int)] in
            if checking {
                let verdict = try await sql.raw("PRAGMA integrity_check").all()
                    .compactMap { try? $0.decode(column: "integrity_check", as: String.self) }
                guard verdict == ["ok"] else { throw Problem.damaged(path) }
            }
            let tables = Set(try await sql.raw("SELECT name FROM sqlite_master WHERE type = 'table'").all()
                .map { try $0.decode(column: "name", as: String.self) })
            if checking, !tables.contains("_fluent_migrations") || !tables.contains("site_keys") { throw Problem.notPorteVoix(path) }
            var rows: [(String, Int)] = []
            for table in countedTables where tables.contains(table) {
                let count = try await sql.raw("SELECT COUNT(*) AS n FROM \(ident: table)").first()?.decode(column: "n", as: Int.self)
                rows.append((table, count ?? 0))
            }
            return rows
        }
        let bytes = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        return Summary(bytes: bytes ?? 0, rows: rows)
    }

    /// One connection of its own to a database file, closed after `body`.
    static func withConnection<T>(_ path: String, _ body: (any SQLDatabase) async throws -> T) async throws -> T {
        let connection = try await SQLiteConnection.open(storage: .file(path: path))
        do {
            // The site may be writing: wait for its lock rather than fail.
            _ = try await connection.query("PRAGMA busy_timeout = \(DatabaseSetup.sqliteBusyTimeoutMilliseconds)")
            let result = try await body(connection.sql(encoder: .init(), decoder: .init(), queryLogLevel: nil))
            try await connection.close()
            return result
        } catch {
            try? await connection.close()
            throw error
        }
    }

    static func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    }

    /// Forces a file or a folder (after a rename) to the disk.
    static func sync(_ path: String) throws {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw Problem.noFolder(path) }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw Problem.noFolder(path) }
    }

    /// What went wrong, in French, for the operator.
    public enum Problem: Error, CustomStringConvertible, Equatable {
        case postgres
        case exists(String)
        case noFolder(String)
        case notFound(String)
        case damaged(String)
        case notPorteVoix(String)
        case otherKeys(String)
        case notEmpty(String, Int)
        case siteRunning(String)
        case restoring(String)
        case noDatabase(String)
        case noKeys(String)

        public var description: String {
            switch self {
            case .postgres:
                "Avec PostgreSQL, sauvegardez avec pg_dump et restaurez avec pg_restore (voir docs/exploitation.md)."
            case .exists(let path):
                "Le fichier \(path) existe déjà : choisissez un autre nom, rien n'a été écrit."
            case .noFolder(let path):
                "Impossible d'écrire dans \(path) : vérifiez que le dossier existe et que PorteVoix peut y écrire."
            case .notFound(let path):
                "La sauvegarde \(path) est introuvable."
            case .damaged(let path):
                "La sauvegarde \(path) est abîmée (PRAGMA integrity_check) : elle n'a pas été restaurée."
            case .notPorteVoix(let path):
                "Le fichier \(path) n'est pas une sauvegarde de PorteVoix : il n'a pas été restauré."
            case .otherKeys(let name):
                "La sauvegarde a été faite avec une autre clé « \(name) » que celle de ce site : restaurez d'abord les clés "
                    + "de l'époque (dossier des clés ou variables d'environnement). Rien n'a été changé."
            case .notEmpty(let path, let rows):
                (rows < 0 ? "La base \(path) existe mais est illisible." : "La base \(path) contient déjà des données (\(rows) lignes).")
                    + " Pour la remplacer par la sauvegarde, relancez avec --remplacer (elle sera gardée à côté, renommée). "
                    + "Rien n'a été changé."
            case .siteRunning(let path):
                "Le site tourne encore sur \(path) : arrêtez-le avant de restaurer. Rien n'a été changé."
            case .noDatabase(let path):
                "Il n'y a pas de base à \(path) : vérifiez PORTEVOIX_DATA_DIR (le même que celui du site). Rien n'a été écrit."
            case .noKeys(let path):
                "Le dossier des clés \(path) est introuvable : remettez en place les clés du site (celles de la sauvegarde) "
                    + "avant de restaurer. Rien n'a été changé."
            case .restoring(let path):
                "Une restauration de \(path) est en cours : relancez PorteVoix quand elle sera finie."
            }
        }
    }
}

/// An advisory lock beside the SQLite file: each serving process holds it
/// shared for its whole life, a restore holds it alone. The system drops it
/// when a process ends, even after `kill -9`.
final class SiteLock: Sendable {
    private let descriptor: Int32

    private init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    static func path(_ databasePath: String) -> String { databasePath + ".verrou" }

    static func take(_ databasePath: String, exclusive: Bool, busy: Backups.Problem) throws -> SiteLock {
        try? FileManager.default.createDirectory(atPath: (databasePath as NSString).deletingLastPathComponent,
                                                 withIntermediateDirectories: true)
        let descriptor = open(path(databasePath), O_RDONLY | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw Backups.Problem.noFolder(path(databasePath)) }
        guard flock(descriptor, (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB) == 0 else {
            close(descriptor)
            throw busy
        }
        return SiteLock(descriptor: descriptor)
    }

    func release() {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}

extension Application {
    private struct SiteLockKey: StorageKey { typealias Value = SiteLock }

    /// Held while this process serves an SQLite database (released by the system at exit).
    var siteLock: SiteLock? {
        get { storage[SiteLockKey.self] }
        set { storage[SiteLockKey.self] = newValue }
    }
}

/// `portevoix backup FILE` and `portevoix restore FILE [--remplacer]`: run
/// before `configure`, which would migrate the database (with a new binary,
/// under the old server), make keys up, or open the database a restore
/// replaces.
public enum BackupCommands {
    public static func isRequested(_ arguments: [String]) -> Bool {
        ["backup", "restore"].contains(arguments.dropFirst().first ?? "")
    }

    /// Exit status: 0 when done.
    public static func main(_ arguments: [String], environment: [String: String], workingDirectory: String) async -> Int32 {
        let command = arguments.dropFirst().first ?? ""
        let rest = Array(arguments.dropFirst(2))
        let replace = rest.contains("--remplacer")
        let files = rest.filter { !$0.hasPrefix("-") }
        let allowed: Set<String> = command == "restore" ? ["--remplacer"] : []
        guard files.count == 1, rest.allSatisfy({ !$0.hasPrefix("-") || allowed.contains($0) }) else {
            print(command == "restore"
                ? "Usage : portevoix restore FICHIER [--remplacer]\nRemplace la base SQLite par la sauvegarde FICHIER, site arrêté. "
                    + "Sans --remplacer, refuse une base qui contient déjà des données."
                : "Usage : portevoix backup FICHIER\nCopie la base SQLite dans FICHIER (qui ne doit pas exister), pendant que le site tourne.")
            return 2
        }
        do {
            let settings = try Settings.load(from: environment, workingDirectory: workingDirectory, isDevelopment: false)
            if command == "backup" {
                let summary = try await Backups.backup(settings, to: files[0])
                print("Sauvegarde écrite dans \(Backups.absolute(files[0])) : \(summary.sentence).\n"
                    + "Elle ne contient pas les clés du site : gardez-les ailleurs que la sauvegarde (docs/exploitation.md).")
            } else {
                let restored = try await Backups.restore(from: files[0], settings: settings, replace: replace, now: SystemClock().now())
                print("Sauvegarde restaurée : \(restored.summary.sentence).\n"
                    + (restored.keptAs.map { "L'ancienne base est gardée dans \($0) : supprimez-la quand vous n'en aurez plus besoin.\n" } ?? "")
                    + "Tout le monde devra se reconnecter ; les jetons d'API sont révoqués. "
                    + "Au prochain démarrage, PorteVoix applique les migrations qui manquent à cette sauvegarde.")
            }
            return 0
        } catch let error as CustomStringConvertible where error is Backups.Problem || error is SettingsError || error is SiteKeyError {
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            return 1
        } catch {
            FileHandle.standardError.write(Data(("La commande n'a pas abouti : \(SafeErrorDescription.of(error)).\n").utf8))
            return 1
        }
    }
}
