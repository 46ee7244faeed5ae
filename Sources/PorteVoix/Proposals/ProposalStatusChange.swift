import Fluent
import Foundation

extension ProposalWorkflow {
    /// The only writer of a proposal's status, whoever asks (the proposal's
    /// page, a session's agenda): the new status, its event, the audit entry
    /// and the author's notification, on the database given (a transaction).
    /// The caller has checked `allows` and read the note and answer.
    static func apply(_ action: ProposalAction, to proposal: Proposal, by member: Member, note: String,
                      answer: String? = nil, on database: any Database, now: Date = Date()) async throws {
        let id = try proposal.requireID()
        proposal.status = action.target
        proposal.statusChangedAt = now
        if action == .publish { proposal.publishedAt = now }
        if action == .answer, let answer {
            proposal.answer = answer
            proposal.answeredAt = now
        }
        try await proposal.save(on: database)
        try await ProposalEvent(proposalID: id, status: action.target, actorID: member.id,
                                note: note.isEmpty ? nil : note, at: now).create(on: database)
        // Withdrawing is the author's own act: nobody to tell, nothing to audit.
        guard action != .withdraw else { return }
        try await AuditEntry(actorID: member.id, action: "proposal.\(action.rawValue)",
                             summary: "Proposition « \(proposal.title) » : \(action.target.label).", at: now).create(on: database)
        try await Notifier.notify(proposal.$author.id, ProposalMessages.statusChanged(proposal, note: note),
                                  link: "/propositions/\(id)", on: database)
    }
}
