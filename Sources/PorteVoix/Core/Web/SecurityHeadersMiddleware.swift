import Vapor

/// Adds the security headers of `design/security.md` to every response,
/// error pages and static files included (it is the outermost middleware).
// The outer middlewares use futures, not async: each async one costs a task
// per request, a fifth of a page served from memory.
struct SecurityHeadersMiddleware: Middleware {
    /// No inline script or style anywhere: the stylesheet and any script live in `Public/`.
    static let contentSecurityPolicy = [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    ].joined(separator: "; ")

    let strictTransportSecurity: Bool

    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        next.respond(to: request).map { response in self.secure(response, for: request) }
    }

    private func secure(_ response: Response, for request: Request) -> Response {
        let headers = [
            ("Content-Security-Policy", Self.contentSecurityPolicy),
            ("X-Content-Type-Options", "nosniff"),
            ("Referrer-Policy", "same-origin"),
            ("X-Frame-Options", "DENY"),
            ("Cross-Origin-Opener-Policy", "same-origin"),
            ("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()"),
        ]
        for (name, value) in headers {
            response.headers.replaceOrAdd(name: name, value: value)
        }
        if strictTransportSecurity {
            response.headers.replaceOrAdd(name: "Strict-Transport-Security", value: "max-age=31536000")
        }
        // Pages of a member's own data and choices: not even the browser keeps a copy.
        // And nothing a kiosk shows is kept: the next member uses the same browser.
        if request.kiosk != nil || request.sentCookies[Kiosks.cookieName(secure: true)] != nil
            || request.sentCookies[Kiosks.cookieName(secure: false)] != nil || Self.privatePrefixes.contains(where: { request.url.path.hasPrefix($0) }) {
            response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        }
        return response
    }

    static let privatePrefixes = [SiteURL.myAccount(.show), .myProposals, .activation, .admin(.cards)].map(\.path)
}

/// Logs one line per request: method, path (never the query string, which
/// can carry a one-time token), status and duration. Nothing from the body.
struct RequestLogMiddleware: Middleware {
    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        let start = ContinuousClock.now
        return next.respond(to: request).always { result in
            switch result {
            case .success(let response):
                log(request, status: response.status, since: start)
                // A member's (or a sign-in's) form answered by a redirect was saved:
                // earlier faults are over. An anonymous post writes nothing.
                if request.method == .POST, response.status == .seeOther || response.status == .found,
                   (try? request.webSession.record) != nil {
                    request.application.storageWatch.wrote()
                }
            case .failure(let error): log(request, status: (error as? any AbortError)?.status ?? .internalServerError, since: start)
            }
        }
    }

    private func log(_ request: Request, status: HTTPStatus, since start: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - start
        let milliseconds = Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000
        request.logger.info("\(request.method) \(request.url.path) \(status.code) \(String(format: "%.1f", milliseconds)) ms")
    }
}
