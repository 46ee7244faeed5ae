import Fluent
import Foundation
import Voting

/// The debate as anyone may read it, shared by its page, the activity
/// report and the read API.
enum DebatePublicParts {
    /// What anyone may read of the debate: the feeling periods (counts once
    /// published), the published names, the decision vote, the answers.
    static func fill(_ model: inout DebatePage.Model, now: Date, on database: any Database) async throws {
        // Looking shows the schedule, never applies it: the scheduler opens, closes and counts.
        var rounds: [DebatePage.Round] = []
        for round in try await NamingRound.query(on: database).with(\.$poll, { $0.with(\.$options) }).sort(\.$number).all() {
            let poll = round.poll
            poll.showAsOf(now)
            // The same rule as the poll's own page: below the minimum, no counts.
            let published = PollResults.published(poll, minimum: try await PollResults.minimumBallots(poll, on: database)) != nil
            rounds.append(DebatePage.Round(number: round.number, pollID: try poll.requireID(), status: poll.status,
                                           opensAt: poll.opensAt, closesAt: poll.closesAt,
                                           ballots: published ? poll.aggregate?.ballots : nil,
                                           counts: published ? poll.aggregate?.options?.counts : nil, counted: poll.countedAt != nil))
        }
        model.rounds = rounds
        let counts = try await NamingContributions.counts(on: database)
        model.names = try await ProposedName.query(on: database).filter(\.$status == .published).with(\.$author)
            .sort(\.$isCurrent, .descending).sort(\.$publishedAt).all().map { name in
                DebatePage.Name(id: try name.requireID(), name: name.name, explanation: name.explanation, authorName: name.authorName,
                                isCurrent: name.isCurrent, counts: counts[try name.requireID()] ?? [:])
            }
        if let decision = try await NamingDecision.query(on: database).with(\.$poll).sort(\.$createdAt, .descending).first() {
            let poll = decision.poll
            poll.showAsOf(now)
            try await poll.$options.load(on: database)
            var ranking: [String] = []
            let published = PollResults.published(poll, minimum: try await PollResults.minimumBallots(poll, on: database)) != nil
            if published, let grades = poll.aggregate?.grades {
                let ranks = MajorityJudgment.ranks(grades)
                let labels = poll.options.sorted { $0.position < $1.position }.map(\.label)
                ranking = labels.indices.sorted { ranks[$0] < ranks[$1] }.map { "\(labels[$0]) (rang \(ranks[$0]))" }
            }
            model.decision = DebatePage.Decision(pollID: try poll.requireID(), status: poll.statusLabel, ranking: ranking,
                                                 isDraft: poll.status == .draft,
                                                 tooFewBallots: poll.countedAt != nil && !published)
        }
        model.answers = try await NamingAnswer.query(on: database).sort(\.$publishedAt, .descending).all()
            .map { DebatePage.Answer(text: $0.text, publishedAt: $0.publishedAt) }
    }
}
