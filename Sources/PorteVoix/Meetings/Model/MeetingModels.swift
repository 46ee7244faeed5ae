import Fluent
import Foundation

public enum MeetingStatus: String, Codable, CaseIterable, Sendable {
    case planned
    case inProgress = "in_progress"
    case closed
    case cancelled

    public var label: String {
        switch self {
        case .planned: "prévue"
        case .inProgress: "en cours"
        case .closed: "terminée"
        case .cancelled: "annulée"
        }
    }

    var slug: String {
        switch self {
        case .planned: "prevue"
        case .inProgress: "en-cours"
        case .closed: "terminee"
        case .cancelled: "annulee"
        }
    }
}

/// A council session ("séance du conseil").
public final class Meeting: Model, @unchecked Sendable {
    public static let schema = "meetings"
    static let maximumTitleLength = 120

    @ID(key: .id) public var id: UUID?
    @Field(key: "title") public var title: String
    @Field(key: "starts_at") public var startsAt: Date
    @Field(key: "ends_at") public var endsAt: Date
    /// An address, or for an online session a short explanation.
    @Field(key: "place") public var place: String
    /// The link to join an online session.
    @OptionalField(key: "online_link") public var onlineLink: String?
    /// Nil: the whole département (plenary).
    @OptionalParent(key: "territory_id") public var territory: Territory?
    @Field(key: "description") public var details: String
    /// Step-free access, hearing loop, travel reimbursement…
    @Field(key: "accessibility") public var accessibility: String
    @Enum(key: "status") public var status: MeetingStatus
    @OptionalField(key: "cancel_reason") public var cancelReason: String?
    /// The agenda item the room is on, while in progress.
    @OptionalField(key: "current_item_id") public var currentItemID: UUID?
    /// People present who are not members: guests, staff.
    @Field(key: "other_attendees") public var otherAttendees: Int
    @OptionalField(key: "minutes") public var minutes: String?
    @OptionalField(key: "minutes_published_at") public var minutesPublishedAt: Date?
    @Field(key: "created_at") public var createdAt: Date
    @Children(for: \.$meeting) var items: [AgendaItem]

    public init() {}

    /// Sessions can still change; a closed or cancelled one is history.
    var isOpenForChanges: Bool { status == .planned || status == .inProgress }
}

/// A point of the agenda ("point de l'ordre du jour").
final class AgendaItem: Model, @unchecked Sendable {
    static let schema = "agenda_items"

    @ID(key: .id) var id: UUID?
    @Parent(key: "meeting_id") var meeting: Meeting
    @Field(key: "position") var position: Int
    @Field(key: "title") var title: String
    @Field(key: "description") var details: String
    @Siblings(through: AgendaItemProposal.self, from: \.$item, to: \.$proposal) var proposals: [Proposal]

    init() {}

    init(meetingID: UUID, position: Int, title: String, details: String) {
        self.$meeting.id = meetingID
        self.position = position
        self.title = title
        self.details = details
    }
}

/// A proposal discussed at an agenda item.
final class AgendaItemProposal: Model, @unchecked Sendable {
    static let schema = "agenda_item_proposals"

    @ID(key: .id) var id: UUID?
    @Parent(key: "agenda_item_id") var item: AgendaItem
    @Parent(key: "proposal_id") var proposal: Proposal

    init() {}
}

/// "Je viendrai" / "je ne pourrai pas venir".
final class MeetingResponse: Model, @unchecked Sendable {
    static let schema = "meeting_responses"

    @ID(key: .id) var id: UUID?
    @Parent(key: "meeting_id") var meeting: Meeting
    @Parent(key: "member_id") var member: Member
    @Field(key: "coming") var coming: Bool

    init() {}

    init(meetingID: UUID, memberID: UUID, coming: Bool) {
        self.$meeting.id = meetingID
        self.$member.id = memberID
        self.coming = coming
    }
}

/// A member ticked present (émargement). Names are for facilitators and
/// admins only; everyone else sees counts.
final class MeetingAttendance: Model, @unchecked Sendable {
    static let schema = "meeting_attendances"

    @ID(key: .id) var id: UUID?
    @Parent(key: "meeting_id") var meeting: Meeting
    @Parent(key: "member_id") var member: Member

    init() {}

    init(meetingID: UUID, memberID: UUID) {
        self.$meeting.id = meetingID
        self.$member.id = memberID
    }
}

struct CreateMeetings: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Meeting.schema)
            .id()
            .field("title", .string, .required)
            .field("starts_at", .datetime, .required)
            .field("ends_at", .datetime, .required)
            .field("place", .string, .required)
            .field("online_link", .string)
            .field("territory_id", .uuid, .references(Territory.schema, "id", onDelete: .setNull))
            .field("description", .string, .required)
            .field("accessibility", .string, .required)
            .field("status", .string, .required)
            .field("cancel_reason", .string)
            .field("current_item_id", .uuid)
            .field("other_attendees", .int, .required)
            .field("minutes", .string)
            .field("minutes_published_at", .datetime)
            .field("created_at", .datetime, .required)
            .create()
        try await database.schema(AgendaItem.schema)
            .id()
            .field("meeting_id", .uuid, .required, .references(Meeting.schema, "id", onDelete: .cascade))
            .field("position", .int, .required)
            .field("title", .string, .required)
            .field("description", .string, .required)
            .create()
        try await database.schema(AgendaItemProposal.schema)
            .id()
            .field("agenda_item_id", .uuid, .required, .references(AgendaItem.schema, "id", onDelete: .cascade))
            .field("proposal_id", .uuid, .required, .references(Proposal.schema, "id", onDelete: .cascade))
            .unique(on: "agenda_item_id", "proposal_id")
            .create()
        try await database.schema(MeetingResponse.schema)
            .id()
            .field("meeting_id", .uuid, .required, .references(Meeting.schema, "id", onDelete: .cascade))
            .field("member_id", .uuid, .required, .references(Member.schema, "id", onDelete: .cascade))
            .field("coming", .bool, .required)
            .unique(on: "meeting_id", "member_id")
            .create()
        try await database.schema(MeetingAttendance.schema)
            .id()
            .field("meeting_id", .uuid, .required, .references(Meeting.schema, "id", onDelete: .cascade))
            .field("member_id", .uuid, .required, .references(Member.schema, "id", onDelete: .cascade))
            .unique(on: "meeting_id", "member_id")
            .create()
        try await SQLIndexes.create([
            ("meetings_starts", "meetings", "starts_at"),
            ("meetings_territory_starts", "meetings", "territory_id, starts_at"),
            ("agenda_items_meeting", "agenda_items", "meeting_id, position"),
            ("agenda_item_proposals_proposal", "agenda_item_proposals", "proposal_id"),
        ], on: database)
    }

    func revert(on database: any Database) async throws {
        for schema in [MeetingAttendance.schema, MeetingResponse.schema, AgendaItemProposal.schema,
                       AgendaItem.schema, Meeting.schema] {
            try await database.schema(schema).delete()
        }
    }
}
