import Plot
import Vapor

/// Serves `/charte`, `/confidentialite`, `/accessibilite`, `/mentions-legales`, `/aide`.
struct ContentController {
    let store: ContentStore

    func show(_ slug: String, request: Request) throws -> HTML {
        guard let page = try store.page(slug) else {
            request.logger.error("Content/\(slug).md is missing")
            throw Abort(.notFound)
        }
        return ContentPageView.render(page, easy: try? store.easyPage(slug), context: request.pageContext)
    }
}
