import Foundation
import NIOConcurrencyHelpers
import Vapor

/// Behind a reverse proxy, without `PORTEVOIX_TRUST_PROXY`, every visitor has
/// the proxy's address: 21 failed sign-ins anywhere would pause sign-in for
/// everyone. The server cannot know it is behind a proxy, but it sees the
/// `X-Forwarded-For` header that proxies add: it then warns once in the log,
/// in `/healthz`, and at every start-up until the setting is fixed.
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
struct ProxyWatchMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let application = request.application
        if !application.settings.trustForwardedFor, request.headers.contains(name: "X-Forwarded-For"),
           application.proxyWatch.record(Date()) {
            application.logger.warning("\(ProxyWatch.warning)")
            // Written once a process, so that the next start-up warns too.
            let now = String(Int(Date().timeIntervalSince1970))
            try? await SiteSettingsStore.setText(SiteSettingsStore.forwardedForSeenName, now, on: application.db)
        }
        return try await next.respond(to: request)
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
