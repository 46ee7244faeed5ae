import Fluent
import Plot
import Vapor

/// The printable session report: only what the session's public page shows.
struct MeetingReportController {
    func report(request: Request) async throws -> HTML {
        let meeting = try await MeetingLookup.find(request)
        let id = try meeting.requireID()
        let items = try await AgendaItem.query(on: request.db).filter(\.$meeting.$id == id).with(\.$proposals).sort(\.$position).all()
        var votes: [MeetingReportPage.Vote] = []
        for poll in try await Poll.query(on: request.db).filter(\.$meeting.$id == id).filter(\.$status != .draft)
            .with(\.$options).sort(\.$createdAt).all() {
            poll.showAsOf(request.now)
            let results = PollResults.published(poll, minimum: try await PollResults.minimumBallots(poll, on: request.db))
            votes.append(.init(question: poll.question, status: poll.statusLabel, results: results, ballots: poll.aggregate?.ballots ?? 0))
        }
        let model = MeetingReportPage.Model(
            meeting: MeetingSummary(meeting),
            // A linked proposal the public cannot read is left out of the report.
            items: items.map { item in
                var summary = AgendaItemSummary(item)
                summary.proposals = item.proposals.filter(\.isShownToThePublic).map(ProposalSummary.init)
                return summary
            },
            counts: try await MeetingCounts.make(meeting, on: request.db), votes: votes,
            minutes: meeting.minutesPublishedAt == nil ? nil : meeting.minutes)
        return MeetingReportPage.view(model, context: request.pageContext)
    }
}
