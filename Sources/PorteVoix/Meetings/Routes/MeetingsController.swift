import Fluent
import Plot
import Vapor

/// `/seances`: council sessions, their agenda, attendance and minutes.
struct MeetingsController {
    // MARK: Reading

    func list(request: Request) async throws -> HTML {
        let territory = request.query[String.self, at: "territoire"]
        var query = Meeting.query(on: request.db).with(\.$territory)
        if territory == "departement" {
            query = query.filter(\.$territory.$id == nil)
        } else if let id = territory.flatMap(UUID.init(uuidString:)) {
            query = query.filter(\.$territory.$id == id)
        }
        let now = request.now
        // Upcoming sessions are few; past ones grow with the years: pages of 20.
        let upcoming = try await query.copy().filter(\.$endsAt >= now).filter(\.$status != .closed)
            .sort(\.$startsAt).limit(MeetingLimits.upcomingListed).all()
        let past = try await query.group(.or) { $0.filter(\.$endsAt < now).filter(\.$status == .closed) }
            .sort(\.$startsAt, .descending)
            .paginateWithinRange(page: Pagination.number(request.query[String.self, at: "page"]), per: MeetingLimits.pastPage)
        return MeetingPages.list(
            upcoming: upcoming.map(MeetingSummary.init), past: past.items.map(MeetingSummary.init), pastPage: past.metadata.page, pastPageCount: past.metadata.pageCount,
            territories: try await Territory.query(on: request.db).sort(\.$position).all().map(\.choice),
            selectedTerritory: territory ?? "",
            canPlan: request.member?.roles.isDisjoint(with: Role.organisers) == false,
            context: request.pageContext
        )
    }

    /// The page's shared part comes from memory while nothing the site
    /// shows changed (the page cache's rules); the reader's own part is read
    /// for each request.
    func show(request: Request) async throws -> Response {
        guard let id = request.id(.meeting) else { throw Abort(.notFound) }
        let shared: MeetingShowModel.SharedPart? = try await request.cachedData("meeting-page:\(id.uuidString)", cost: { $0?.cost ?? 64 }, keeps: { $0 != nil }) {
            guard let meeting = try await MeetingLookup.find(id, on: request.db) else { return nil }
            return try await MeetingShowModel.SharedPart.load(meeting, on: request.db)
        }
        guard let shared else { throw Abort(.notFound) }
        return MeetingPages.show(try await MeetingShowModel.make(shared, request: request), context: request.pageContext)
            .response(status: .ok)
    }

    // MARK: Coming or not

    func respond(request: Request) async throws -> Response {
        let member = try request.requireMember()
        let meeting = try await MeetingLookup.find(request)
        let id = try meeting.requireID()
        guard meeting.status == .planned, meeting.startsAt > request.now else {
            throw PageError(.conflict, title: "La séance a commencé",
                            message: "Vous ne pouvez plus changer votre réponse : la séance a commencé ou elle est terminée.")
        }
        let coming = (try? request.content.get(String.self, at: "reponse")) == "oui"
        let memberID = try member.requireID()
        if let existing = try await MeetingResponse.query(on: request.db)
            .filter(\.$meeting.$id == id).filter(\.$member.$id == memberID).first() {
            existing.coming = coming
            try await existing.save(on: request.db)
        } else {
            try await MeetingResponse(meetingID: id, memberID: memberID, coming: coming).create(on: request.db)
        }
        try await request.setFlash(coming ? "C'est noté : vous viendrez. Merci !"
                                          : "C'est noté : vous ne pourrez pas venir. Merci de l'avoir dit.")
        return request.redirect(to: .meeting(id))
    }

}
