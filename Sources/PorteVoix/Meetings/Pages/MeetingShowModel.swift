import Fluent
import Vapor

/// Everything the page of one session shows, for this visitor.
struct MeetingShowModel {
    struct Item {
        var item: AgendaItem
        var proposals: [Proposal]
    }

    var meeting: Meeting
    var items: [Item]
    var counts: MeetingCounts
    var viewer: Member?
    /// The viewer's own answer: nil if they have not answered.
    var viewerComing: Bool?
    var viewerWasPresent: Bool
    var canManage: Bool
    var csrf: String?
    /// For linking: published proposals not yet on this session's agenda.
    var linkableProposals: [Proposal]
    /// For facilitators and admins: who said they will come, and who will not.
    var comingNames: [String] = []
    var notComingNames: [String] = []
    var itemErrors = FormErrors()
    var typedItem = ("", "")
    var cancelError: String?

    static func make(_ meeting: Meeting, request: Request) async throws -> MeetingShowModel {
        let id = try meeting.requireID()
        let viewer = request.member
        let canManage = viewer?.roles.isDisjoint(with: Role.organisers) == false
        let items = try await AgendaItem.query(on: request.db).filter(\.$meeting.$id == id)
            .with(\.$proposals).sort(\.$position).all()
        var viewerComing: Bool?
        var wasPresent = false
        if let viewerID = viewer?.id {
            viewerComing = try await MeetingResponse.query(on: request.db)
                .filter(\.$meeting.$id == id).filter(\.$member.$id == viewerID).first()?.coming
            wasPresent = try await MeetingAttendance.query(on: request.db)
                .filter(\.$meeting.$id == id).filter(\.$member.$id == viewerID).count() > 0
        }
        var linkable: [Proposal] = []
        if canManage && meeting.isOpenForChanges {
            let linked = Set(items.flatMap { $0.proposals.compactMap(\.id) })
            linkable = try await Proposal.query(on: request.db)
                .filter(\.$status ~~ [.published, .scheduled])
                .sort(\.$publishedAt, .descending).limit(MeetingLimits.linkableProposals).all()
                .filter { !linked.contains($0.id!) }
        }
        var coming: [String] = []
        var notComing: [String] = []
        if canManage {
            let responses = try await MeetingResponse.query(on: request.db).filter(\.$meeting.$id == id).with(\.$member).all()
            coming = responses.filter(\.coming).map(\.member.publicName).sorted()
            notComing = responses.filter { !$0.coming }.map(\.member.publicName).sorted()
        }
        return MeetingShowModel(
            meeting: meeting,
            items: items.map { Item(item: $0, proposals: $0.proposals) },
            counts: try await MeetingCounts.make(meeting, on: request.db),
            viewer: viewer,
            viewerComing: viewerComing,
            viewerWasPresent: wasPresent,
            canManage: canManage,
            csrf: viewer == nil ? nil : try await request.csrfToken(),
            linkableProposals: linkable,
            comingNames: coming,
            notComingNames: notComing
        )
    }
}
