import Fluent
import SQLKit
import Foundation

/// Where a proposal is on its way from a member's idea to the département's
/// answer (design/README.md, "Proposal lifecycle").
public enum ProposalStatus: String, Codable, CaseIterable, Sendable {
    case submitted, published, rejected, withdrawn, scheduled, adopted
    /// A moderator asked its author to change it: back to the queue once they have.
    case changesRequested = "changes_requested"
    case notAdopted = "not_adopted"
    case forwarded, answered
    case inProgress = "in_progress"
    case done, declined

    /// The words shown with the badge.
    public var label: String {
        switch self {
        case .submitted: "en attente de relecture"
        case .published: "publiée"
        case .rejected: "refusée"
        case .changesRequested: "à modifier par son auteur"
        case .withdrawn: "retirée par son auteur"
        case .scheduled: "inscrite à une séance"
        case .adopted: "adoptée par le conseil"
        case .notAdopted: "non adoptée par le conseil"
        case .forwarded: "transmise au Département"
        case .answered: "réponse du Département"
        case .inProgress: "en cours de réalisation"
        case .done: "réalisée"
        case .declined: "non retenue par le Département"
        }
    }

    /// The word used in URLs and filters (`?statut=publiee`).
    public var slug: String {
        switch self {
        case .submitted: "soumise"
        case .published: "publiee"
        case .rejected: "refusee"
        case .changesRequested: "a-modifier"
        case .withdrawn: "retiree"
        case .scheduled: "inscrite"
        case .adopted: "adoptee"
        case .notAdopted: "non-adoptee"
        case .forwarded: "transmise"
        case .answered: "repondue"
        case .inProgress: "en-cours"
        case .done: "realisee"
        case .declined: "non-retenue"
        }
    }

    public init?(slug: String) {
        guard let status = Self.allCases.first(where: { $0.slug == slug }) else { return nil }
        self = status
    }

    /// Statuses everyone can see; the others are the author's and the moderators' only.
    public static let publicStatuses: [ProposalStatus] = [
        .published, .scheduled, .adopted, .notAdopted, .forwarded, .answered, .inProgress, .done, .declined,
    ]

    public var isPublic: Bool { Self.publicStatuses.contains(self) }

    /// After the département's answer: what `/suivi` lists.
    public static let answeredStatuses: [ProposalStatus] = [.answered, .inProgress, .done, .declined]
}

public final class Proposal: Model, @unchecked Sendable {
    public static let schema = "proposals"
    public static let maximumTitleLength = 120
    public static let maximumBodyLength = 5000

    @ID(key: .id) public var id: UUID?
    @Field(key: "title") public var title: String
    @Field(key: "body") public var body: String
    @Parent(key: "theme_id") public var theme: Theme
    /// Nil: the whole département.
    @OptionalParent(key: "territory_id") public var territory: Territory?
    /// Nil for a paper proposal from "un membre du conseil".
    @OptionalParent(key: "author_id") public var author: Member?
    /// Shown as "Un membre du conseil" to everyone but the author.
    @Field(key: "anonymous") public var anonymous: Bool
    @Field(key: "from_paper") public var fromPaper: Bool
    /// The facilitator who typed a paper proposal in.
    @OptionalParent(key: "entered_by_id") public var enteredBy: Member?
    /// The member a facilitator named as the writer of a paper proposal: the
    /// proposal becomes theirs only once they confirm it (a facilitator
    /// cannot put words in a member's name), until then it is signed
    /// "Proposition reçue sur papier".
    @OptionalParent(key: "claimed_author_id") public var claimedAuthor: Member?
    @Enum(key: "status") public var status: ProposalStatus
    @Field(key: "status_changed_at") public var statusChangedAt: Date
    @OptionalField(key: "published_at") public var publishedAt: Date?
    @Field(key: "created_at") public var createdAt: Date
    @Field(key: "supports_count") public var supportsCount: Int
    /// Title and text folded (lower case, no accents) for a search that
    /// behaves the same on SQLite and PostgreSQL.
    @Field(key: "search_text") var searchText: String
    /// The département's written answer, plain text.
    @OptionalField(key: "answer") public var answer: String?
    @OptionalField(key: "answered_at") public var answeredAt: Date?
    /// The same answer in easy-to-read French (« facile à lire »), optional.
    @OptionalField(key: "answer_easy") public var answerEasy: String?
    /// The kinds of personal data the detectors found when it was sent (`Screening`).
    @OptionalField(key: "personal_data") var personalData: String?
    /// Hidden after reports or by a moderator (`Reports`): the public no longer reads it.
    @OptionalField(key: "hidden_at") var hiddenAt: Date?
    @OptionalEnum(key: "hidden_reason") var hiddenReason: HiddenReason?
    /// Why a moderator refused it or sent it back (`ModerationReason`).
    @OptionalEnum(key: "moderation_reason") var moderationReason: ModerationReason?
    /// Refused as a duplicate: the proposal it repeats.
    @OptionalField(key: "duplicate_of_id") var duplicateOfID: UUID?
    /// A moderator changed its text: the public reads "modifié par l'équipe de modération".
    @OptionalField(key: "redacted_at") var redactedAt: Date?
    /// Published at once (post-moderation): a moderator still reads it.
    @OptionalField(key: "review_pending") var reviewPending: Bool?
    @Children(for: \.$proposal) var events: [ProposalEvent]

