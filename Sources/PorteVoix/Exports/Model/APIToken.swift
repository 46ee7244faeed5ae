import Fluent
import Foundation

/// A personal token for the read API (`/api/v1`), held by a staff member.
/// Only its SHA-256 is kept: the token itself is shown once, at creation.
final class APIToken: Model, @unchecked Sendable {
    static let schema = "api_tokens"

    @ID(key: .id) var id: UUID?
    @Parent(key: "member_id") var member: Member
    /// What the holder calls it ("Tableau de bord insertion").
    @Field(key: "label") var label: String
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "expires_at") var expiresAt: Date
    @OptionalField(key: "revoked_at") var revokedAt: Date?
    /// To the day: enough to see a forgotten token, not a record of use.
    @OptionalField(key: "last_used_on") var lastUsedOn: Date?

    init() {}

    init(memberID: UUID, label: String, tokenHash: String, createdAt: Date, expiresAt: Date) {
        self.$member.id = memberID
        self.label = label
        self.tokenHash = tokenHash
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }

    func isLive(at date: Date) -> Bool { revokedAt == nil && expiresAt > date }
}

struct CreateAPITokens: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(APIToken.schema)
            .id()
            .field("member_id", .uuid, .required, .references(Member.schema, "id", onDelete: .cascade))
            .field("label", .string, .required)
            .field("token_hash", .string, .required)
            .field("created_at", .datetime, .required)
            .field("expires_at", .datetime, .required)
            .field("revoked_at", .datetime)
            .field("last_used_on", .datetime)
            .unique(on: "token_hash")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(APIToken.schema).delete()
    }
}
