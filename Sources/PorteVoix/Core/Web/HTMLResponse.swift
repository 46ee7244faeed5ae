import Plot
import Vapor

extension HTML: @retroactive AsyncResponseEncodable {
    public func encodeResponse(for request: Request) async throws -> Response {
        response(status: .ok)
    }
}

extension HTML {
    /// The page as a response with the given status: error pages, and forms
    /// sent back with their errors (422).
    public func response(status: HTTPStatus) -> Response {
        var headers = HTTPHeaders()
        headers.contentType = .html
        // Pages can carry a form token or a member's own data: never in a
        // shared cache. `no-cache` (not `no-store`) lets the Back button bring
        // a form back with what the person had typed.
        headers.replaceOrAdd(name: .cacheControl, value: "private, no-cache")
        return Response(status: status, headers: headers, body: .init(string: render()))
    }
}

extension Response {
    /// For pages that hold a secret shown once (key shares, typed shares):
    /// not even the browser keeps a copy.
    func noStore() -> Response {
        headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return self
    }

    /// Tells browsers and scripts when to come back (a 429 or 503).
    func retryAfter(_ seconds: Int) -> Response {
        headers.replaceOrAdd(name: "Retry-After", value: String(seconds))
        return self
    }
}
