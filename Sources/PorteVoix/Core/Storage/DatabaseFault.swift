import FluentPostgresDriver
import NIOCore
import NIOPosix
import OpenAPIRuntime
import SQLiteNIO
import Vapor

/// Why the database could not do what a request asked, read from the
/// database's own error codes. A fault is the site's condition, never the
/// person's mistake: it is answered with a 503, the typed text kept, and
/// logged by name (never with the statement or its values).
enum DatabaseFault: String, Sendable, CaseIterable {
    /// No room left: the disk (SQLITE_FULL, PostgreSQL 53100) or the database's size cap.
    case diskFull = "disque plein"
    /// Another writer holds the lock longer than the site waits (SQLITE_BUSY, LOCKED; PostgreSQL lock timeouts, too many connections).
    case busy = "base occupée"
    /// The transaction lost a race the database detected (PostgreSQL 40001, 40P01): nothing was written, it can run again.
    case conflict = "conflit de transactions"
    /// The disk answered with an error (SQLITE_IOERR, PostgreSQL 58030).
    case ioError = "erreur d'entrée-sortie du disque"
    /// The database refuses writes (SQLITE_READONLY, a PostgreSQL standby).
    case readOnly = "base en lecture seule"
    /// No connection could be made: nothing was sent (connection refused, 57P03, no connection in time).
    case unreachable = "base de données injoignable"
    /// The connection broke while the request was using it (57P01, 57P02, closed by the server):
    /// a commit in flight may or may not have happened.
    case connectionLost = "connexion à la base perdue"

    /// The fault behind `error`, if it is one; nil for every other error
    /// (a constraint, a bug), which keeps the generic 500.
    init?(_ error: any Error) {
        if error is BallotBox.OutcomeUnknown {
            self = .connectionLost
        } else if let server = error as? ServerError {
            // The read API's generated server wraps what its handlers throw.
            guard let fault = DatabaseFault(server.underlyingError) else { return nil }
            self = fault
        } else if let sqlite = error as? SQLiteError {
            guard let fault = Self.sqlite(sqlite.reason) else { return nil }
            self = fault
        } else if let postgres = error as? PSQLError {
            guard let fault = Self.postgres(postgres) else { return nil }
            self = fault
        } else if error is ConnectionPoolTimeoutError || error is NIOConnectionError {
            self = .unreachable
        } else if let pool = error as? ConnectionPoolError, case .shutdown = pool {
            self = .unreachable
        } else if let channel = error as? ChannelError {
            switch channel {
            case .connectTimeout: self = .unreachable
            case .ioOnClosedChannel, .alreadyClosed, .eof, .outputClosed: self = .connectionLost
            default: return nil
            }
        } else if let io = error as? IOError, [ECONNREFUSED, ECONNRESET, EPIPE, EHOSTUNREACH, ENETUNREACH].contains(io.errnoCode) {
            self = io.errnoCode == ECONNRESET || io.errnoCode == EPIPE ? .connectionLost : .unreachable
        } else {
            return nil
        }
    }

    /// The name the log shows, with the code it was read from.
    static func logName(_ error: any Error) -> String {
        guard let fault = DatabaseFault(error) else { return SafeErrorDescription.of(error) }
        return "\(fault.rawValue) [\(code(of: error))]"
    }

    /// For a public page (`/healthz`): the fault's name, or only the error's type.
    static func shortName(_ error: any Error) -> String {
        DatabaseFault(error)?.rawValue ?? String(describing: type(of: error))
    }

    /// The database's own code for `error`: "SQLITE_FULL", "sqlState=53100", "connectionError".
    static func code(of error: any Error) -> String {
        if let sqlite = error as? SQLiteError { return "SQLite \(sqlite.reason)" }
        if let postgres = error as? PSQLError {
            return "PostgreSQL \(postgres.code.description) sqlState=\(postgres.serverInfo?[.sqlState] ?? "-")"
        }
        return String(describing: type(of: error))
    }

