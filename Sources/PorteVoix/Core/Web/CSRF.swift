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
struct CSRFMiddleware: AsyncMiddleware {
    static let fieldName = "_csrf"
    static let headerName = "X-CSRF-Token"

    let maxBodyBytes: Int

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        switch request.method {
        case .GET, .HEAD, .OPTIONS:
            return try await next.respond(to: request)
        default:
            break
        }
        try await collectBody(of: request)

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
        return try await next.respond(to: request)
    }

    /// Reads the whole body now (the token is in it), refusing it with 413
    /// as soon as it is known to be too large.
    private func collectBody(of request: Request) async throws {
        if let length = request.headers.first(name: .contentLength).flatMap(Int.init), length > maxBodyBytes {
            throw Abort(.payloadTooLarge)
        }
        if let collected = request.body.data {
            guard collected.readableBytes <= maxBodyBytes else { throw Abort(.payloadTooLarge) }
            return
        }
        _ = try await request.body.collect(max: maxBodyBytes).get()
    }
}

import Plot

extension Node where Context: HTML.BodyContext {
    /// The hidden field every form carries: `.form(.csrfField(token), …)`.
    public static func csrfField(_ token: String) -> Node {
        .input(.type(.hidden), .name(CSRFMiddleware.fieldName), .value(escapeAttribute(token)))
    }
}
