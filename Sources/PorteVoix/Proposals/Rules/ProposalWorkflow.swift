import Foundation

/// Who may move a proposal from one status to another, as a pure function
/// of values: the controller asks it, the tests walk it exhaustively.
enum ProposalAction: String, CaseIterable, Sendable {
    case publish, reject, requestChanges, withdraw, schedule, adopt, notAdopt, forward, answer, progress, complete, decline

    var target: ProposalStatus {
        switch self {
        case .publish: .published
        case .reject: .rejected
        case .requestChanges: .changesRequested
        case .withdraw: .withdrawn
        case .schedule: .scheduled
        case .adopt: .adopted
        case .notAdopt: .notAdopted
        case .forward: .forwarded
        case .answer: .answered
        case .progress: .inProgress
        case .complete: .done
        case .decline: .declined
        }
    }

    /// The statuses this action starts from.
    var sources: Set<ProposalStatus> {
        switch self {
        case .publish, .reject, .requestChanges: [.submitted]
        case .withdraw: [.submitted, .changesRequested, .published]
        case .schedule: [.published]
        case .adopt, .notAdopt: [.scheduled]
        case .forward: [.adopted]
        case .answer: [.forwarded, .notAdopted]
        case .progress, .complete, .decline: [.answered, .inProgress]
        }
    }

    /// The roles that may act; nil: the author alone.
    var roles: Set<Role>? {
        switch self {
        case .publish, .reject, .requestChanges: [.moderator]
        case .withdraw: nil
        case .schedule, .adopt, .notAdopt: [.staff, .facilitator]
        case .forward, .answer, .progress, .complete, .decline: [.staff]
        }
    }

    /// Whether the action needs a written note (a reason, an update).
    var needsNote: Bool {
        switch self {
        case .reject, .requestChanges, .progress, .decline: true
        default: false
        }
    }

    /// The button's words.
    var buttonLabel: String {
        switch self {
        case .publish: "Publier la proposition"
        case .reject: "Refuser la proposition"
        case .requestChanges: "Demander une modification à l'auteur"
        case .withdraw: "Retirer ma proposition"
        case .schedule: "Inscrire à une séance"
        case .adopt: "Le conseil l'a adoptée"
        case .notAdopt: "Le conseil ne l'a pas adoptée"
        case .forward: "Transmettre au Département"
        case .answer: "Publier la réponse"
        case .progress: "Publier un point d'étape"
        case .complete: "Indiquer qu'elle est réalisée"
        case .decline: "Indiquer qu'elle n'est pas retenue"
        }
    }

    /// The label of its note field.
    var noteLabel: String {
        switch self {
        case .reject: "Message à l'auteur, qui le lira"
        case .requestChanges: "Ce qu'il faut changer, que l'auteur lira"
        case .progress: "Où en est la réalisation ?"
        case .decline: "Pourquoi le Département ne la retient pas"
        default: "Note (facultative)"
        }
    }
}

enum ProposalWorkflow {
    /// Whether `member` may take `action` on a proposal in `status`.
    static func allows(_ action: ProposalAction, from status: ProposalStatus, roles: Set<Role>, isAuthor: Bool) -> Bool {
        guard action.sources.contains(status) else { return false }
        // Nobody reviews their own contribution: another moderator decides.
        if action.isModeration && isAuthor { return false }
        guard let allowed = action.roles else { return isAuthor }
        return !allowed.isDisjoint(with: roles)
    }

    /// The actions `member` may take now, in the order of the lifecycle.
    static func available(from status: ProposalStatus, roles: Set<Role>, isAuthor: Bool) -> [ProposalAction] {
        ProposalAction.allCases.filter { allows($0, from: status, roles: roles, isAuthor: isAuthor) }
    }

    /// The author may change the text while nobody has reviewed it.
    static func isModeratingOwn(_ action: ProposalAction, isAuthor: Bool) -> Bool {
        action.isModeration && isAuthor
    }

    static func canEdit(status: ProposalStatus, isAuthor: Bool) -> Bool {
        isAuthor && (status == .submitted || status == .changesRequested)
    }
}

extension ProposalAction {
    /// A moderation decision: publishing, refusing, sending back to the author.
    var isModeration: Bool { self == .publish || self == .reject || self == .requestChanges }

    /// A decision that names a reason from the list (`ModerationReason`).
    var needsReason: Bool { self == .reject || self == .requestChanges }
}
