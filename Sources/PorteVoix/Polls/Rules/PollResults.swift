import Fluent
import Foundation
import Plot
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

    static let gradeColours = ["#8c1c13", "#c4441c", "#d98a00", "#b3a100", "#6a9b34", "#2f7d3b", "#1b5e2a"]

    /// Horizontal bars, drawn on the server; the same figures follow as text.
    static func barChart(_ bars: [(label: String, count: Int)], total: Int, title: String) -> Node<HTML.BodyContext> {
        let width = 600, rowHeight = 36, labelWidth = 0
        let height = bars.count * rowHeight + 10
        let maximum = max(1, bars.map(\.count).max() ?? 1)
        let rows = bars.enumerated().map { index, bar -> String in
            let y = index * rowHeight + 5
            let length = Int(Double(width - 120) * Double(bar.count) / Double(maximum))
            return "<rect x=\"\(labelWidth)\" y=\"\(y)\" width=\"\(max(length, 2))\" height=\"24\" fill=\"#1d4f91\"></rect>"
                + "<text x=\"\(labelWidth + max(length, 2) + 8)\" y=\"\(y + 17)\" font-size=\"16\" fill=\"#1b1b1b\">"
                + "\(escapeAttribute(bar.label)) : \(bar.count)</text>"
        }.joined()
        return .raw("<svg class=\"graphique\" role=\"img\" viewBox=\"0 0 \(width) \(height)\" width=\"100%\" "
            + "aria-label=\"\(escapeAttribute(title))\">\(rows)</svg>")
    }

    /// One stacked bar per option: its grades, worst on the left.
    static func judgmentChart(_ results: [(label: String, tally: [Int])], title: String) -> Node<HTML.BodyContext> {
        let width = 600, rowHeight = 58
        let height = results.count * rowHeight + 10
        var body = ""
        for (index, result) in results.enumerated() {
            let y = index * rowHeight + 5
            let total = max(1, result.tally.reduce(0, +))
            body += "<text x=\"0\" y=\"\(y + 14)\" font-size=\"15\" fill=\"#1b1b1b\">\(escapeAttribute(result.label))</text>"
            var x = 0.0
            for (grade, count) in result.tally.enumerated() where count > 0 {
                let segment = Double(width) * Double(count) / Double(total)
                body += "<rect x=\"\(String(format: "%.1f", x))\" y=\"\(y + 22)\" width=\"\(String(format: "%.1f", segment))\" "
                    + "height=\"24\" fill=\"\(gradeColours[grade])\"></rect>"
                x += segment
            }
            // The median line: half of the voters on each side.
            body += "<line x1=\"\(width / 2)\" x2=\"\(width / 2)\" y1=\"\(y + 18)\" y2=\"\(y + 50)\" stroke=\"#000\" stroke-width=\"2\"></line>"
        }
        return .raw("<svg class=\"graphique\" role=\"img\" viewBox=\"0 0 \(width) \(height)\" width=\"100%\" "
            + "aria-label=\"\(escapeAttribute(title))\">\(body)</svg>")
    }
}
