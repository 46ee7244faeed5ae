import Fluent
import Foundation

/// Where a member's text in the debate stands (a proposed name, an opinion's text).
enum DebateTextStatus: String, Codable, Sendable {
    case submitted, published, rejected
}

/// A name the council might use instead of « bénéficiaire du RSA ».
final class ProposedName: Model, @unchecked Sendable {
    static let schema = "proposed_names"
    static let maximumNameLength = 60
    static let maximumExplanationLength = 600

    @ID(key: .id) var id: UUID?
    @Field(key: "name") var name: String
    /// The name folded (case, accents, spaces, punctuation): one proposal per name.
    @Field(key: "name_key") var nameKey: String
    @Field(key: "explanation") var explanation: String
    /// Nil for the current name, which nobody proposed.
    @OptionalParent(key: "author_id") var author: Member?
    @Field(key: "anonymous") var anonymous: Bool
    @Enum(key: "status") var status: DebateTextStatus
    @OptionalEnum(key: "moderation_reason") var moderationReason: ModerationReason?
    @OptionalField(key: "personal_data") var personalData: String?
    /// The name used today, always among the candidates of the decision vote.
    @Field(key: "is_current") var isCurrent: Bool
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "published_at") var publishedAt: Date?

    init() {}

    init(name: String, explanation: String, authorID: UUID?, anonymous: Bool, status: DebateTextStatus, at date: Date) {
        self.name = name
        self.nameKey = NameKey.make(name)
        self.explanation = explanation
        self.$author.id = authorID
        self.anonymous = anonymous
        self.status = status
        self.isCurrent = false
        self.createdAt = date
        if status == .published { publishedAt = date }
    }

    var authorName: String {
        if $author.id == nil { return "Le Département (nom actuel)" }
        if anonymous { return "Un membre du conseil" }
        return author?.publicName ?? "Un membre du conseil"
    }
}

enum OpinionStance: String, Codable, CaseIterable, Sendable {
    case pour, contre, partage

    var label: String {
        switch self {
        case .pour: "pour"
        case .contre: "contre"
        case .partage: "partagé"
        }
    }
}

/// One member's opinion on one name: one, which they may change.
final class NameOpinion: Model, @unchecked Sendable {
    static let schema = "name_opinions"
    static let maximumTextLength = 500

    @ID(key: .id) var id: UUID?
    @Parent(key: "name_id") var proposedName: ProposedName
    @Parent(key: "member_id") var member: Member
    @Enum(key: "stance") var stance: OpinionStance
    /// Empty when the member gave a stance only.
    @Field(key: "text") var text: String
    @Field(key: "anonymous") var anonymous: Bool
    /// A stance alone is published at once; a text waits for a moderator.
    @Enum(key: "status") var status: DebateTextStatus
    @OptionalEnum(key: "moderation_reason") var moderationReason: ModerationReason?
    @OptionalField(key: "personal_data") var personalData: String?
    @Field(key: "updated_at") var updatedAt: Date

    init() {}

    var authorName: String { anonymous ? "Un membre du conseil" : member.publicName }
}

/// A period of the feeling question: a poll, stored and counted like any other.
final class NamingRound: Model, @unchecked Sendable {
    static let schema = "naming_rounds"

    @ID(key: .id) var id: UUID?
    @Parent(key: "poll_id") var poll: Poll
    @Field(key: "number") var number: Int
    @Field(key: "created_at") var createdAt: Date

    init() {}

    init(pollID: UUID, number: Int, at date: Date) {
        self.$poll.id = pollID
        self.number = number
        self.createdAt = date
    }
}

/// The majority-judgment vote over the shortlist.
final class NamingDecision: Model, @unchecked Sendable {
    static let schema = "naming_decisions"

    @ID(key: .id) var id: UUID?
    @Parent(key: "poll_id") var poll: Poll
    @Field(key: "created_at") var createdAt: Date

    init() {}

    init(pollID: UUID, at date: Date) {
        self.$poll.id = pollID
        self.createdAt = date
    }
}

