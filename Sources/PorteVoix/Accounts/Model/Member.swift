import Fluent
import Foundation

/// What a member may do on the platform. A member holds one or more.
public enum Role: String, Codable, CaseIterable, Sendable, Comparable {
    case participant, facilitator, moderator, staff, admin

    /// Who runs the council's work in the room: sessions, polls, cards, paper.
    public static let organisers: Set<Role> = [.facilitator, .admin]

    /// The French name shown in the interface (design/README.md).
    public var label: String {
        switch self {
        case .participant: "membre du conseil"
        case .facilitator: "animateur·rice"
        case .moderator: "modérateur·rice"
        case .staff: "agent du Département"
        case .admin: "administrateur·rice"
        }
    }

    public static func < (lhs: Role, rhs: Role) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

public enum MemberStatus: String, Codable, CaseIterable, Sendable {
    /// The card is activated but the charter not yet accepted.
    case pending
    case active
    /// Cannot sign in; told to contact the facilitator.
    case suspended
    /// Anonymised at the member's request; the row stays for their contributions.
    case deleted

    public var label: String {
        switch self {
        case .pending: "en attente de la charte"
        case .active: "actif"
        case .suspended: "suspendu"
        case .deleted: "supprimé"
        }
    }
}

/// A member of the platform: council members, facilitators, moderators,
/// staff and administrators alike. No real name, e-mail or phone number.
public final class Member: Model, @unchecked Sendable {
    public static let schema = "members"

    @ID(key: .id) public var id: UUID?
    /// Nil once the account is deleted.
    @OptionalField(key: "pseudonym") public var pseudonym: String?
    /// The pseudonym folded for comparison ("Marié" → "marie"); unique.
    @OptionalField(key: "pseudonym_key") var pseudonymKey: String?
    /// Bcrypt; nil once the account is deleted.
    @OptionalField(key: "password_hash") var passwordHash: String?
    @Enum(key: "status") public var status: MemberStatus
    @OptionalParent(key: "territory_id") public var territory: Territory?
    @OptionalField(key: "charter_accepted_at") public var charterAcceptedAt: Date?
    /// When the account first accepted the charter: never moved afterwards
    /// (a replacement card changes nothing). A session's poll admits only
    /// accounts first activated before it opened (design/voting.md, "Insiders").
    @OptionalField(key: "first_activated_at") public var firstActivatedAt: Date?
    @Field(key: "created_at") public var createdAt: Date
    @OptionalField(key: "deleted_at") public var deletedAt: Date?
    @Children(for: \.$member) var roleRows: [MemberRole]

    public init() {}

    init(id: UUID? = nil, pseudonym: Pseudonym, passwordHash: String, status: MemberStatus, territoryID: UUID?, at date: Date) {
        self.id = id
        self.pseudonym = pseudonym.display
        self.pseudonymKey = pseudonym.key
        self.passwordHash = passwordHash
        self.status = status
        self.$territory.id = territoryID
        self.createdAt = date
    }

    /// The roles, when loaded with `.with(\.$roleRows)`.
    public var roles: Set<Role> {
        Set(($roleRows.value ?? []).map(\.role))
    }

    /// Records the charter's acceptance; the first one is kept for good.
    func acceptCharter(at date: Date) {
        charterAcceptedAt = date
        if firstActivatedAt == nil { firstActivatedAt = date }
    }

    /// The name shown beside the member's public contributions.
    public var publicName: String {
        status == .deleted ? "Ancien membre" : (pseudonym ?? "Ancien membre")
    }
}

/// One role of one member.
final class MemberRole: Model, @unchecked Sendable {
    static let schema = "member_roles"

    @ID(key: .id) var id: UUID?
    @Parent(key: "member_id") var member: Member
    @Enum(key: "role") var role: Role

    init() {}

    init(memberID: UUID, role: Role) {
        self.$member.id = memberID
        self.role = role
    }
}

struct CreateTerritoriesAndThemes: AsyncMigration {
    /// A fresh install's lists; the admin renames them to fit the département.
    static let defaultTerritories = ["Territoire Nord", "Territoire Sud", "Territoire Est", "Territoire Ouest", "Agglomération"]
    static let defaultThemes = [
        "Transports et déplacements", "Emploi et formation", "Garde d'enfants", "Santé", "Logement",
        "Accès au numérique", "Démarches et accompagnement", "Budget et vie quotidienne",
    ]

    func prepare(on database: any Database) async throws {
        for schema in [Territory.schema, Theme.schema] {
            try await database.schema(schema)
                .id()
                .field("name", .string, .required)
                .field("position", .int, .required)
                .unique(on: "name")
                .create()
        }
        for (index, name) in Self.defaultTerritories.enumerated() {
            try await Territory(name: name, position: index).create(on: database)
        }
        for (index, name) in Self.defaultThemes.enumerated() {
            try await Theme(name: name, position: index).create(on: database)
        }
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Theme.schema).delete()
        try await database.schema(Territory.schema).delete()
    }
}

struct CreateMembers: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Member.schema)
            .id()
            .field("pseudonym", .string)
            .field("pseudonym_key", .string)
            .field("password_hash", .string)
            .field("status", .string, .required)
            .field("territory_id", .uuid, .references(Territory.schema, "id", onDelete: .setNull))
            .field("charter_accepted_at", .datetime)
            .field("created_at", .datetime, .required)
            .field("deleted_at", .datetime)
            .unique(on: "pseudonym_key")
            .create()
        try await database.schema(MemberRole.schema)
            .id()
            .field("member_id", .uuid, .required, .references(Member.schema, "id", onDelete: .cascade))
            .field("role", .string, .required)
            .unique(on: "member_id", "role")
            .create()
        // Sessions belong to a member once signed in; they end with the account.
        // One column per statement: SQLite adds one column at a time.
        try await database.schema(WebSessionRecord.schema)
            .field("member_id", .uuid, .references(Member.schema, "id", onDelete: .cascade)).update()
        try await database.schema(WebSessionRecord.schema).field("activation_card_id", .uuid).update()
        try await database.schema(WebSessionRecord.schema).field("flash", .string).update()
    }

    func revert(on database: any Database) async throws {
        for field in ["flash", "activation_card_id", "member_id"] {
            try await database.schema(WebSessionRecord.schema).deleteField(.key(.init(stringLiteral: field))).update()
        }
        try await database.schema(MemberRole.schema).delete()
        try await database.schema(Member.schema).delete()
    }
}
