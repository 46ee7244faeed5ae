import Fluent
import Plot
import Vapor

/// A message in a member's inbox: what happened to their proposals and
/// comments. No e-mail is ever sent.
final class MemberNotification: Model, @unchecked Sendable {
    static let schema = "notifications"

    @ID(key: .id) var id: UUID?
    @Parent(key: "member_id") var member: Member
    @Field(key: "message") var message: String
    /// A path on this site.
    @Field(key: "link") var link: String
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "read_at") var readAt: Date?

    init() {}

    init(memberID: UUID, message: String, link: String, at date: Date) {
        self.$member.id = memberID
        self.message = message
        self.link = link
        self.createdAt = date
    }
}

struct CreateNotifications: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(MemberNotification.schema)
            .id()
            .field("member_id", .uuid, .required, .references(Member.schema, "id", onDelete: .cascade))
            .field("message", .string, .required)
            .field("link", .string, .required)
            .field("created_at", .datetime, .required)
            .field("read_at", .datetime)
            .create()
        try await SQLIndexes.create([("notifications_member", "notifications", "member_id, read_at, created_at")], on: database)
    }

    func revert(on database: any Database) async throws {
        try await database.schema(MemberNotification.schema).delete()
    }
}
