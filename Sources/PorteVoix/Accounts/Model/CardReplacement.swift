import Fluent
import Foundation
import SQLKit
import Vapor

/// A replacement card asked for a member who lost their password
/// (design/security.md): the account's only way back in, and so a way to
/// take it over. Accounts with any role beyond member are replaced by an
/// administrator only; a member's needs a second person to confirm (four
/// eyes). Issuing one ends the account's password and sessions.
final class CardReplacement: Model, @unchecked Sendable {
    static let schema = "card_replacements"

    @ID(key: .id) var id: UUID?
    @Parent(key: "member_id") var member: Member
    @OptionalParent(key: "requested_by") var requestedBy: Member?
    /// The requester's roles when they asked, for the member to read later.
    @Field(key: "requested_by_roles") var requestedByRoles: String
    @Field(key: "requested_at") var requestedAt: Date
    @OptionalParent(key: "confirmed_by") var confirmedBy: Member?
    @OptionalField(key: "confirmed_by_roles") var confirmedByRoles: String?
    /// When a second person confirmed the request.
    @OptionalField(key: "confirmed_at") var confirmedAt: Date?
    /// When the requester printed the card: the old password stopped working then.
    @OptionalField(key: "printed_at") var printedAt: Date?

    init() {}

    init(memberID: UUID, requester: Member, now: Date) {
        self.$member.id = memberID
        self.$requestedBy.id = requester.id
        self.requestedByRoles = Self.roles(of: requester)
        self.requestedAt = now
    }

    static func roles(of member: Member) -> String {
        member.roles.filter { $0 != .participant }.map(\.rawValue).sorted().joined(separator: ",")
    }

    /// "une animatrice ou un animateur", for the member's own page.
    static func who(_ roles: String?) -> String {
        let roles = Set((roles ?? "").split(separator: ",").compactMap { Role(rawValue: String($0)) })
        if roles.contains(.admin) { return "une administratrice ou un administrateur" }
        if roles.contains(.facilitator) { return "une animatrice ou un animateur" }
        return "l'équipe du conseil"
    }
}

struct CreateCardReplacements: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(CardReplacement.schema)
            .id()
            .field("member_id", .uuid, .required, .references(Member.schema, "id"))
            .field("requested_by", .uuid, .references(Member.schema, "id"))
            .field("requested_by_roles", .string, .required)
            .field("requested_at", .datetime, .required)
            .field("confirmed_by", .uuid, .references(Member.schema, "id"))
            .field("confirmed_by_roles", .string)
            .field("confirmed_at", .datetime)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(CardReplacement.schema).delete()
    }
}