    /// SQLite's result code (primary or extended).
    static func sqlite(_ reason: SQLiteError.Reason) -> DatabaseFault? {
        switch reason {
        case .full: return .diskFull
        case .busy, .busyTimeout, .busyInRecovery, .busyInSnapshot, .locked, .lockedBySharedCache, .lockedVirtualTable:
            return .busy
        case .readOnly, .readonlyInRecovery, .readonlyCantLock, .readonlyInRollback, .readonlyBackingMoved, .readonlyDirectory:
            return .readOnly
        case .cantOpen, .cantOpenDirectory, .cantOpenInvalidPath, .cantOpenUnfollowedSymlink:
            return .unreachable
        default:
            // The many extended I/O codes (ioErrorFailedWrite, ioErrorFailedSync…).
            return String(describing: reason).hasPrefix("ioError") ? .ioError : nil
        }
    }

    private static func postgres(_ error: PSQLError) -> DatabaseFault? {
        switch error.code {
        case .connectionError:
            // Refused while connecting: nothing was sent. Broken on an open
            // connection (reset mid-query): a commit may have been on its way.
            if let underlying = error.underlying, underlying is NIOConnectionError
                || (underlying as? IOError).map({ [ECONNREFUSED, EHOSTUNREACH, ENETUNREACH].contains($0.errnoCode) }) == true {
                return .unreachable
            }
            return error.underlying == nil ? .unreachable : .connectionLost
        case .poolClosed, .sslUnsupported, .failedToAddSSLHandler:
            return .unreachable
        case .serverClosedConnection, .uncleanShutdown, .clientClosedConnection, .queryCancelled:
            // A cancelled query may still commit on the server.
            return .connectionLost
        case .server:
            return error.serverInfo?[.sqlState].flatMap(postgres(sqlState:))
        default:
            return nil
        }
    }

    /// PostgreSQL's SQLSTATE.
    static func postgres(sqlState state: String) -> DatabaseFault? {
        switch state {
        case "53100": return .diskFull
        case "40001", "40P01": return .conflict
        // lock_not_available, too_many_connections, query_canceled (statement_timeout).
        case "55P03", "53300", "57014": return .busy
        case "57P01", "57P02": return .connectionLost
        case "57P03", "08000", "08001", "08003", "08004", "08006": return .unreachable
        case "25006": return .readOnly
        case "58030": return .ioError
        default: return nil
        }
    }

    /// Whether the same work may simply run again: the database refused it
    /// whole and wrote nothing (a lock held too long, a lost race).
    var isRetryable: Bool { self == .busy || self == .conflict }

    /// Whether a write that met this fault may have been committed all the
    /// same: the connection broke, or the disk failed, during the commit.
    var mayHaveCommitted: Bool { self == .connectionLost || self == .ioError }

    /// Seconds to tell the browser to wait (`Retry-After`).
    var retryAfterSeconds: Int {
        switch self {
        case .busy, .conflict: 10
        case .connectionLost, .unreachable: 30
        case .diskFull, .ioError, .readOnly: 120
        }
    }
}

extension Database {
    /// A transaction that runs again, a few times with a growing pause,
    /// when the database refused it whole (busy, a lost race): such an error
    /// rolls everything back, so nothing runs twice. Any other error, and
    /// above all a broken connection (the commit may have happened), is
    /// thrown at once. `body` must only touch the database it is given.
    func retryingTransaction<T: Sendable>(attempts: Int = 3,
                                          _ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        // Inside a caller's transaction, the caller's own retry (if any) starts it again whole.
        // (On PostgreSQL a database from `withConnection` also says `inTransaction`:
        // never call this inside one, it would run without BEGIN.)
        guard !inTransaction else { return try await transaction(body) }
        return try await DatabaseFault.retrying(attempts: attempts, what: "Transaction", logger: logger) {
            try await self.transaction(body)
        }
    }
}

extension DatabaseFault {
    /// Runs `work` again, a few times with a growing pause (100 ms, 400 ms…),
    /// while the database refuses it whole (busy, a lost race). `work` must
    /// be one transaction that such a refusal rolls back entirely.
    static func retrying<T>(attempts: Int = 3, what: String, logger: Logger,
                            _ work: () async throws -> T) async throws -> T {
        var attempt = 1
        while true {
            do {
                return try await work()
            } catch {
                guard attempt < attempts, let fault = DatabaseFault(error), fault.isRetryable else { throw error }
                logger.notice("\(what) refusée (\(fault.rawValue)), nouvel essai \(attempt + 1) sur \(attempts)")
                try await Task.sleep(for: .milliseconds(100 << (2 * (attempt - 1))))
                attempt += 1
            }
        }
    }
}
