import Fluent
import Foundation

/// What members can report: a published proposal or comment.
enum ReportedKind: String, Codable, Sendable, CaseIterable {
    case proposal, comment

    /// The table that holds this kind of text.
    var table: String {
        switch self {
        case .proposal: Proposal.schema
        case .comment: ProposalComment.schema
        }
    }

    /// The journal's subject for the text `id`.
    func subject(_ id: UUID) -> AuditSubject {
        switch self {
        case .proposal: .proposal(id)
        case .comment: .comment(id)
        }
    }
}

/// One member's report of one published contribution. The author never
/// learns who reported: no page, notification or export names the reporter.
final class ContentReport: Model, @unchecked Sendable {
    static let schema = "content_reports"

    @ID(key: .id) var id: UUID?
    @Enum(key: "content_kind") var kind: ReportedKind
    @Field(key: "content_id") var contentID: UUID
    @Parent(key: "reporter_id") var reporter: Member
    @Enum(key: "reason") var reason: ReportReason
    @Field(key: "comment") var comment: String
    @Field(key: "created_at") var createdAt: Date
    /// When a moderator decided (restored or hid the content).
    @OptionalField(key: "resolved_at") var resolvedAt: Date?

    init() {}

    init(kind: ReportedKind, contentID: UUID, reporterID: UUID, reason: ReportReason, comment: String, at date: Date) {
        self.kind = kind
        self.contentID = contentID
        self.$reporter.id = reporterID
        self.reason = reason
        self.comment = comment
        self.createdAt = date
    }
}

/// Reports, and the hiding of published contributions (after reports, or by a moderator).
struct CreateContentReports: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(ContentReport.schema)
            .id()
            .field("content_kind", .string, .required)
            .field("content_id", .uuid, .required)
            .field("reporter_id", .uuid, .required, .references(Member.schema, "id"))
            .field("reason", .string, .required)
            .field("comment", .string, .required)
            .field("created_at", .datetime, .required)
            .field("resolved_at", .datetime)
            // One report per member and contribution, until a moderator decides.
            .unique(on: "content_kind", "content_id", "reporter_id")
            .create()
        // One column at a time: SQLite adds a single column per statement.
        for table in ["proposals", "proposal_comments"] {
            try await database.schema(table).field("hidden_at", .datetime).update()
            try await database.schema(table).field("hidden_reason", .string).update()
        }
    }

    func revert(on database: any Database) async throws {
        for table in ["proposals", "proposal_comments"] {
            try await database.schema(table).deleteField("hidden_at").update()
            try await database.schema(table).deleteField("hidden_reason").update()
        }
        try await database.schema(ContentReport.schema).delete()
    }
}
