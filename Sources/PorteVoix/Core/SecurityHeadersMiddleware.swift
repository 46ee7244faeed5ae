import Vapor

/// Adds the security headers of `design/security.md` to every response,
/// error pages and static files included (it is the outermost middleware).
struct SecurityHeadersMiddleware: AsyncMiddleware {
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

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let response = try await next.respond(to: request)
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
        if Self.privatePrefixes.contains(where: { request.url.path.hasPrefix($0) }) {
            response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        }
        return response
    }

    static let privatePrefixes = [SiteURL.myAccount(.show), .myProposals, .activation, .admin(.cards)].map(\.path)
}

/// Logs one line per request: method, path (never the query string, which
/// can carry a one-time token), status and duration. Nothing from the body.
struct RequestLogMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let start = ContinuousClock.now
        do {
            let response = try await next.respond(to: request)
            log(request, status: response.status, since: start)
            return response
        } catch {
            log(request, status: (error as? any AbortError)?.status ?? .internalServerError, since: start)
            throw error
        }
    }

    private func log(_ request: Request, status: HTTPStatus, since start: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - start
        let milliseconds = Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000
        request.logger.info("\(request.method) \(request.url.path) \(status.code) \(String(format: "%.1f", milliseconds)) ms")
    }
}
