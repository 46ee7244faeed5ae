import Fluent
import Foundation
import Plot

/// "Page 2 sur 7" with links to the previous and next pages and to each
/// page, keeping the other query parameters (filters, search).
enum Pagination {
    /// No list has more pages; a larger number shows the last page.
    static let maximumPage = 100_000

    /// The page number of a query string: 1 when missing, wrong or below 1,
    /// at most `maximumPage` (the offset `(page − 1) × per` must never
    /// overflow), so that a mangled link keeps its filters instead of losing them all.
    static func number(_ raw: String?) -> Int {
        min(maximumPage, max(1, raw.flatMap { Int($0.trimmingCharacters(in: .whitespaces).prefix(20)) } ?? 1))
    }

    static func links(path: SiteURL, query: [(String, String)], page: Int, pageCount: Int) -> Node<HTML.BodyContext> {
        guard pageCount > 1 else { return .empty }
        func href(_ target: Int) -> Node<HTML.AnchorContext> {
            .href(path, query: query.filter { $0.0 != "page" } + [("page", String(target))])
        }
        let shown = (1...pageCount).filter { abs($0 - page) <= 2 || $0 == 1 || $0 == pageCount }
        return .nav(
            .class("pagination"), .ariaLabel("Pages"),
            .p(.plain("Page \(page) sur \(pageCount)")),
            .ul(
                .if(page > 1, .li(.a(href(page - 1), .text("Page précédente")))),
                .forEach(shown) { number in
                    .li(number == page
                        ? .span(.attribute(named: "aria-current", value: "page"), .plain(String(number)))
                        : .a(href(number), .ariaLabel("Page \(number)"), .plain(String(number))))
                },
                .if(page < pageCount, .li(.a(href(page + 1), .text("Page suivante"))))
            )
        )
    }
}

extension QueryBuilder {
    /// The page asked for, or the last one when the link points past the end
    /// (an old bookmark, a list that got shorter). A second query runs only then.
    func paginateWithinRange(page: Int, per: Int) async throws -> Page<Model> {
        let page = Swift.min(Pagination.maximumPage, Swift.max(1, page))
        let result = try await copy().paginate(PageRequest(page: page, per: per))
        guard result.items.isEmpty, page > result.metadata.pageCount, result.metadata.pageCount >= 1 else { return result }
        return try await paginate(PageRequest(page: result.metadata.pageCount, per: per))
    }
}
