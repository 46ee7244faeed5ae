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
        let result = try await AuditEntry.query(on: request.db).with(\.$actor)
            .sort(\.$createdAt, .descending)
            .paginateWithinRange(page: Pagination.number(request.query[String.self, at: "page"]), per: AccountLimits.journalPage)
        return AdminPages.journal(
            entries: result.items.map {
                .init(createdAt: $0.createdAt, actorName: $0.actor?.publicName ?? "Le serveur", summary: $0.summary)
            },
            page: result.metadata.page, pageCount: result.metadata.pageCount, context: request.pageContext
        )
    }
}
