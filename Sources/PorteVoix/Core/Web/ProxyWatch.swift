import Foundation
import NIOConcurrencyHelpers
import Vapor

/// Behind a reverse proxy, without `PORTEVOIX_TRUST_PROXY`, every visitor has
/// the proxy's address: 21 failed sign-ins anywhere would pause sign-in for
/// everyone. The server cannot know it is behind a proxy, but it sees the
/// `X-Forwarded-For` header that proxies add, from a peer on the same machine
/// or the local network (where proxies live; from the internet, the header
/// is only something a client chose to send): it then warns once in the
/// log, in `/healthz`, and at every start-up until the setting is fixed.
final class ProxyWatch: Sendable {
    private let seenAt = NIOLockedValueBox<Date?>(nil)

    static let warning = "Des requêtes arrivent avec l'en-tête X-Forwarded-For, mais PORTEVOIX_TRUST_PROXY n'est pas activé : "
        + "tous les visiteurs semblent venir de la même adresse, et quelques mots de passe faux suffiraient à suspendre "
        + "les connexions de tout le monde. Si le site est derrière un serveur mandataire, réglez PORTEVOIX_TRUST_PROXY=oui."

    var seen: Date? { seenAt.withLockedValue { $0 } }

    /// True the first time only.
    func record(_ date: Date) -> Bool {
        seenAt.withLockedValue { seen in
            guard seen == nil else { return false }
            seen = date
            return true
        }
    }

    /// Loopback and private addresses (or none known): where a reverse proxy
    /// talks to the server from.
    static func couldBeAProxy(_ peer: String?) -> Bool {
        guard var address = peer?.lowercased() else { return true }
        if address.hasPrefix("::ffff:") { address.removeFirst(7) }
        if address == "::1" || address.hasPrefix("fc") || address.hasPrefix("fd") { return true }
        let parts = address.split(separator: ".").compactMap { Int($0) }
        guard parts.count == 4 else { return false }
        switch (parts[0], parts[1]) {
        case (127, _), (10, _), (192, 168): return true
        case (172, 16...31): return true
        case (100, 64...127): return true  // carrier-grade NAT, some container networks
        default: return false
        }
    }

    /// At start-up: what earlier runs saw is remembered in the database.
    static func start(_ app: Application) async throws {
        if app.settings.trustForwardedFor {
            try await SiteSettingsStore.setText(SiteSettingsStore.forwardedForSeenName, nil, on: app.db)
            return
        }
        if let stored = try await SiteSettingsStore.text(SiteSettingsStore.forwardedForSeenName, on: app.db),
           let seconds = Double(stored) {
            _ = app.proxyWatch.record(Date(timeIntervalSince1970: seconds))
            app.logger.warning("\(warning)")
        }
    }
}

/// Notices the first `X-Forwarded-For` that arrives while it is not trusted.
struct ProxyWatchMiddleware: Middleware {
    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        let application = request.application
        guard !application.settings.trustForwardedFor, request.headers.contains(name: "X-Forwarded-For"),
              ProxyWatch.couldBeAProxy(request.remoteAddress?.ipAddress), application.proxyWatch.record(request.now)
        else { return next.respond(to: request) }
        application.logger.warning("\(ProxyWatch.warning)")
        // Written once a process, so that the next start-up warns too.
        let now = String(Int(request.now.timeIntervalSince1970))
        return request.eventLoop.makeFutureWithTask {
            try? await SiteSettingsStore.setText(SiteSettingsStore.forwardedForSeenName, now, on: application.db)
        }.flatMap { next.respond(to: request) }
    }
}

extension Application {
    private struct ProxyWatchKey: StorageKey { typealias Value = ProxyWatch }

    var proxyWatch: ProxyWatch {
        get {
            guard let watch = storage[ProxyWatchKey.self] else {
                fatalError("configure(_:settings:) makes the proxy watch before any use")
            }
            return watch
        }
        set { storage[ProxyWatchKey.self] = newValue }
    }
}
