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
            case let (median?, _):
                // Both medians are `median`: removing one median grade from
                // each, one step at a time, keeps them equal for
                // `stableRemovals` steps. Take those steps at once (100,000
                // ballots would otherwise mean up to 100,000 rounds), then one more.
                let steps = max(1, min(stableRemovals(a, median: median), stableRemovals(b, median: median)))
                a[median] -= steps
                b[median] -= steps
            }
        }
    }

    /// How many median grades can be removed one by one from `tally` with
    /// its lower median staying `median`.
    ///
    /// With `n` grades, `below` of them worse than the median and `at` equal
    /// to it, the median stays after `j` removals while
    /// `below < (n - j + 1) / 2 <= below + at - j`, that is
    /// `j <= n - 2·below - 1` and `j <= 2·below + 2·at - n`.
    static func stableRemovals(_ tally: [Int], median: Int) -> Int {
        let total = tally.reduce(0, +)
        let below = tally[..<median].reduce(0, +)
        let at = tally[median]
        return max(0, min(total - 2 * below - 1, 2 * below + 2 * at - total, at))
    }

    /// The procedure of voting.md to the letter, one removal at a time: the
    /// reference `compare` is tested against.
    static func compareStepByStep(_ a: [Int], _ b: [Int]) -> Comparison {
        var a = a
        var b = b
        while true {
            switch (majorityGrade(a), majorityGrade(b)) {
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
