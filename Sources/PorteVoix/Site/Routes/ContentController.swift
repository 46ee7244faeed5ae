import Plot
import Vapor

/// Serves `/charte`, `/confidentialite`, `/accessibilite`, `/mentions-legales`, `/aide`.
struct ContentController {
    let store: ContentStore

    func show(_ slug: String, request: Request) throws -> HTML {
        guard var page = try store.page(slug) else {
            request.logger.error("Content/\(slug).md is missing")
            throw Abort(.notFound)
        }
        // The statement's figures come from the audit's data, never typed by hand.
        if slug == SiteURL.ContentSlug.accessibility.rawValue, let audit = store.audit {
            page = ContentPage(slug: page.slug, title: page.title, description: page.description, metadata: page.metadata,
                               html: page.html.replacingOccurrences(of: ConformityStatement.marker, with: ConformityStatement.html(audit)),
                               markdown: page.markdown)
        }
        return ContentPageView.render(page, easy: try? store.easyPage(slug), context: request.pageContext)
    }
}
