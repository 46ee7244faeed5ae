import Fluent
import Vapor

enum ProposalMessages {
    static func statusChanged(_ proposal: Proposal, note: String) -> String {
        let title = "« \(proposal.title) »"
        switch proposal.status {
        case .published: return "Votre proposition \(title) est publiée. Les autres membres peuvent la lire et la soutenir."
        case .rejected:
            return "Votre proposition \(title) n'a pas été publiée (\(proposal.moderationReason?.label ?? "refusée")). \(note)"
        case .changesRequested:
            return "L'équipe de modération vous demande de modifier votre proposition \(title) avant de la publier : \(note)"
        case .scheduled: return "Votre proposition \(title) est inscrite à une séance du conseil." + (note.isEmpty ? "" : " \(note)")
        case .adopted: return "Le conseil a adopté votre proposition \(title)."
        case .notAdopted: return "Le conseil n'a pas adopté votre proposition \(title)."
        case .forwarded: return "Votre proposition \(title) est transmise au Département."
        case .answered: return "Le Département a répondu à votre proposition \(title)."
        case .inProgress: return "Point d'étape sur votre proposition \(title) : \(note)"
        case .done: return "Votre proposition \(title) est réalisée."
        case .declined: return "Le Département ne retient pas votre proposition \(title). Raison : \(note)"
        case .submitted, .withdrawn: return "Votre proposition \(title) : \(proposal.status.label)."
        }
    }

    static func confirmation(_ action: ProposalAction) -> String {
        switch action {
        case .withdraw: "Votre proposition est retirée."
        case .publish: "La proposition est publiée. Son auteur est prévenu."
        case .reject: "La proposition est refusée. Son auteur lira la raison."
        case .requestChanges: "La proposition est renvoyée à son auteur. Elle reviendra ici quand il l'aura modifiée."
        case .answer: "La réponse du Département est publiée. L'auteur est prévenu."
        default: "C'est enregistré : la proposition est maintenant « \(action.target.label) ». L'auteur est prévenu."
        }
    }
}
