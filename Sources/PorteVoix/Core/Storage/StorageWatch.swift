import Fluent
import NIOConcurrencyHelpers
import SQLKit
import Vapor

/// What this instance has seen of its database, for `/healthz` and the
/// start-up log: the last write a fault refused, since when the database
/// has been busy, how far the journal's chain is checked.
final class StorageWatch: Sendable {
    /// A database held busy this long is reported (« occupée depuis … »).
    static let busyWarningSeconds: TimeInterval = 10

    private struct State {
        var lastFault: (fault: DatabaseFault, at: Date)?
        var busySince: Date?
        var chain = AuditChain.Progress()
        var chainBroken: String?
        /// Every fault met since start-up (for `/metrics`).
        var faultCount = 0
    }

    private let state = NIOLockedValueBox(State())

    /// A request met `fault`.
    func saw(_ fault: DatabaseFault, at now: Date) {
        state.withLockedValue { state in
            state.lastFault = (fault, now)
            state.faultCount += 1
            if fault == .busy, state.busySince == nil { state.busySince = now }
        }
    }

    /// A write went through: the faults seen before it are over.
    func wrote() {
        state.withLockedValue { state in
            state.lastFault = nil
            state.busySince = nil
        }
    }

    /// What the busy probe found: busy now, or free.
    func probed(busy: Bool, at now: Date) {
        state.withLockedValue { state in
            if busy {
                if state.busySince == nil { state.busySince = now }
            } else {
                state.busySince = nil
                if state.lastFault?.fault == .busy || state.lastFault?.fault == .conflict { state.lastFault = nil }
            }
        }
    }

    var lastFault: (fault: DatabaseFault, at: Date)? { state.withLockedValue { $0.lastFault } }
    var faultCount: Int { state.withLockedValue { $0.faultCount } }
    var busySince: Date? { state.withLockedValue { $0.busySince } }

    /// Checks the journal's entries written since the last call (all of them the first time, in steps).
    /// - Returns: what is wrong with the chain, or nil when it holds so far.
    func checkChain(on database: any Database) async throws -> String? {
        let (progress, broken) = state.withLockedValue { ($0.chain, $0.chainBroken) }
        if let broken { return broken }
        switch try await AuditChain.step(from: progress, on: database) {
        case .sound(let reached, _):
            state.withLockedValue { if $0.chain.sequence < reached.sequence { $0.chain = reached } }
            return nil
        case .broken(let sequence, let problem):
            let text = "entrée n° \(sequence) : \(problem)"
            state.withLockedValue { $0.chainBroken = text }
            return text
        }
    }
}

extension Application {
    private struct StorageWatchKey: StorageKey { typealias Value = StorageWatch }

    /// Set once by `configure`, before any request.
    var storageWatch: StorageWatch {
        get {
            guard let watch = storage[StorageWatchKey.self] else {
                fatalError("configure(_:settings:) sets the storage watch before any use")
            }
            return watch
        }
        set { storage[StorageWatchKey.self] = newValue }
    }
}

/// Room left for the database to grow.
enum DiskSpace {
    /// Bytes the SQLite database may still take: the free space of the data
    /// folder's disk, bounded by `PORTEVOIX_MAX_DATABASE_MB` when set. Nil on
    /// PostgreSQL, whose disk is the database server's (its 53100 is seen as a fault).
    static func available(_ app: Application) async throws -> Int64? {
        guard case .sqlite(let path) = app.settings.database else { return nil }
        var room = free(at: (path as NSString).deletingLastPathComponent)
        if let cap = app.settings.maximumDatabaseBytes, let sql = app.db as? any SQLDatabase {
            let pages = try await sql.raw("PRAGMA page_count").first()?.decode(column: "page_count", as: Int64.self) ?? 0
            let unused = try await sql.raw("PRAGMA freelist_count").first()?.decode(column: "freelist_count", as: Int64.self) ?? 0
            let size = try await sql.raw("PRAGMA page_size").first()?.decode(column: "page_size", as: Int64.self) ?? 4096
            let underCap = max(0, cap - (pages - unused) * size)
            room = room.map { min($0, underCap) } ?? underCap
        }
        return room
    }

    /// Free bytes for an unprivileged process on the disk holding `folder`.
    static func free(at folder: String) -> Int64? {
        var stats = statvfs()
        guard statvfs(folder, &stats) == 0 else { return nil }
        return Int64(stats.f_bavail) * Int64(stats.f_frsize)
    }

    /// "120 Mo", "3,2 Go": for the operators' log and `/healthz`.
    static func describe(_ bytes: Int64) -> String {
        let megabytes = Double(bytes) / 1_048_576
        if megabytes >= 1024 {
            return String(format: "%.1f Go", megabytes / 1024).replacingOccurrences(of: ".", with: ",")
        }
        if megabytes < 1 { return "\(bytes / 1024) Ko" }
        return "\(Int(megabytes.rounded(.down))) Mo"
    }

    /// The start-up warning when the database has little room left.
    static func warnIfLow(_ app: Application) async {
        guard let room = try? await available(app), room < app.settings.minimumFreeBytes else { return }
        let message = "Espace libre faible pour la base : \(describe(room)) (seuil \(describe(app.settings.minimumFreeBytes))). "
            + "Quand il n'y en aura plus, le site ne pourra plus rien enregistrer : libérez de la place ou agrandissez le disque."
        app.logger.warning("\(message)")
    }
}
