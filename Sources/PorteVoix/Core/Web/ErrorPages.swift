import Plot
import FluentKit
import FluentPostgresDriver
import OpenAPIRuntime
import Vapor

/// An error a person can cause, with the French words to show them.
public struct PageError: AbortError, Sendable {
    public let status: HTTPStatus
    public let title: String
    public let message: String

    public init(_ status: HTTPStatus, title: String, message: String) {
        self.status = status
        self.title = title
        self.message = message
    }

    public var reason: String { message }
}

/// Turns every error into a French page (or, under `/api/`, a JSON body).
///
/// It is installed twice: inside the sessions middleware, so error pages
/// keep the session cookie, and outside it, for the rare failure of the
/// session store itself.
struct ErrorPageMiddleware: Middleware {
    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        next.respond(to: request).flatMapError { error in
            // A fault before the form was read (the session store down): read
            // it now, so that the page can give the typed text back.
            guard DatabaseFault(error) != nil, request.method == .POST, request.body.data == nil else {
                return request.eventLoop.makeSucceededFuture(ErrorPage.response(for: error, request: request))
            }
            return request.body.collect(max: request.application.settings.maxBodyBytes)
                .map { _ in ErrorPage.response(for: error, request: request) }
                .flatMapErrorThrowing { _ in ErrorPage.response(for: error, request: request) }
        }
    }
}

enum ErrorPage {
    struct Model: Equatable {
        var status: HTTPStatus
        var title: String
        var paragraphs: [String]
        /// Shown in development only: what went wrong, for the developer.
        var detail: String?
        /// What the person typed, kept for them when the database could not save it.
        var kept: [KeptText] = []
        /// Where to go next, before the usual links (a ballot's poll).
        var link: Link?
    }

    struct KeptText: Equatable {
        var label: String
        var value: String
    }

    struct Link: Equatable {
        var url: SiteURL
        var label: String
    }

    static func response(for error: any Error, request: Request) -> Response {
        if let fault = DatabaseFault(error) {
            request.noteFault(fault, error)
            let model = FaultPages.model(fault, request: request)
            let response = request.url.path.hasPrefix("/api/") ? apiResponse(model)
                : view(model, context: request.pageContext).response(status: model.status).noStore()
            return response.retryAfter(fault.retryAfterSeconds)
        }
        let model = model(for: error, showDetails: request.application.settings.showErrorDetails)
        if model.status.code >= 500 {
            // The type and description only: never the request body.
            request.logger.error("\(request.method) \(request.url.path) failed: \(SafeErrorDescription.of(error))")
        }
        if request.url.path.hasPrefix("/api/") {
            return apiResponse(model)
        }
        var headers = HTTPHeaders()
        if let abort = error as? any AbortError {
            headers = abort.headers
        }
        let response = view(model, context: request.pageContext).response(status: model.status)
        for (name, value) in headers where name.lowercased() != "content-type" {
            response.headers.replaceOrAdd(name: name, value: value)
        }
        return response
    }

