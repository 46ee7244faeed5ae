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

/// Activation codes: 16 characters in four groups, from an alphabet without
/// characters that look alike (no 0/O, 1/I/L), read aloud easily.
enum ActivationCode {
    /// 31 symbols: digits 2–9 and letters without I, L, O.
    static let alphabet = Array("23456789ABCDEFGHJKMNPQRSTUVWXYZ")
    static let length = 16
    static let groupLength = 4

    /// log2(31) × 16 ≈ 79 bits from the system's CSPRNG; the first group is
    /// stored in clear to find the card, so ≈ 59 bits stay behind Bcrypt.
    static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        return String((0..<length).map { _ in alphabet.randomElement(using: &generator)! })
    }

    static func entropyBits() -> Double {
        Double(length) * log2(Double(alphabet.count))
    }

    /// "K7QF2M9XABCDEFGH" → "K7QF-2M9X-ABCD-EFGH" (for print; dashes read well aloud).
    static func grouped(_ code: String) -> String {
        stride(from: 0, to: code.count, by: groupLength).map { start in
            let from = code.index(code.startIndex, offsetBy: start)
            let to = code.index(from, offsetBy: min(groupLength, code.count - start))
            return String(code[from..<to])
        }.joined(separator: " ")
    }

    /// What a person typed, as a code: spaces, dashes and lower case accepted.
    /// Nil when it cannot be a code.
    static func normalize(_ typed: String) -> String? {
        let cleaned = typed.uppercased().filter { !$0.isWhitespace && $0 != "-" && $0 != "." && $0 != "_" }
        guard cleaned.count == length, cleaned.allSatisfy({ alphabet.contains($0) }) else { return nil }
        return cleaned
    }

    static func lookup(of code: String) -> String {
        String(code.prefix(groupLength))
    }
}
