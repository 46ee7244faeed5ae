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
        try await JournalQueries.journal(AuditEntry.query(on: request.db), path: .admin(.journal),
                                          title: "Journal des actions", request: request)
    }
}