    public init() {}

    init(title: String, body: String, themeID: UUID, territoryID: UUID?, authorID: UUID?, anonymous: Bool,
         fromPaper: Bool, enteredByID: UUID?, status: ProposalStatus, at date: Date) {
        self.title = title
        self.body = body
        self.$theme.id = themeID
        self.$territory.id = territoryID
        self.$author.id = authorID
        self.anonymous = anonymous
        self.fromPaper = fromPaper
        self.$enteredBy.id = enteredByID
        self.status = status
        self.statusChangedAt = date
        self.createdAt = date
        self.supportsCount = 0
        self.searchText = Self.searchText(title: title, body: body)
        if status.isPublic { self.publishedAt = date }
    }

    static func searchText(title: String, body: String) -> String {
        SearchText.fold(title + "\n" + body)
    }

    /// The author's name as the public (and staff) see it.
    public var publicAuthorName: String {
        if fromPaper && $author.id == nil { return Self.paperSignature }
        if anonymous || $author.id == nil { return "Un membre du conseil" }
        return author?.publicName ?? "Un membre du conseil"
    }

    static let paperSignature = "Proposition reçue sur papier"
}

/// One step of a proposal's history: a status reached, by whom, when, why.
final class ProposalEvent: Model, @unchecked Sendable {
    static let schema = "proposal_events"

    @ID(key: .id) var id: UUID?
    @Parent(key: "proposal_id") var proposal: Proposal
    @Enum(key: "status") var status: ProposalStatus
    /// Who made the change: shown to staff, never to the public.
    @OptionalParent(key: "actor_id") var actor: Member?
    /// A refusal reason, a follow-up update, a note for the record.
    @OptionalField(key: "note") var note: String?
    @Field(key: "created_at") var createdAt: Date

    init() {}

    init(proposalID: UUID, status: ProposalStatus, actorID: UUID?, note: String?, at date: Date) {
        self.$proposal.id = proposalID
        self.status = status
        self.$actor.id = actorID
        self.note = note
        self.createdAt = date
    }
}

/// A member supports a proposal, once. Who supports is never shown to
/// anyone; only the count is (`Proposal.supportsCount`).
final class ProposalSupport: Model, @unchecked Sendable {
    static let schema = "proposal_supports"

    @ID(key: .id) var id: UUID?
    @Parent(key: "proposal_id") var proposal: Proposal
    @Parent(key: "member_id") var member: Member

    init() {}

    init(proposalID: UUID, memberID: UUID) {
        self.$proposal.id = proposalID
        self.$member.id = memberID
    }
}

public enum CommentStatus: String, Codable, CaseIterable, Sendable {
    case submitted, published, rejected
    /// A moderator asked its author to change it: back to the queue once they have.
    case changesRequested = "changes_requested"
}

final class ProposalComment: Model, @unchecked Sendable {
    static let schema = "proposal_comments"
    static let maximumLength = 2000

    @ID(key: .id) var id: UUID?
    @Parent(key: "proposal_id") var proposal: Proposal
    @OptionalParent(key: "author_id") var author: Member?
    @Field(key: "body") var body: String
    @Enum(key: "status") var status: CommentStatus
    @OptionalField(key: "refusal_reason") var refusalReason: String?
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "decided_at") var decidedAt: Date?
    /// The kinds of personal data the detectors found when it was sent (`Screening`).
    @OptionalField(key: "personal_data") var personalData: String?
    /// Hidden after reports or by a moderator (`Reports`): the public no longer reads it.
    @OptionalField(key: "hidden_at") var hiddenAt: Date?
    @OptionalEnum(key: "hidden_reason") var hiddenReason: HiddenReason?
    @OptionalEnum(key: "moderation_reason") var moderationReason: ModerationReason?
    @OptionalField(key: "redacted_at") var redactedAt: Date?
    @OptionalField(key: "review_pending") var reviewPending: Bool?

    init() {}

    init(proposalID: UUID, authorID: UUID, body: String, at date: Date) {
        self.$proposal.id = proposalID
        self.$author.id = authorID
        self.body = body
        self.status = .submitted
        self.createdAt = date
    }
}

