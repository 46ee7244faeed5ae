import Fluent
import Vapor

struct KioskKey: StorageKey { typealias Value = Kiosks.Device }
struct KioskTimedOutKey: StorageKey { typealias Value = Bool }
/// A request that is not the member's action (a recording, a stylesheet):
/// it does not restart the kiosk's time limit, which the page's cover counts from.
struct KioskPassiveKey: StorageKey { typealias Value = Bool }

extension Request {
    /// The kiosk this device is, if a facilitator made it one.
    var kiosk: Kiosks.Device? { storage[KioskKey.self] }
}

/// On a kiosk device: confines it to the kiosk's pages, the sign-in, the
/// activation of a card and its session's polls (anything else leads back
/// to `/borne`), ends a member's session there after `Kiosks.idleLimit`
/// without action, and ends any session that is not the kiosk's own. After
/// the sessions, before the current member is loaded.
struct KioskMiddleware: Middleware {
    let secure: Bool

    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        // Most devices are not kiosks: no task for them.
        if request.sentCookies[Kiosks.cookieName(secure: secure)] == nil, (try? request.webSession)?.record?.kioskID == nil {
            return next.respond(to: request)
        }
        return request.eventLoop.makeFutureWithTask {
            try await respondAtKiosk(to: request, chainingTo: next)
        }
    }

    private func respondAtKiosk(to request: Request, chainingTo next: any Responder) async throws -> Response {
        let session = try request.webSession
        let cookieName = Kiosks.cookieName(secure: secure)
        guard let token = request.sentCookies[cookieName]?.string else {
            // A kiosk's session outside the kiosk (its cookie deleted): over.
            if session.record?.kioskID != nil { try await request.endSession() }
            return try await next.respond(to: request).get()
        }
        guard case .active(let device)? = try await Kiosks.find(token: token, on: request.db) else {
            // Ended (by a facilitator, or with its session): the device is an
            // ordinary browser again, with nobody signed in.
            if session.record != nil { try await request.endSession() }
            let response = KioskPages.closed(context: request.pageContext).response(status: .ok).noStore()
            response.cookies[cookieName] = .expired(secure: secure, sameSite: .strict)
            return response
        }
        request.storage[KioskKey.self] = device
        if request.url.path.hasPrefix("/css/") || request.url.path.hasPrefix("/ecouter/") {
            request.storage[KioskPassiveKey.self] = true
        }
        if let record = session.record {
            let foreign = record.kioskID != device.id
            let idle = request.now.timeIntervalSince(record.lastSeenAt) > Kiosks.idleLimit + Kiosks.grace
            if foreign || idle {
                if record.memberID != nil && !foreign { request.storage[KioskTimedOutKey.self] = true }
                try await request.endSession()
            }
        }
        let path = request.url.path
        var allowed = Kiosks.isKioskPath(path) || path == SiteURL.signIn.path
        if !allowed, let pollID = Kiosks.pollID(in: path) {
            allowed = try await Kiosks.allows(pollID: pollID, kiosk: device, on: request.db)
        }
        guard allowed else { return request.redirect(to: .kiosk(.welcome)) }
        return try await next.respond(to: request).get()
    }
}
