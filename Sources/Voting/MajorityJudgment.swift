/// Majority judgment exactly as design/voting.md defines it.
///
/// A tally is the number of ballots per grade, worst grade first. The
/// majority grade is the lower median; options are ranked by majority
/// grade and, on a tie, by removing one median grade from each tied option
/// until their medians differ or nothing is left (a real tie).
public enum MajorityJudgment {
    /// The lower median: with `n` grades sorted worst to best, the one at
    /// position `(n + 1) / 2` (integer division, 1-based). Nil without grades.
    public static func majorityGrade(_ tally: [Int]) -> Int? {
        let total = tally.reduce(0, +)
        guard total > 0 else { return nil }
        let position = (total + 1) / 2
        var seen = 0
        for (grade, count) in tally.enumerated() {
            seen += count
            if seen >= position { return grade }
        }
        return nil
    }

    /// Whether option `a` ranks better (`.orderedAscending` means worse,
    /// following the grades' order), worse, or ties with `b`.
    public static func compare(_ a: [Int], _ b: [Int]) -> Comparison {
        var a = a
        var b = b
        while true {
            let medianA = majorityGrade(a)
            let medianB = majorityGrade(b)
            switch (medianA, medianB) {
            case (nil, nil): return .tie
            case (nil, _): return .worse
            case (_, nil): return .better
            case let (x?, y?) where x != y: return x > y ? .better : .worse
            case let (x?, y?):
                a[x] -= 1
                b[y] -= 1
            }
        }
    }

    public enum Comparison: Equatable, Sendable { case better, worse, tie }

    /// Ranks, 1 = best; options that tie share a rank (the next rank then
    /// skips, as in sports: 1, 1, 3).
    public static func ranks(_ tallies: [[Int]]) -> [Int] {
        tallies.indices.map { option in
            1 + tallies.indices.filter { other in
                other != option && compare(tallies[other], tallies[option]) == .better
            }.count
        }
    }

    /// Everything the results page shows for one option.
    public struct OptionResult: Equatable, Sendable {
        public var tally: [Int]
        public var majorityGrade: Grade?
        public var rank: Int
    }

    public static func results(_ tallies: [[Int]]) -> [OptionResult] {
        let ranks = ranks(tallies)
        return tallies.indices.map { index in
            OptionResult(
                tally: tallies[index],
                majorityGrade: majorityGrade(tallies[index]).flatMap(Grade.init(rawValue:)),
                rank: ranks[index]
            )
        }
    }
}
