import Fluent
import Plot
import Vapor

/// The public counts of moderation, and the moderators' part of the audit log.
struct TransparencyController {
    func transparency(request: Request) async throws -> HTML {
        TransparencyPage.view(.init(counts: try await TransparencyCounts.load(on: request.db),
                                    head: try await AuditLog.head(on: request.db)), context: request.pageContext)
    }

    /// Decisions on members' texts: who took them, on what, why.
    func journal(request: Request) async throws -> HTML {
        let decisions = AuditAction.moderationActions.map(\.rawValue)
        return try await JournalQueries.journal(AuditEntry.query(on: request.db).filter(\.$action ~~ decisions),
                                                 path: .moderationJournal, title: "Journal de la modération", request: request)
    }
}
