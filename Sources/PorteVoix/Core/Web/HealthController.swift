import Fluent
import SQLKit
import Vapor

/// `/healthz`, for operators' monitoring and load balancers. The first line
/// is the state: « ok », « dégradé » (200: this instance serves, but
/// something needs a person: low disk space, a busy database, a refused
/// write, a broken journal chain, a configuration warning), or
/// « base de données injoignable » (503: this instance cannot serve). Each
/// reason follows on its own line, by name, never with data.
struct HealthController {
    func check(request: Request) async -> Response {
        var headers = HTTPHeaders()
        headers.contentType = .plainText
        headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        let app = request.application
        let watch = app.storageWatch
        let now = request.now
        do {
            try await request.db.sql.raw("SELECT 1").run()
        } catch {
            request.logger.error("Contrôle de santé : la base ne répond pas : \(DatabaseFault.logName(error))")
            return Response(status: .serviceUnavailable, headers: headers, body: "base de données injoignable\n")
        }
        var reasons: [String] = []
        if let busy = await probeBusy(request) {
            watch.probed(busy: busy, at: now)
        }
        if let since = watch.busySince, now.timeIntervalSince(since) >= StorageWatch.busyWarningSeconds {
            reasons.append("base de données occupée depuis \(Int(now.timeIntervalSince(since))) s : les écritures attendent")
        }
        if let fault = watch.lastFault {
            reasons.append("dernière écriture refusée il y a \(Int(now.timeIntervalSince(fault.at))) s : \(fault.fault.rawValue)")
        }
        do {
            if let room = try await DiskSpace.available(app), room < app.settings.minimumFreeBytes {
                reasons.append("espace libre faible pour la base : \(DiskSpace.describe(room)) (seuil \(DiskSpace.describe(app.settings.minimumFreeBytes)))")
            }
        } catch {
            reasons.append("espace libre inconnu : \(DatabaseFault.shortName(error))")
        }
        do {
            if let broken = try await watch.checkChain(on: request.db) {
                reasons.append("journal des actions invérifiable : \(broken)")
            }
        } catch {
            reasons.append("journal des actions invérifiable : \(DatabaseFault.shortName(error))")
        }
        if app.proxyWatch.seen != nil {
            reasons.append("attention : " + ProxyWatch.warning)
        }
        let body = reasons.isEmpty ? "ok\n" : "dégradé\n" + reasons.map { "- \($0)\n" }.joined()
        return Response(status: .ok, headers: headers, body: .init(string: body))
    }

    /// SQLite: whether another process or connection holds the write lock
    /// right now (asked without waiting); nil on PostgreSQL, where waits show
    /// as faults in requests.
    private func probeBusy(_ request: Request) async -> Bool? {
        guard case .sqlite = request.application.settings.database else { return nil }
        // Half a second: a room's votes hold the lock for milliseconds, not this long.
        return try? await DatabaseSetup.withSQLiteBusyTimeout(500, on: request.db) { sql -> Bool in
            do {
                try await sql.raw("BEGIN IMMEDIATE").run()
            } catch {
                return DatabaseFault(error) == .busy
            }
            if (try? await sql.raw("ROLLBACK").run()) == nil {
                // Never leave a pooled connection inside a transaction.
                _ = try? await sql.raw("ROLLBACK").run()
            }
            return false
        }
    }
}
