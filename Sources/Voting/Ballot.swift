/// The kinds of poll the council runs (design/voting.md).
public enum PollKind: String, Codable, CaseIterable, Sendable {
    /// Pour / contre / abstention.
    case yesNo
    /// One option.
    case single
    /// Any number of options, up to a maximum.
    case approval
    /// One grade per option, on the 7-grade French scale.
    case majorityJudgment
}

public enum YesNoChoice: String, Codable, CaseIterable, Sendable {
    case pour, contre, abstention

    public var label: String {
        switch self {
        case .pour: "Pour"
        case .contre: "Contre"
        case .abstention: "Abstention"
        }
    }
}

/// The 7-grade scale of majority judgment, worst first.
public enum Grade: Int, Codable, CaseIterable, Comparable, Sendable {
    case aRejeter, insuffisant, passable, assezBien, bien, tresBien, excellent

    public var label: String {
        switch self {
        case .aRejeter: "À rejeter"
        case .insuffisant: "Insuffisant"
        case .passable: "Passable"
        case .assezBien: "Assez bien"
        case .bien: "Bien"
        case .tresBien: "Très bien"
        case .excellent: "Excellent"
        }
    }

    public static func < (lhs: Grade, rhs: Grade) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// What one ballot says. Options are referred to by their index in the poll.
public enum BallotContent: Codable, Equatable, Sendable {
    case yesNo(YesNoChoice)
    case single(Int)
    /// The chosen options, sorted.
    case approval([Int])
    /// One grade per option, in the poll's order.
    case grades([Grade])

    public var kind: PollKind {
        switch self {
        case .yesNo: .yesNo
        case .single: .single
        case .approval: .approval
        case .grades: .majorityJudgment
        }
    }
}

/// What a ballot is checked against.
public struct PollRules: Sendable, Equatable {
    public var kind: PollKind
    public var optionCount: Int
    /// For approval: how many options a ballot may choose at most.
    public var maxChoices: Int

    public init(kind: PollKind, optionCount: Int, maxChoices: Int? = nil) {
        self.kind = kind
        self.optionCount = optionCount
        self.maxChoices = maxChoices ?? optionCount
    }
}

public enum BallotProblem: Error, Equatable, Sendable {
    case wrongKind
    case noChoice
    case unknownOption
    case tooManyChoices(maximum: Int)
    case duplicateChoice
    case wrongGradeCount

    /// For the person voting, in plain French.
    public var message: String {
        switch self {
        case .wrongKind, .unknownOption, .wrongGradeCount:
            "Ce bulletin ne correspond pas à ce scrutin. Rechargez la page et votez à nouveau."
        case .noChoice: "Faites un choix avant de voter."
        case .tooManyChoices(let maximum): maximum == 1 ? "Choisissez une seule réponse." : "Choisissez au plus \(maximum) réponses."
        case .duplicateChoice: "Chaque réponse ne peut être choisie qu'une fois."
        }
    }
}

public enum BallotValidator {
    /// Accepts a ballot that fits the poll, or says what is wrong with it.
    public static func validate(_ content: BallotContent, rules: PollRules) throws(BallotProblem) {
        guard content.kind == rules.kind else { throw .wrongKind }
        switch content {
        case .yesNo:
            return
        case .single(let index):
            guard (0..<rules.optionCount).contains(index) else { throw .unknownOption }
        case .approval(let indices):
            // « Non » to every option is a choice too: every option is
            // answered explicitly, nothing pre-ticked (design/voting.md, "Traffic").
            guard Set(indices).count == indices.count else { throw .duplicateChoice }
            guard indices.allSatisfy({ (0..<rules.optionCount).contains($0) }) else { throw .unknownOption }
            guard indices.count <= rules.maxChoices else { throw .tooManyChoices(maximum: rules.maxChoices) }
        case .grades(let grades):
            guard grades.count == rules.optionCount else { throw .wrongGradeCount }
        }
    }
}