/// What the département decides to do with the result, dated.
final class NamingAnswer: Model, @unchecked Sendable {
    static let schema = "naming_answers"
    static let maximumLength = 5000

    @ID(key: .id) var id: UUID?
    @Field(key: "text") var text: String
    @OptionalParent(key: "author_id") var author: Member?
    @Field(key: "published_at") var publishedAt: Date

    init() {}

    init(text: String, authorID: UUID?, at date: Date) {
        self.text = text
        self.$author.id = authorID
        self.publishedAt = date
    }
}

/// One name, one key: case, accents, spaces and punctuation do not make a new name.
enum NameKey {
    static func make(_ name: String) -> String {
        SearchText.fold(name)
            .replacingOccurrences(of: "œ", with: "oe").replacingOccurrences(of: "æ", with: "ae")
            // "R.S.A." is "RSA".
            .replacingOccurrences(of: ".", with: "")
            .components(separatedBy: CharacterSet.alphanumerics.inverted).filter { !$0.isEmpty }.joined(separator: " ")
    }

    /// The word under debate: a name holding it is the current name again, not a new one.
    static func holdsTheCurrentWord(_ name: String) -> Bool {
        make(name).split(separator: " ").contains { $0.hasPrefix("beneficiaire") }
    }
}

struct CreateNamingDebate: AsyncMigration {
    static let currentName = "bénéficiaire du RSA"

    func prepare(on database: any Database) async throws {
        try await database.schema(ProposedName.schema)
            .id()
            .field("name", .string, .required)
            .field("name_key", .string, .required)
            .field("explanation", .string, .required)
            .field("author_id", .uuid, .references(Member.schema, "id"))
            .field("anonymous", .bool, .required)
            .field("status", .string, .required)
            .field("moderation_reason", .string)
            .field("personal_data", .string)
            .field("is_current", .bool, .required)
            .field("created_at", .datetime, .required)
            .field("published_at", .datetime)
            .unique(on: "name_key")
            .create()
        try await database.schema(NameOpinion.schema)
            .id()
            .field("name_id", .uuid, .required, .references(ProposedName.schema, "id", onDelete: .cascade))
            .field("member_id", .uuid, .required, .references(Member.schema, "id"))
            .field("stance", .string, .required)
            .field("text", .string, .required)
            .field("anonymous", .bool, .required)
            .field("status", .string, .required)
            .field("moderation_reason", .string)
            .field("personal_data", .string)
            .field("updated_at", .datetime, .required)
            .unique(on: "name_id", "member_id")
            .create()
        try await database.schema(NamingRound.schema)
            .id()
            .field("poll_id", .uuid, .required, .references(Poll.schema, "id"))
            .field("number", .int, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "poll_id")
            .create()
        try await database.schema(NamingDecision.schema)
            .id()
            .field("poll_id", .uuid, .required, .references(Poll.schema, "id"))
            .field("created_at", .datetime, .required)
            .unique(on: "poll_id")
            .create()
        try await database.schema(NamingAnswer.schema)
            .id()
            .field("text", .string, .required)
            .field("author_id", .uuid, .references(Member.schema, "id"))
            .field("published_at", .datetime, .required)
            .create()
        try await SQLIndexes.create([("proposed_names_status", "proposed_names", "status, created_at"),
                                     ("name_opinions_status", "name_opinions", "status, updated_at")], on: database)
        // The name under debate is the first candidate, proposed by nobody.
        let current = ProposedName(name: Self.currentName,
                                   explanation: "Le nom utilisé aujourd'hui dans les courriers, les formulaires et les textes officiels.",
                                   authorID: nil, anonymous: false, status: .published, at: Date())
        current.isCurrent = true
        try await current.create(on: database)
    }

    func revert(on database: any Database) async throws {
        for schema in [NamingAnswer.schema, NamingDecision.schema, NamingRound.schema, NameOpinion.schema, ProposedName.schema] {
            try await database.schema(schema).delete()
        }
    }
}