/// Paper proposals wait for the member they name to confirm them.
struct AddPaperAttribution: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Proposal.schema)
            .field("claimed_author_id", .uuid, .references(Member.schema, "id"))
            .update()
        // Paper proposals typed in before: their named member confirms them too.
        try await database.sql.raw("""
            UPDATE proposals SET claimed_author_id = author_id, author_id = NULL
            WHERE from_paper = \(bind: true) AND author_id IS NOT NULL
            """).run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Proposal.schema).deleteField("claimed_author_id").update()
    }
}

struct CreateProposals: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Proposal.schema)
            .id()
            .field("title", .string, .required)
            .field("body", .string, .required)
            .field("theme_id", .uuid, .required, .references(Theme.schema, "id"))
            .field("territory_id", .uuid, .references(Territory.schema, "id", onDelete: .setNull))
            .field("author_id", .uuid, .references(Member.schema, "id"))
            .field("anonymous", .bool, .required)
            .field("from_paper", .bool, .required)
            .field("entered_by_id", .uuid, .references(Member.schema, "id"))
            .field("status", .string, .required)
            .field("status_changed_at", .datetime, .required)
            .field("published_at", .datetime)
            .field("created_at", .datetime, .required)
            .field("supports_count", .int, .required)
            .field("search_text", .string, .required)
            .field("answer", .string)
            .field("answered_at", .datetime)
            .create()
        try await database.schema(ProposalEvent.schema)
            .id()
            .field("proposal_id", .uuid, .required, .references(Proposal.schema, "id", onDelete: .cascade))
            .field("status", .string, .required)
            .field("actor_id", .uuid, .references(Member.schema, "id"))
            .field("note", .string)
            .field("created_at", .datetime, .required)
            .create()
        try await database.schema(ProposalSupport.schema)
            .id()
            .field("proposal_id", .uuid, .required, .references(Proposal.schema, "id", onDelete: .cascade))
            .field("member_id", .uuid, .required, .references(Member.schema, "id", onDelete: .cascade))
            .unique(on: "proposal_id", "member_id")
            .create()
        try await database.schema(ProposalComment.schema)
            .id()
            .field("proposal_id", .uuid, .required, .references(Proposal.schema, "id", onDelete: .cascade))
            .field("author_id", .uuid, .references(Member.schema, "id"))
            .field("body", .string, .required)
            .field("status", .string, .required)
            .field("refusal_reason", .string)
            .field("created_at", .datetime, .required)
            .field("decided_at", .datetime)
            .create()
        // The listing sorts by date or supports and keeps public statuses
        // (nearly all rows): walking the sort index and stopping at 20 beats
        // any status index. The page of one proposal reads its events and comments.
        let indexes = [
            ("proposals_published", "proposals", "published_at"),
            ("proposals_supports", "proposals", "supports_count, published_at"),
            ("proposals_status_published", "proposals", "status, published_at"),
            ("proposals_answered", "proposals", "answered_at"),
            ("proposals_theme_published", "proposals", "theme_id, published_at"),
            ("proposals_territory_published", "proposals", "territory_id, published_at"),
            ("proposals_author", "proposals", "author_id"),
            ("proposal_events_proposal", "proposal_events", "proposal_id, created_at"),
            ("proposal_comments_proposal", "proposal_comments", "proposal_id, status, created_at"),
            ("proposal_comments_status", "proposal_comments", "status, created_at"),
        ]
        try await SQLIndexes.create(indexes, on: database)
    }

    func revert(on database: any Database) async throws {
        for schema in [ProposalComment.schema, ProposalSupport.schema, ProposalEvent.schema, Proposal.schema] {
            try await database.schema(schema).delete()
        }
    }
}

/// What moderators decide beyond publishing: a reason from the list, the
/// original of a duplicate, the mark of a redaction, a review after publication.
struct AddModerationDecisions: AsyncMigration {
    func prepare(on database: any Database) async throws {
        // One column at a time: SQLite adds a single column per statement.
        for table in [Proposal.schema, ProposalComment.schema] {
            try await database.schema(table).field("moderation_reason", .string).update()
            try await database.schema(table).field("redacted_at", .datetime).update()
            try await database.schema(table).field("review_pending", .bool).update()
        }
        try await database.schema(Proposal.schema).field("duplicate_of_id", .uuid).update()
        try await SQLIndexes.create([("proposals_review_pending", "proposals", "review_pending"),
                                     ("proposal_comments_review_pending", "proposal_comments", "review_pending")], on: database)
    }

    func revert(on database: any Database) async throws {
        for table in [Proposal.schema, ProposalComment.schema] {
            for field in ["moderation_reason", "redacted_at", "review_pending"] {
                try await database.schema(table).deleteField(.string(field)).update()
            }
        }
        try await database.schema(Proposal.schema).deleteField("duplicate_of_id").update()
    }
}
