import Fluent
import Plot
import Vapor

/// `/admin`: the dashboard (facilitators see the access cards only) and the audit log.
struct AdminController {
    func dashboard(request: Request) async throws -> HTML {
        let member = try request.requireMember()
        return AdminPages.dashboard(isAdmin: member.roles.contains(.admin), context: request.pageContext)
    }

    // MARK: Audit log

    func journal(request: Request) async throws -> HTML {
        try await AdminController.journal(AuditEntry.query(on: request.db), path: .admin(.journal),
                                          title: "Journal des actions", request: request)
    }

    /// A page of the log, newest first, with names looked up now and the chain's head.
    static func journal(_ query: QueryBuilder<AuditEntry>, path: SiteURL, title: String, request: Request) async throws -> HTML {
        let result = try await query.sort(\.$sequence, .descending)
            .paginateWithinRange(page: Pagination.number(request.query[String.self, at: "page"]), per: AccountLimits.journalPage)
        let names = try await AuditNames.load(for: result.items, on: request.db)
        let head = try await AuditLog.head(on: request.db)
        return AdminPages.journal(
            entries: result.items.map {
                .init(sequence: $0.sequence, createdAt: $0.createdAt, actorName: names.actor($0),
                      summary: AuditSentence.describe($0, names: names))
            },
            title: title, path: path, head: head,
            page: result.metadata.page, pageCount: result.metadata.pageCount, context: request.pageContext
        )
    }
}
