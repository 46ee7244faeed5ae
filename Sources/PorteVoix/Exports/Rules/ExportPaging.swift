import Fluent
import FluentSQL
import SQLKit
import Foundation

extension ExportDataset {
    /// Keyset paging: reads a page of at most `size` rows after the cursor
    /// (`fetch(cursor, size)`; `nil` is the start), hands it to `body`, moves
    /// the cursor to the page's last row and reads on, until a page comes back
    /// empty. Memory stays flat, and each page costs the same however far in.
    static func forEachPage<Row>(size: Int,
                                 fetch: (UUID?, Int) async throws -> [Row],
                                 cursor: (Row) -> UUID?,
                                 _ body: ([Row]) async throws -> Void) async throws {
        var after: UUID?
        while true {
            let page = try await fetch(after, size)
            guard let last = page.last else { return }
            after = cursor(last)
            try await body(page)
        }
    }
}

extension QueryBuilder {
    /// Rows that come after the row with id `id` in (`column`, id) order.
    /// The database compares its own stored values: a date read back into
    /// Swift and bound again can differ in its last bit, which once returned
    /// the same page forever. A row whose `column` is NULL never follows.
    func after(_ id: UUID?, orderedBy column: String) -> Self {
        guard let id else { return self }
        return filter(.sql(embed: """
            (\(ident: column), "id") > (SELECT \(ident: column), "id" FROM \(ident: Model.schema) WHERE "id" = \(bind: id))
            """))
    }
}
