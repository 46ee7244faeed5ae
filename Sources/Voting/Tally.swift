/// Counts of a yes/no poll; abstentions are counted apart.
public struct YesNoResult: Codable, Equatable, Sendable {
    public var pour: Int
    public var contre: Int
    public var abstention: Int

    public init(pour: Int, contre: Int, abstention: Int) {
        self.pour = pour
        self.contre = contre
        self.abstention = abstention
    }

    public var ballots: Int { pour + contre + abstention }
    /// Ballots that chose pour or contre.
    public var expressed: Int { pour + contre }

    public enum Outcome: Equatable, Sendable { case adopted, rejected, tie, noExpression }

    public var outcome: Outcome {
        if expressed == 0 { return .noExpression }
        if pour == contre { return .tie }
        return pour > contre ? .adopted : .rejected
    }
}

/// Counts per option (single choice or approval), with the winners: more
/// than one when options tie at the top.
public struct OptionCounts: Codable, Equatable, Sendable {
    public var counts: [Int]
    public var ballots: Int

    public init(counts: [Int], ballots: Int) {
        self.counts = counts
        self.ballots = ballots
    }

    public var winners: [Int] {
        guard let top = counts.max(), top > 0 else { return [] }
        return counts.indices.filter { counts[$0] == top }
    }

    public var isTie: Bool { winners.count > 1 }
}

public enum Tally {
    public static func yesNo(_ ballots: [BallotContent]) -> YesNoResult {
        var result = YesNoResult(pour: 0, contre: 0, abstention: 0)
        for case .yesNo(let choice) in ballots {
            switch choice {
            case .pour: result.pour += 1
            case .contre: result.contre += 1
            case .abstention: result.abstention += 1
            }
        }
        return result
    }

    /// Single choice and approval alike: how many ballots chose each option.
    public static func options(_ ballots: [BallotContent], optionCount: Int) -> OptionCounts {
        var counts = Array(repeating: 0, count: optionCount)
        var total = 0
        for ballot in ballots {
            switch ballot {
            case .single(let index) where counts.indices.contains(index):
                counts[index] += 1
                total += 1
            case .approval(let indices):
                for index in Set(indices) where counts.indices.contains(index) { counts[index] += 1 }
                total += 1
            default:
                continue
            }
        }
        return OptionCounts(counts: counts, ballots: total)
    }

    /// Grade counts per option, worst grade first.
    public static func grades(_ ballots: [BallotContent], optionCount: Int) -> [[Int]] {
        var tallies = Array(repeating: Array(repeating: 0, count: Grade.allCases.count), count: optionCount)
        for case .grades(let grades) in ballots where grades.count == optionCount {
            for (option, grade) in grades.enumerated() {
                tallies[option][grade.rawValue] += 1
            }
        }
        return tallies
    }
}

/// What is kept of a poll once counted: counts only, never a ballot
/// (design/voting.md, "The count"). Results pages read this.
public struct PollAggregate: Codable, Equatable, Sendable {
    public var ballots: Int
    public var yesNo: YesNoResult?
    public var options: OptionCounts?
    /// Majority judgment: counts per option and grade, worst grade first.
    public var grades: [[Int]]?

    public init(ballots: Int, yesNo: YesNoResult? = nil, options: OptionCounts? = nil, grades: [[Int]]? = nil) {
        self.ballots = ballots
        self.yesNo = yesNo
        self.options = options
        self.grades = grades
    }

    /// What may be kept: below the publication minimum, only how many
    /// ballots there were. A copy of the database would otherwise show the
    /// counts of a handful of voters beside the register that names them.
    public func publishable(minimum: Int) -> PollAggregate {
        ballots >= minimum ? self : PollAggregate(ballots: ballots)
    }

    /// Whether the counts were kept (enough ballots at the count).
    public var hasCounts: Bool { yesNo != nil || options != nil || grades != nil }

    public static func count(_ contents: [BallotContent], rules: PollRules) -> PollAggregate {
        switch rules.kind {
        case .yesNo: PollAggregate(ballots: contents.count, yesNo: Tally.yesNo(contents))
        case .single, .approval:
            PollAggregate(ballots: contents.count, options: Tally.options(contents, optionCount: rules.optionCount))
        case .majorityJudgment:
            PollAggregate(ballots: contents.count, grades: Tally.grades(contents, optionCount: rules.optionCount))
        }
    }
}
