import Fluent
import Foundation
import Voting

/// The results of a closed poll, ready to show.
enum PollResults {
    case yesNo(YesNoResult)
    case options(OptionCounts, labels: [String])
    case judgment([MajorityJudgment.OptionResult], labels: [String], ballots: Int)

    /// The fewest ballots this poll needs for its results to be shown: its
    /// own minimum, never below the site's.
    static func minimumBallots(_ poll: Poll, on database: any Database) async throws -> Int {
        max(poll.minimumBallots, try await SiteSettingsStore.minimumBallots(on: database))
    }

    /// The minimum the count applies. A mixed poll (paper and web ballots,
    /// opened before one channel per poll was the rule) publishes only if
    /// each channel that holds ballots holds the minimum: otherwise whoever
    /// typed the paper ballots could subtract them and learn the web votes.
    static func channelMinimum(_ poll: Poll, ballots: Int, minimum: Int) -> Int {
        guard poll.channel == .mixed else { return minimum }
        let paper = min(poll.paperBallots, ballots)
        let online = ballots - paper
        let channelsShort = [paper, online].contains { $0 > 0 && $0 < minimum }
        return channelsShort ? Int.max : minimum
    }

    /// The one rule for showing results, wherever they are shown (the poll's
    /// page, the projector): counted, with counts, and enough ballots that
    /// nobody's choice can be told.
    static func published(_ poll: Poll, minimum: Int) -> PollResults? {
        guard let aggregate = poll.aggregate, aggregate.hasCounts, aggregate.ballots >= minimum else { return nil }
        return compute(poll, aggregate: aggregate)
    }

    /// The results from the stored aggregate: nothing is recounted per request.
    static func compute(_ poll: Poll, aggregate: PollAggregate) -> PollResults {
        let labels = poll.options.sorted { $0.position < $1.position }.map(\.label)
        switch poll.kind {
        case .yesNo:
            return .yesNo(aggregate.yesNo ?? YesNoResult(pour: 0, contre: 0, abstention: 0))
        case .single, .approval:
            return .options(aggregate.options ?? OptionCounts(counts: Array(repeating: 0, count: labels.count), ballots: 0),
                            labels: labels)
        case .majorityJudgment:
            let grades = aggregate.grades ?? Array(repeating: Array(repeating: 0, count: Grade.allCases.count), count: labels.count)
            return .judgment(MajorityJudgment.results(grades), labels: labels, ballots: aggregate.ballots)
        }
    }
}