    static func model(for error: any Error, showDetails: Bool) -> Model {
        // The generated API server wraps what it throws: a handler's own error, or a request it could not read (400).
        if let server = error as? ServerError {
            if server.underlyingError is any AbortError {
                return model(for: server.underlyingError, showDetails: showDetails)
            }
            let status = HTTPStatus(statusCode: server.httpStatus.code)
            return model(for: Abort(status), showDetails: showDetails)
        }
        if let csrf = error as? CSRFError {
            return Model(
                status: .forbidden,
                title: "Ce formulaire a expiré",
                paragraphs: [
                    "Pour votre sécurité, ce que vous avez envoyé n'a pas été enregistré. "
                        + "Cela arrive quand une page reste ouverte longtemps, ou après une déconnexion.",
                    "Revenez à la page précédente avec le bouton « Retour » de votre navigateur : "
                        + "ce que vous aviez écrit y est souvent encore. Rechargez la page, puis envoyez à nouveau.",
                ],
                detail: showDetails ? csrf.reason : nil
            )
        }
        if let page = error as? PageError {
            return Model(status: page.status, title: page.title, paragraphs: [page.message], detail: nil)
        }
        let status = (error as? any AbortError)?.status ?? .internalServerError
        // A developer wants the cause of a malformed request or a failure,
        // not of a wrong address or a refusal.
        let detail = showDetails && (status.code >= 500 || status == .badRequest) ? SafeErrorDescription.of(error) : nil
        switch status.code {
        case 400, 422:
            return Model(
                status: status, title: "Nous n'avons pas compris la demande",
                paragraphs: [
                    "Ce qui a été envoyé n'a pas la forme attendue. Cela peut venir d'un lien incomplet.",
                    "Revenez en arrière et réessayez. Si cela recommence, parlez-en à l'animatrice ou l'animateur du conseil.",
                ],
                detail: detail
            )
        case 401:
            return Model(
                status: status, title: "Connectez-vous pour voir cette page",
                paragraphs: ["Cette page est réservée aux membres du conseil connectés."],
                detail: detail
            )
        case 403:
            return Model(
                status: status, title: "Cette page ne vous est pas ouverte",
                paragraphs: [
                    "Votre compte n'a pas accès à cette page. Si vous pensez que c'est une erreur, "
                        + "parlez-en à l'animatrice ou l'animateur du conseil.",
                ],
                detail: detail
            )
        case 404, 405:
            return Model(
                status: .notFound, title: "Cette page n'existe pas",
                paragraphs: [
                    "L'adresse est peut-être mal écrite, ou la page a été retirée.",
                    "Vérifiez l'adresse, ou repartez de la page d'accueil.",
                ],
                detail: detail
            )
        case 409:
            return Model(
                status: status, title: "Ce n'est plus possible",
                paragraphs: [
                    "Les choses ont changé entre-temps : quelqu'un d'autre a peut-être agi au même moment.",
                    "Rechargez la page pour voir où elles en sont. Rien n'a été perdu.",
                ],
                detail: detail
            )
        case 413:
            return Model(
                status: status, title: "Ce que vous avez envoyé est trop long",
                paragraphs: [
                    "Le texte ou le fichier dépasse la taille que le site accepte, il n'a pas été enregistré.",
                    "Revenez en arrière, raccourcissez le texte, puis envoyez à nouveau.",
                ],
                detail: detail
            )
        case 429:
            return Model(
                status: status, title: "Trop d'essais d'un coup",
                paragraphs: ["Attendez quelques minutes avant de réessayer."],
                detail: detail
            )
        case 503:
            return Model(
                status: status, title: "Le site est momentanément indisponible",
                paragraphs: ["Réessayez dans quelques minutes. Rien de ce que vous aviez enregistré n'est perdu."],
                detail: detail
            )
        case 400..<500:
            // A refusal the cases above do not name: still the person's request, never a 500.
            return Model(
                status: status, title: "Nous ne pouvons pas faire cela",
                paragraphs: [
                    "Le site n'a pas pu donner suite à cette demande.",
                    "Revenez en arrière et réessayez. Si cela recommence, parlez-en à l'animatrice ou l'animateur du conseil.",
                ],
                detail: detail
            )
        default:
            return Model(
                status: status.code >= 500 ? status : .internalServerError,
                title: "Une erreur s'est produite de notre côté",
                paragraphs: [
                    "Ce n'est pas de votre faute. L'équipe technique est prévenue.",
                    "Réessayez dans quelques minutes. Si cela recommence, parlez-en à l'animatrice ou l'animateur du conseil.",
                ],
                detail: detail
            )
        }
    }

    static func view(_ model: Model, context: PageContext) -> HTML {
        Layout.page(
            context,
            title: model.title,
            content: .div(
                .class("page-erreur"),
                .h1(.plain(model.title)),
                .forEach(model.paragraphs) { .p(.plain($0)) },
                FaultPages.keptNode(model.kept),
                .unwrap(model.detail) { .pre(.class("detail-technique"), .plain($0)) },
                .ul(
                    .class("liens-secours"),
                    .unwrap(model.link) { .li(.a(.href($0.url), .plain($0.label))) },
                    .li(.a(.href(.home), .text("Retour à l'accueil"))),
                    .li(.a(.href(.content(.help)), .text("Lire l'aide")))
                )
            )
        )
    }

    /// An error under `/api/`: `application/problem+json` (RFC 9457), in French like the site.
    static func apiResponse(_ model: Model) -> Response {
        struct Problem: Encodable {
            let type: String
            let title: String
            let status: UInt
            let detail: String?
        }
        let body = Problem(type: "about:blank", title: model.title, status: model.status.code, detail: model.paragraphs.first)
        let response = Response(status: model.status)
        try? response.content.encode(body, as: .json)
        response.headers.replaceOrAdd(name: .contentType, value: "application/problem+json; charset=utf-8")
        if model.status == .unauthorized {
            response.headers.replaceOrAdd(name: .wwwAuthenticate, value: "Bearer realm=\"PorteVoix\"")
        }
        return response
    }
}

/// What a log line or a development error page may say of an error. A
/// database error can carry the statement and its bound values (a
/// PostgreSQL error reflected in full does): only its kind and code are kept.
public enum SafeErrorDescription {
    public static func of(_ error: any Error) -> String {
        // The generated API server's wrapper describes the whole request, headers (the bearer token, cookies) included.
        if let server = error as? ServerError {
            return "ServerError \(server.operationID) \(server.httpStatus.code): " + of(server.underlyingError)
        }
        if let postgres = error as? PSQLError {
            return "PSQLError \(postgres.code.description) sqlState=\(postgres.serverInfo?[.sqlState] ?? "-")"
        }
        if error is any DatabaseError {
            return "\(type(of: error)) (détail masqué : une erreur de base de données peut contenir des valeurs)"
        }
        return String(reflecting: error)
    }
}
