import Foundation
import Testing
@testable import Voting

@Suite("Ballots and tallies")
struct BallotTests {
    @Test func ballotsMustFitTheirPoll() {
        let approval = PollRules(kind: .approval, optionCount: 4, maxChoices: 2)
        #expect(throws: Never.self) { try BallotValidator.validate(.approval([0, 3]), rules: approval) }
        #expect(throws: BallotProblem.tooManyChoices(maximum: 2)) { try BallotValidator.validate(.approval([0, 1, 2]), rules: approval) }
        // Every option answered « non »: a ballot that approves none.
        #expect(throws: Never.self) { try BallotValidator.validate(.approval([]), rules: approval) }
        #expect(throws: BallotProblem.duplicateChoice) { try BallotValidator.validate(.approval([1, 1]), rules: approval) }
        #expect(throws: BallotProblem.unknownOption) { try BallotValidator.validate(.approval([4]), rules: approval) }
        #expect(throws: BallotProblem.wrongKind) { try BallotValidator.validate(.single(0), rules: approval) }

        let single = PollRules(kind: .single, optionCount: 3)
        #expect(throws: BallotProblem.unknownOption) { try BallotValidator.validate(.single(-1), rules: single) }
        let judgment = PollRules(kind: .majorityJudgment, optionCount: 3)
        #expect(throws: BallotProblem.wrongGradeCount) { try BallotValidator.validate(.grades([.bien]), rules: judgment) }
        #expect(throws: Never.self) { try BallotValidator.validate(.grades([.bien, .aRejeter, .excellent]), rules: judgment) }
        #expect(throws: Never.self) { try BallotValidator.validate(.yesNo(.abstention), rules: PollRules(kind: .yesNo, optionCount: 0)) }
    }

    @Test func yesNoCountsAbstentionsApart() {
        let result = Tally.yesNo([.yesNo(.pour), .yesNo(.pour), .yesNo(.contre), .yesNo(.abstention)])
        #expect(result == YesNoResult(pour: 2, contre: 1, abstention: 1))
        #expect(result.expressed == 3)
        #expect(result.outcome == .adopted)
        #expect(Tally.yesNo([.yesNo(.pour), .yesNo(.contre)]).outcome == .tie)
        #expect(Tally.yesNo([.yesNo(.abstention)]).outcome == .noExpression)
    }

    @Test func singleChoiceReportsTiesAsTies() {
        let counts = Tally.options([.single(0), .single(2), .single(2), .single(0), .single(1)], optionCount: 3)
        #expect(counts.counts == [2, 1, 2])
        #expect(counts.winners == [0, 2])
        #expect(counts.isTie)
        #expect(counts.ballots == 5)
    }

    @Test func approvalCountsEveryChosenOption() {
        let counts = Tally.options([.approval([0, 1]), .approval([1]), .approval([1, 2])], optionCount: 3)
        #expect(counts.counts == [1, 3, 1])
        #expect(counts.winners == [1])
        #expect(counts.ballots == 3)
    }

    @Test func ballotContentRoundTripsThroughJSON() throws {
        for content in [BallotContent.yesNo(.contre), .single(2), .approval([0, 3]), .grades([.passable, .excellent])] {
            let data = try JSONEncoder().encode(content)
            #expect(try JSONDecoder().decode(BallotContent.self, from: data) == content)
        }
    }
}
