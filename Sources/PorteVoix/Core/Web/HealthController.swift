import Fluent
import SQLKit
import Vapor

/// `/healthz`: 200 when the database answers, 503 otherwise. For operators'
/// monitoring; the only detail is a configuration warning (`ProxyWatch`).
struct HealthController {
    func check(request: Request) async -> Response {
        var headers = HTTPHeaders()
        headers.contentType = .plainText
        headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        do {
            guard let sql = request.db as? any SQLDatabase else {
                throw Abort(.internalServerError, reason: "the database does not speak SQL")
            }
            try await sql.raw("SELECT 1").run()
            var body = "ok\n"
            if request.application.proxyWatch.seen != nil {
                body += "attention : " + ProxyWatch.warning + "\n"
            }
            return Response(status: .ok, headers: headers, body: .init(string: body))
        } catch {
            request.logger.error("Health check: the database does not answer: \(SafeErrorDescription.of(error))")
            return Response(status: .serviceUnavailable, headers: headers, body: "base de données injoignable\n")
        }
    }
}
