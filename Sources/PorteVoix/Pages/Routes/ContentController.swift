import Plot
import Vapor

/// Serves `/charte`, `/confidentialite`, `/accessibilite`, `/mentions-legales`, `/aide`.
struct ContentController: RouteCollection {
    let store: ContentStore

    func boot(routes: any RoutesBuilder) throws {
        for slug in ContentStore.slugs {
            routes.get(PathComponent(stringLiteral: slug)) { request async throws -> HTML in
                guard let page = try store.page(slug) else {
                    request.logger.error("Content/\(slug).md is missing")
                    throw Abort(.notFound)
                }
                return ContentPageView.render(page, context: request.pageContext)
            }
        }
    }
}
