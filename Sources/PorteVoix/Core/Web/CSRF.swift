import Vapor

/// A form sent without the token of its session, or with another one.
struct CSRFError: AbortError {
    let reason: String
    var status: HTTPStatus { .forbidden }
}

/// Refuses every unsafe request (POST, PUT, PATCH, DELETE) that does not
/// carry the session's form token, in the `_csrf` field or the
/// `X-CSRF-Token` header. Vapor has no such protection built in.
///
/// It also enforces the body size limit before anything reads the body.
struct CSRFMiddleware: Middleware {
    static let fieldName = "_csrf"
    static let headerName = "X-CSRF-Token"

    let maxBodyBytes: Int

    // Futures, not async: a page read (GET) passes through with no task.
    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        switch request.method {
        case .GET, .HEAD, .OPTIONS:
            return next.respond(to: request)
        default:
            break
        }
        return collectBody(of: request).flatMapThrowing {
            try check(request)
        }.flatMap {
            next.respond(to: request)
        }
    }

    private func check(_ request: Request) throws {
        let sent = request.headers.first(name: Self.headerName)
            ?? (try? request.content.get(String.self, at: Self.fieldName))
        guard let sent else {
            throw CSRFError(reason: "no token")
        }
        let state = try request.webSession
        if let secret = state.record?.csrfSecret {
            guard SecureToken.constantTimeEquals(sent, secret) else { throw CSRFError(reason: "wrong token") }
        } else {
            // A visitor without a session: a signed token bound to their visitor cookie.
            guard let nonce = state.visitorNonce,
                  VisitorToken.verify(sent, nonce: nonce, key: request.application.siteKeys.signing, now: request.now)
            else { throw CSRFError(reason: "wrong visitor token") }
        }
    }

    /// Reads the whole body now (the token is in it), refusing it with 413
    /// as soon as it is known to be too large.
    private func collectBody(of request: Request) -> EventLoopFuture<Void> {
        if let length = request.headers.first(name: .contentLength).flatMap(Int.init), length > maxBodyBytes {
            return request.eventLoop.makeFailedFuture(Abort(.payloadTooLarge))
        }
        if let collected = request.body.data {
            guard collected.readableBytes <= maxBodyBytes else { return request.eventLoop.makeFailedFuture(Abort(.payloadTooLarge)) }
            return request.eventLoop.makeSucceededVoidFuture()
        }
        return request.body.collect(max: maxBodyBytes).map { _ in }
    }
}

import Plot

extension Node where Context: HTML.BodyContext {
    /// The hidden field every form carries: `.form(.csrfField(token), …)`.
    public static func csrfField(_ token: String) -> Node {
        .input(.type(.hidden), .name(CSRFMiddleware.fieldName), .value(escapeAttribute(token)))
    }
}
