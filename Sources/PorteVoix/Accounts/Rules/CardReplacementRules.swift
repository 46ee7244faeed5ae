import Fluent
import Foundation
import SQLKit
import Vapor

enum CardReplacementRules {
    /// Whether a member's account holds any role beyond member.
    static func isPrivileged(_ member: Member) -> Bool {
        !member.roles.subtracting([.participant]).isEmpty
    }

    enum Decision: Equatable {
        /// The card may be issued now.
        case issue
        /// A second person must confirm.
        case needsConfirmation
        /// Refused, with the reason in French.
        case refused(String)
    }

    /// What `actor` may do for `target`'s replacement, asking (`requester`
    /// nil) or confirming someone else's request.
    static func decide(actor: Member, target: Member, requester: UUID? = nil) -> Decision {
        let actorIsAdmin = actor.roles.contains(.admin)
        if isPrivileged(target) {
            return actorIsAdmin ? .issue
                : .refused("Ce compte a un rôle (animation, modération, agent ou administration) : seul un administrateur "
                    + "peut lui faire une carte de remplacement.")
        }
        guard let requester else { return .needsConfirmation }
        if requester == actor.id {
            return .refused("Une autre personne doit confirmer cette demande : vous ne pouvez pas confirmer la vôtre.")
        }
        return .issue
    }
}
