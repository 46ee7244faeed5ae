import Fluent
import Vapor

/// Everything the page of one session shows, for this visitor, as plain values.
struct MeetingShowModel: Sendable {
    struct Item: Sendable {
        var item: AgendaItemSummary
        var proposals: [ProposalSummary] { item.proposals }
    }

    var meeting: MeetingSummary
    var items: [Item]
    var counts: MeetingCounts
    /// The time the page is built: answers are taken until the session starts.
    var now: Date
    var isSignedIn: Bool
    /// The viewer's own answer: nil if they have not answered.
    var viewerComing: Bool?
    var viewerWasPresent: Bool
    var canManage: Bool
    var csrf: String?
    /// For linking: published proposals not yet on this session's agenda.
    var linkableProposals: [NamedID]
    /// For facilitators and admins: who said they will come, and who will not.
    var comingNames: [String] = []
    var notComingNames: [String] = []
    var itemErrors = FormErrors()
    var typedItem = ("", "")
    /// The link form sent back: the item and the proposal chosen.
    var typedLink: (item: String, proposal: String) = ("", "")
    var cancelError: String?
    /// For facilitators: the session's open voting kiosks, and since when.
    var kiosks: (count: Int, since: Date?) = (0, nil)

    /// What every reader of the session's page sees the same: the session,
    /// its agenda and the counts of answers. Kept under the page cache's
    /// rules by `MeetingsController.show`; never changed after it is read.
    struct SharedPart: Sendable {
        let meeting: Meeting
        let items: [AgendaItem]
        let counts: MeetingCounts

        static func load(_ meeting: Meeting, on database: any Database) async throws -> SharedPart {
            let id = try meeting.requireID()
            return SharedPart(
                meeting: meeting,
                items: try await AgendaItem.query(on: database).filter(\.$meeting.$id == id)
                    .with(\.$proposals).sort(\.$position).all(),
                counts: try await MeetingCounts.make(meeting, on: database))
        }

        var cost: Int {
            meeting.title.utf8.count + 2_000 + items.reduce(0) { $0 + 300 + $1.title.utf8.count + $1.proposals.count * 300 }
        }
    }

    static func make(_ meeting: Meeting, request: Request) async throws -> MeetingShowModel {
        try await make(SharedPart.load(meeting, on: request.db), request: request)
    }

    /// The page for this reader: whether they said they come and whether they
    /// were marked present, in one query; the rest from `shared`.
    static func make(_ shared: SharedPart, request: Request) async throws -> MeetingShowModel {
        let now = request.now
        let meeting = shared.meeting
        let id = try meeting.requireID()
        let viewer = request.member
        let canManage = viewer?.roles.isDisjoint(with: Role.organisers) == false
        let items = shared.items
        var viewerComing: Bool?
        var wasPresent = false
        if let viewerID = viewer?.id {
            let row = try await request.db.sql.raw("""
                SELECT (SELECT coming FROM \(unsafeRaw: MeetingResponse.schema) WHERE meeting_id = \(bind: id) AND member_id = \(bind: viewerID)) AS coming,
                       (SELECT COUNT(*) FROM \(unsafeRaw: MeetingAttendance.schema) WHERE meeting_id = \(bind: id) AND member_id = \(bind: viewerID)) AS present
                """).first()
            viewerComing = try row?.decode(column: "coming", as: Bool?.self)
            wasPresent = try (row?.decode(column: "present", as: Int.self) ?? 0) > 0
        }
        var linkable: [NamedID] = []
        if canManage && meeting.isOpenForChanges {
            let linked = Set(items.flatMap { $0.proposals.compactMap(\.id) })
            linkable = try await Proposal.query(on: request.db)
                .shownToThePublic([.published, .scheduled])
                .sort(\.$publishedAt, .descending).limit(MeetingLimits.linkableProposals).all()
                .compactMap { proposal in proposal.id.flatMap { linked.contains($0) ? nil : NamedID(id: $0, name: proposal.title) } }
        }
        var coming: [String] = []
        var notComing: [String] = []
        if canManage {
            let responses = try await MeetingResponse.query(on: request.db).filter(\.$meeting.$id == id).with(\.$member).all()
            coming = responses.filter(\.coming).map(\.member.publicName).sorted()
            notComing = responses.filter { !$0.coming }.map(\.member.publicName).sorted()
        }
        var model = MeetingShowModel(
            meeting: MeetingSummary(meeting),
            items: items.map { Item(item: AgendaItemSummary($0)) },
            counts: shared.counts,
            now: now,
            isSignedIn: viewer != nil,
            viewerComing: viewerComing,
            viewerWasPresent: wasPresent,
            canManage: canManage,
            csrf: viewer == nil ? nil : try await request.csrfToken(),
            linkableProposals: linkable,
            comingNames: coming,
            notComingNames: notComing
        )
        if canManage { model.kiosks = try await Kiosks.open(meetingID: id, on: request.db) }
        return model
    }
}
