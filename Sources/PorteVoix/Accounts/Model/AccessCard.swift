import Fluent
import Foundation

/// A printed card a facilitator hands to a member in person. Its code
/// creates an account (or, for a member who forgot their password, lets them
/// choose a new one), once, within 60 days.
final class AccessCard: Model, @unchecked Sendable {
    static let schema = "access_cards"
    static let validity: TimeInterval = 60 * 86_400
    static let maximumBatch = 50

    @ID(key: .id) var id: UUID?
    /// The first group of the code, to find the card without trying every hash.
    @Field(key: "lookup") var lookup: String
    /// Bcrypt of the whole code; the code itself is never stored.
    @Field(key: "code_hash") var codeHash: String
    @OptionalParent(key: "territory_id") var territory: Territory?
    /// For a replacement card: the account it gives back. For a new member:
    /// the account it created, once used.
    @OptionalParent(key: "member_id") var member: Member?
    @OptionalParent(key: "created_by_id") var createdBy: Member?
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "expires_at") var expiresAt: Date
    @OptionalField(key: "used_at") var usedAt: Date?
    /// True when the card gives an existing account back.
    @Field(key: "is_replacement") var isReplacement: Bool
    /// Written with `used_at` by the one request that uses the card, so that
    /// two requests racing for it can tell which one won.
    @OptionalField(key: "claim_id") var claimID: UUID?

    init() {}

    init(lookup: String, codeHash: String, territoryID: UUID?, memberID: UUID?, createdByID: UUID?, now: Date) {
        self.lookup = lookup
        self.codeHash = codeHash
        self.$territory.id = territoryID
        self.$member.id = memberID
        self.$createdBy.id = createdByID
        self.createdAt = now
        self.expiresAt = now.addingTimeInterval(Self.validity)
        self.isReplacement = memberID != nil
    }
}

struct CreateAccessCards: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(AccessCard.schema)
            .id()
            .field("lookup", .string, .required)
            .field("code_hash", .string, .required)
            .field("territory_id", .uuid, .references(Territory.schema, "id", onDelete: .setNull))
            .field("member_id", .uuid, .references(Member.schema, "id", onDelete: .cascade))
            .field("created_by_id", .uuid, .references(Member.schema, "id", onDelete: .setNull))
            .field("created_at", .datetime, .required)
            .field("expires_at", .datetime, .required)
            .field("used_at", .datetime)
            .field("is_replacement", .bool, .required)
            .field("claim_id", .uuid)
            .unique(on: "lookup")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(AccessCard.schema).delete()
    }
}
