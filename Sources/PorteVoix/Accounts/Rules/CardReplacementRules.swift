import Fluent
import Foundation
import SQLKit
import Vapor

/// Who may replace whose card (design/security.md; design/voting.md,
/// "Insiders"). A replacement card is the account's way back in, and so a
/// way to take it over: no single person ever gets one alone.
/// - Every replacement is asked by one person and confirmed by another.
/// - For an account with any role, both are administrators. A site with a
///   single administrator makes those cards from the server's command line
///   (`portevoix carte-de-remplacement`), since whoever runs the server
///   already holds that power.
/// - The card is printed by the person who asked, once confirmed: the one who
///   confirms never sees its code, and the one who asked cannot print without
///   the confirmation.
enum CardReplacementRules {
    /// Whether a member's account holds any role beyond member.
    static func isPrivileged(_ member: Member) -> Bool {
        !member.roles.subtracting([.participant]).isEmpty
    }

    enum Decision: Equatable {
        /// Confirmed: the requester may print the card.
        case confirm
        /// Recorded: a second person must confirm.
        case needsConfirmation
        /// Refused, with the reason in French.
        case refused(String)
    }

    static let roleAccountRefusal = "Ce compte a un rôle (animation, modération, agent ou administration) : seul un administrateur "
        + "peut demander ou confirmer sa carte de remplacement, et il faut deux administrateurs différents."

    /// What `actor` may do for `target`'s replacement: asking (`requester`
    /// nil) or confirming someone else's request.
    static func decide(actor: Member, target: Member, targetPrivileged: Bool? = nil, requester: UUID? = nil) -> Decision {
        let actorIsAdmin = actor.roles.contains(.admin)
        if actor.id == target.id {
            return .refused("Vous ne pouvez ni demander ni confirmer une carte de remplacement pour votre propre compte.")
        }
        if targetPrivileged ?? isPrivileged(target), !actorIsAdmin { return .refused(roleAccountRefusal) }
        guard let requester else { return .needsConfirmation }
        if requester == actor.id {
            return .refused("Une autre personne doit confirmer cette demande : vous ne pouvez pas confirmer la vôtre.")
        }
        return .confirm
    }

    /// Who may print a confirmed card now: its requester, and for a role
    /// account only if both the requester and the confirmer were administrators.
    static func mayPrint(_ replacement: CardReplacement, actor: Member, targetPrivileged: Bool) -> String? {
        guard replacement.$requestedBy.id == actor.id else {
            return "Seule la personne qui a demandé cette carte peut l'imprimer, une fois la demande confirmée par une autre."
        }
        if targetPrivileged {
            let confirmer = Set((replacement.confirmedByRoles ?? "").split(separator: ",").map(String.init))
            guard actor.roles.contains(.admin), confirmer.contains(Role.admin.rawValue) else { return roleAccountRefusal }
        }
        return nil
    }

    /// How long a confirmation stays good: past it, the card is asked and confirmed again.
    static let confirmationLifetime: TimeInterval = 48 * 3600

    /// A request not confirmed in 48 hours, or a confirmation not printed in 48 hours, is asked again.
    static func isExpired(_ replacement: CardReplacement, now: Date) -> Bool {
        (replacement.confirmedAt ?? replacement.requestedAt).addingTimeInterval(confirmationLifetime) < now
    }

    /// An account with a role, or one whose roles changed lately: taking
    /// its roles away for a day does not make it a member's account.
    static func isPrivileged(_ member: Member, now: Date, on database: any Database) async throws -> Bool {
        if isPrivileged(member) { return true }
        return try await recentRoleChanges(of: member.requireID(), now: now, on: database) > 0
    }

    static func recentRoleChanges(of memberID: UUID, now: Date, on database: any Database) async throws -> Int {
        try await AuditEntry.query(on: database).filter(\.$action == "member.roles")
            .filter(\.$subjectKind == "member").filter(\.$subjectID == memberID)
            .filter(\.$createdAt > now - seasoning).count()
    }

    /// A key holder of a sealed box not yet counted: taking their account
    /// would take their share. Their card is made from the command line only.
    static func holdsAPendingKey(_ memberID: UUID, on database: any Database) async throws -> Bool {
        try await PollKeyShare.query(on: database).filter(\.$member.$id == memberID)
            .join(Poll.self, on: \PollKeyShare.$pollID == \Poll.$id)
            .filter(Poll.self, \.$countedAt == nil).count() > 0
    }

    /// How long an administrator must have been one, and their account
    /// open, to confirm a card for an account with a role: a lone
    /// administrator cannot make themselves a second one for the occasion.
    static let seasoning: TimeInterval = 7 * 86_400

    /// Whether `actor` may confirm: their account open, and their roles
    /// unchanged, for a week at least, so nobody makes a second person for the occasion.
    static func isSeasoned(_ actor: Member, now: Date, on database: any Database) async throws -> Bool {
        guard let actorID = actor.id, (actor.firstActivatedAt ?? actor.charterAcceptedAt ?? now) <= now - seasoning else { return false }
        return try await recentRoleChanges(of: actorID, now: now, on: database) == 0
    }

    /// Active administrators: with one only, role accounts are replaced from the command line.
    static func administratorCount(on database: any Database) async throws -> Int {
        try await MemberRole.query(on: database).filter(\.$role == .admin)
            .join(Member.self, on: \MemberRole.$member.$id == \Member.$id)
            .filter(Member.self, \.$status == .active).count()
    }
}
