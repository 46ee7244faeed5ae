import Fluent
import Foundation
import SQLKit

extension ProposalWorkflow {
    /// The only writer of a proposal's status, whoever asks (the proposal's
    /// page, a session's agenda): the new status, its event, the audit entry
    /// and the author's notification, on the database given (a transaction).
    /// The caller has checked `allows` and read the note and answer.
    static func apply(_ action: ProposalAction, to proposal: Proposal, by member: Member, note: String,
                      answer: String? = nil, reason: ModerationReason? = nil, duplicateOf: UUID? = nil,
                      on database: any Database, now: Date) async throws {
        let id = try proposal.requireID()
        // Claimed from the status the caller checked: two changes at once
        // (the author withdrawing while a session links it) cannot both win.
        let claimed = try await database.sql.raw("""
            UPDATE proposals SET status = \(bind: action.target.rawValue), status_changed_at = \(bind: now)
            WHERE id = \(bind: id) AND status = \(bind: proposal.status.rawValue) RETURNING id
            """).all()
        guard !claimed.isEmpty else {
            throw PageError(.conflict, title: "Cette action n'est plus possible",
                            message: "La proposition vient de changer. Rechargez sa page pour voir où elle en est.")
        }
        proposal.status = action.target
        proposal.statusChangedAt = now
        if action == .publish { proposal.publishedAt = now }
        if action.isModeration {
            proposal.moderationReason = reason
            proposal.duplicateOfID = duplicateOf
        }
        if action == .answer, let answer {
            proposal.answer = answer
            proposal.answeredAt = now
        }
        try await proposal.save(on: database)
        // A refused or withdrawn text is no longer read aloud; an answered one
        // is read with its new answer.
        try await Recordings.forget(.proposal(id), on: database)
        try await ProposalEvent(proposalID: id, status: action.target, actorID: member.id,
                                note: note.isEmpty ? nil : note, at: now).create(on: database)
        // Withdrawing is the author's own act: nobody to tell, nothing to audit.
        guard action != .withdraw else { return }
        let auditDetails = reason.map { ["reason": $0.rawValue] } ?? [:]
        try await AuditLog.append(actorID: member.id, action: .proposal(action), subject: .proposal(id),
                                  details: auditDetails, at: now, on: database)
        try await Notifier.notify(proposal.$author.id, ProposalMessages.statusChanged(proposal, note: note),
                                  link: .proposal(id), at: now, on: database)
    }

    /// The note and the answer an action asks for, checked: an error per field, none when all is right.
    static func checkTexts(of action: ProposalAction, note: String, answer: String) -> FormErrors {
        var errors = FormErrors()
        if action.needsNote && note.isEmpty {
            errors.add("note-\(action.rawValue)", "Écrivez quelques mots : l'auteur et le public les liront.")
        } else if note.count > ProposalLimits.note {
            errors.add("note-\(action.rawValue)", "Ce texte est trop long : \(ProposalLimits.note) caractères au plus.")
        }
        if action == .answer {
            if answer.count < ProposalDraft.shortestBody {
                errors.add("reponse", "Écrivez la réponse du Département.")
            } else if answer.count > ProposalLimits.answer {
                errors.add("reponse", "La réponse est trop longue : \(ProposalLimits.answer) caractères au plus.")
            }
        }
        return errors
    }
}
