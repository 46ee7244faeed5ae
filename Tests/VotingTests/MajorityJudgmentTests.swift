import Testing
@testable import Voting

@Suite("Majority judgment")
struct MajorityJudgmentTests {
    /// The vectors of design/voting.md: tallies (worst grade first) and ranks.
    static let vectors: [([[Int]], [Int])] = [
        ([[4, 5, 2, 1, 3, 1, 2], [3, 6, 2, 1, 3, 1, 2]], [2, 1]),
        ([[1, 1, 1], [1, 0, 2], [3, 0, 0], [2, 0, 1], [0, 3, 0]], [3, 1, 5, 4, 2]),
        ([[2, 2, 2, 2, 2], [2, 1, 1, 1, 5], [2, 1, 1, 2, 4], [2, 1, 5, 0, 2], [2, 2, 2, 2, 2]], [4, 1, 2, 3, 4]),
        ([[3, 2, 2, 3], [2, 2, 4, 2]], [2, 1]),
    ]

    @Test(arguments: vectors)
    func knownVectors(tallies: [[Int]], expected: [Int]) {
        #expect(MajorityJudgment.ranks(tallies) == expected)
    }

    @Test func lowerMedian() {
        #expect(MajorityJudgment.majorityGrade([42, 42]) == 0)
        #expect(MajorityJudgment.majorityGrade([4, 2, 0, 1, 2, 2, 3]) == 3)
        #expect(MajorityJudgment.majorityGrade([1, 1, 1, 1, 1, 1, 1]) == 3)
        #expect(MajorityJudgment.majorityGrade([0, 0, 0, 0, 0, 0, 0]) == nil)
        #expect(MajorityJudgment.majorityGrade([0, 0, 0, 0, 0, 0, 1]) == 6)
    }

    @Test func identicalTalliesTie() {
        let tally = [1, 2, 3, 4, 3, 2, 1]
        #expect(MajorityJudgment.compare(tally, tally) == .tie)
        #expect(MajorityJudgment.ranks([tally, tally, [0, 0, 0, 0, 0, 0, 9]]) == [2, 2, 1])
    }

    @Test func resultsCarryGradeAndRank() {
        let results = MajorityJudgment.results([[3, 2, 2, 3], [2, 2, 4, 2]])
        #expect(results[0].majorityGrade == .insuffisant)
        #expect(results[1].majorityGrade == .passable)
        #expect(results.map(\.rank) == [2, 1])
    }

    // MARK: Properties, on random elections from fixed seeds

    static let seeds: [UInt64] = Array(1...40)

    @Test(arguments: seeds)
    func resultsDoNotDependOnBallotOrder(seed: UInt64) {
        var random = SplitMix(seed: seed)
        let options = Int.random(in: 2...8, using: &random)
        let ballots = (0..<Int.random(in: 1...120, using: &random)).map { _ in randomBallot(options: options, using: &random) }
        let tallies = Tally.grades(ballots, optionCount: options)
        let shuffled = Tally.grades(ballots.shuffled(using: &random), optionCount: options)
        #expect(tallies == shuffled)
        #expect(MajorityJudgment.ranks(tallies) == MajorityJudgment.ranks(shuffled))
    }

    @Test(arguments: seeds)
    func aTopGradeNeverLowersAnOptionsRank(seed: UInt64) {
        var random = SplitMix(seed: seed)
        let options = Int.random(in: 2...8, using: &random)
        var ballots = (0..<Int.random(in: 1...80, using: &random)).map { _ in randomBallot(options: options, using: &random) }
        for _ in 0..<10 {
            let before = MajorityJudgment.ranks(Tally.grades(ballots, optionCount: options))
            // The new ballot supports one option and no other: it gives the
            // favourite the top grade and the others the lowest.
            let favourite = Int.random(in: 0..<options, using: &random)
            var grades = Array(repeating: Grade.aRejeter, count: options)
            grades[favourite] = .excellent
            ballots.append(.grades(grades))
            let after = MajorityJudgment.ranks(Tally.grades(ballots, optionCount: options))
            #expect(after[favourite] <= before[favourite], "seed \(seed): rank \(before[favourite]) → \(after[favourite])")
        }
    }

    /// Raising one option's grade on one ballot never hurts that option.
    @Test(arguments: seeds)
    func aBetterGradeNeverLowersAnOptionsRank(seed: UInt64) {
        var random = SplitMix(seed: seed)
        let options = Int.random(in: 2...6, using: &random)
        var ballots = (0..<Int.random(in: 1...60, using: &random)).map { _ in randomBallot(options: options, using: &random) }
        let before = MajorityJudgment.ranks(Tally.grades(ballots, optionCount: options))
        let index = Int.random(in: 0..<ballots.count, using: &random)
        let favourite = Int.random(in: 0..<options, using: &random)
        guard case .grades(var grades) = ballots[index] else { return }
        grades[favourite] = .excellent
        ballots[index] = .grades(grades)
        let after = MajorityJudgment.ranks(Tally.grades(ballots, optionCount: options))
        #expect(after[favourite] <= before[favourite])
    }

    @Test(arguments: seeds)
    func rankingIsConsistent(seed: UInt64) {
        var random = SplitMix(seed: seed)
        let options = Int.random(in: 2...8, using: &random)
        let tallies = (0..<options).map { _ in (0..<7).map { _ in Int.random(in: 0...6, using: &random) } }
        let ranks = MajorityJudgment.ranks(tallies)
        for a in tallies.indices {
            for b in tallies.indices {
                switch MajorityJudgment.compare(tallies[a], tallies[b]) {
                case .better: #expect(ranks[a] < ranks[b])
                case .worse: #expect(ranks[a] > ranks[b])
                case .tie: #expect(ranks[a] == ranks[b], "a tie is reported as a tie")
                }
                #expect(MajorityJudgment.compare(tallies[a], tallies[b])
                        == opposite(MajorityJudgment.compare(tallies[b], tallies[a])))
            }
        }
    }

    /// The fast comparison takes many removals at once: it must agree with
    /// the procedure taken one removal at a time, large tallies included.
    @Test(arguments: seeds)
    func fastComparisonAgreesWithTheStepByStepProcedure(seed: UInt64) {
        var random = SplitMix(seed: seed)
        for _ in 0..<200 {
            let scale = [1, 3, 50, 400].randomElement(using: &random)!
            let a = (0..<7).map { _ in Int.random(in: 0...scale, using: &random) }
            var b = (0..<7).map { _ in Int.random(in: 0...scale, using: &random) }
            if Bool.random(using: &random) {
                // Near-identical tallies make the longest tie-breaks.
                b = a
                b[Int.random(in: 0..<7, using: &random)] += Int.random(in: 0...2, using: &random)
            }
            #expect(MajorityJudgment.compare(a, b) == MajorityJudgment.compareStepByStep(a, b), "\(a) vs \(b)")
        }
    }

    func opposite(_ comparison: MajorityJudgment.Comparison) -> MajorityJudgment.Comparison {
        switch comparison {
        case .better: .worse
        case .worse: .better
        case .tie: .tie
        }
    }

    func randomBallot(options: Int, using random: inout SplitMix) -> BallotContent {
        .grades((0..<options).map { _ in Grade.allCases.randomElement(using: &random)! })
    }
}

/// A small seeded generator, so that every run tests the same elections.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
