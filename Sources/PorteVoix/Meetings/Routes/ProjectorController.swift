import Fluent
import Plot
import Vapor

/// `/seances/{id}/projection`: the room's projector.
struct ProjectorController {
    func projection(request: Request) async throws -> Response {
        let meeting = try await MeetingLookup.find(request)
        let items = try await AgendaItem.query(on: request.db).filter(\.$meeting.$id == meeting.requireID())
            .sort(\.$position).all()
        let now = request.now
        let polls = try await Poll.query(on: request.db).filter(\.$meeting.$id == meeting.requireID())
            .group(.or) { group in
                group.filter(\.$status ~~ [.open, .closed]).group(.and) { $0.filter(\.$status == .draft).filter(\.$opensAt <= now) }
            }
            .with(\.$options).sort(\.$createdAt, .descending).all()
        var pollView: MeetingPages.ProjectedPoll?
        let shown = polls.map { PollSummary($0, asOf: now) }
        // The open poll, or else the last one closed, with its results.
        if let index = shown.firstIndex(where: { $0.status == .open }) ?? shown.indices.first {
            let poll = polls[index]
            let ballots = try await BallotBox.ballotCount(poll, on: request.db)
            let results = PollResults.published(poll, minimum: try await PollResults.minimumBallots(poll, on: request.db))
            pollView = .init(poll: shown[index], ballots: ballots,
                             present: try await MeetingAttendance.query(on: request.db).filter(\.$meeting.$id == meeting.requireID()).count()
                                + meeting.otherAttendees,
                             results: results)
        }
        let response = MeetingPages.projection(MeetingSummary(meeting), items: items.map(AgendaItemSummary.init), poll: pollView, siteName: request.application.settings.siteName)
            .response(status: .ok)
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        // The projector follows the room without JavaScript. An HTTP header
        // rather than <meta http-equiv>: this page is a display with nothing
        // to type or read at one's own pace; the session page stays still.
        response.headers.replaceOrAdd(name: "Refresh", value: "10")
        return response
    }
}
