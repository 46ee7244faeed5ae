import Foundation
import Voting

extension PollResults {
    /// One line per option (or per answer of a yes/no poll): votes, rank, majority grade.
    struct ExportRow: Sendable, Equatable {
        var option: String
        var rank: Int?
        var votes: Int?
        var grade: String?
    }

    /// The outcome in a few words, as the poll's page says it.
    var outcome: String {
        switch self {
        case .yesNo(let result):
            switch result.outcome {
            case .adopted: "adoptée (pour \(result.pour), contre \(result.contre), abstention \(result.abstention))"
            case .rejected: "non adoptée (pour \(result.pour), contre \(result.contre), abstention \(result.abstention))"
            case .tie: "égalité (pour \(result.pour), contre \(result.contre), abstention \(result.abstention))"
            case .noExpression: "personne ne s'est prononcé"
            }
        case .options(let counts, let labels):
            counts.winners.isEmpty ? "aucune voix"
                : (counts.isTie ? "égalité entre " : "en tête : ") + counts.winners.map { labels[$0] }.joined(separator: ", ")
        case .judgment(let results, let labels, _):
            "classement : " + results.indices.sorted { results[$0].rank < results[$1].rank }
                .map { "\(results[$0].rank). \(labels[$0])" }.joined(separator: ", ")
        }
    }

    var ballots: Int {
        switch self {
        case .yesNo(let result): result.pour + result.contre + result.abstention
        case .options(let counts, _): counts.ballots
        case .judgment(_, _, let ballots): ballots
        }
    }

    var exportRows: [ExportRow] {
        switch self {
        case .yesNo(let result):
            let votes = [("pour", result.pour), ("contre", result.contre), ("abstention", result.abstention)]
            return votes.map { name, count in
                ExportRow(option: name, rank: votes.filter { $0.1 > count }.count + 1, votes: count, grade: nil)
            }
        case .options(let counts, let labels):
            return labels.indices.map { index in
                let count = counts.counts.indices.contains(index) ? counts.counts[index] : 0
                return ExportRow(option: labels[index], rank: counts.counts.filter { $0 > count }.count + 1, votes: count, grade: nil)
            }
        case .judgment(let results, let labels, _):
            return labels.indices.map { index in
                let result = results.indices.contains(index) ? results[index] : nil
                return ExportRow(option: labels[index], rank: result?.rank, votes: nil, grade: result?.majorityGrade?.label)
            }
        }
    }
}
