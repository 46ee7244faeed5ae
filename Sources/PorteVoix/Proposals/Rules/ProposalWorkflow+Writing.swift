import Fluent
import Foundation
import SQLKit

/// A proposal's status as its author's form moves it: created (submitted,
/// or published at once under post-moderation), edited (sent back and
/// changed: submitted again; waiting only for its personal data and now
/// clean: published). With `apply` (ProposalStatusChange.swift), the only
/// writers of a proposal's status and of its events.
extension ProposalWorkflow {
    enum EditOutcome: Equatable {
        /// Saved; the status stays.
        case unchanged
        /// Sent back by a moderator, changed: back in the queue.
        case resubmitted
        /// Published now that nothing waits.
        case published
    }

    static func create(_ valid: ProposalDraft, authorID: UUID?, claimedAuthorID: UUID? = nil, fromPaper: Bool, enteredBy: UUID?, now: Date,
              on database: any Database) async throws -> Proposal {
        try await database.transaction { database in
            let proposal = Proposal(
                title: valid.title, body: valid.body, themeID: valid.themeID, territoryID: valid.territoryID,
                authorID: authorID, anonymous: valid.anonymous, fromPaper: fromPaper, enteredByID: enteredBy,
                status: .submitted, at: now
            )
            proposal.$claimedAuthor.id = claimedAuthorID
            // Sent despite the warning: a moderator checks it before anyone reads it.
            proposal.personalData = Screening.stored(Screening.kinds(in: valid.title, valid.body))
            // Post-moderation: a member's own proposal is read after publication.
            let atOnce = fromPaper ? false
                : try await ModerationMode.publishesAtOnce(ModerationMode.proposals, personalData: proposal.personalData, on: database)
            if atOnce {
                proposal.status = .published
                proposal.publishedAt = proposal.createdAt
                proposal.reviewPending = true
            }
            try await proposal.create(on: database)
            try await ProposalEvent(proposalID: proposal.requireID(), status: .submitted,
                                    actorID: enteredBy ?? authorID, note: nil, at: proposal.createdAt).create(on: database)
            if atOnce {
                try await ProposalEvent(proposalID: proposal.requireID(), status: .published, actorID: authorID,
                                        note: nil, at: proposal.createdAt).create(on: database)
            }
            return proposal
        }
    }

    /// Saves the author's edit, claimed from the status read: nil when a
    /// moderator's decision was taken meanwhile (nothing is overwritten).
    static func saveEdit(_ proposal: Proposal, _ valid: ProposalDraft, clock: any SiteClock,
                         on database: any Database) async throws -> EditOutcome? {
        let id = try proposal.requireID()
        proposal.title = valid.title
        proposal.body = valid.body
        proposal.$theme.id = valid.themeID
        proposal.$territory.id = valid.territoryID
        proposal.anonymous = valid.anonymous
        proposal.searchText = Proposal.searchText(title: valid.title, body: valid.body)
        // Screened again: an edit that removes every hit clears the flag.
        proposal.personalData = Screening.stored(Screening.kinds(in: valid.title, valid.body))
        // Sent back by a moderator: changed, it returns to the queue.
        let sentBack = proposal.status == .changesRequested
        // Post-moderation: a text that waited only for its personal data is
        // published once the author's edit took every hit out.
        // Never a text a moderator has already decided on (sent back once, refused).
        let mayPublish = !sentBack && !proposal.fromPaper && proposal.status == .submitted && proposal.moderationReason == nil
        let publishNow = mayPublish
            ? try await ModerationMode.publishesAtOnce(ModerationMode.proposals, personalData: proposal.personalData, on: database)
            : false
        let readStatus = proposal.status
        return try await database.transaction { database -> EditOutcome? in
            // Claimed from the status read: a moderator's decision taken meanwhile is never overwritten.
            let claimed = try await database.sql.raw("""
                UPDATE proposals SET status_changed_at = status_changed_at
                WHERE id = \(bind: id) AND status = \(bind: readStatus.rawValue) RETURNING id
                """).all()
            guard !claimed.isEmpty else { return nil }
            // Read once the row is claimed, as every status change.
            let now = clock.now()
            if sentBack {
                proposal.status = .submitted
                proposal.statusChangedAt = now
                try await ProposalEvent(proposalID: id, status: .submitted, actorID: proposal.$author.id,
                                        note: "Modifiée par son auteur, à la demande de l'équipe de modération.", at: now).create(on: database)
            } else if publishNow {
                proposal.status = .published
                proposal.statusChangedAt = now
                proposal.publishedAt = now
                proposal.reviewPending = true
                try await ProposalEvent(proposalID: id, status: .published, actorID: proposal.$author.id, note: nil, at: now)
                    .create(on: database)
            }
            try await proposal.save(on: database)
            return sentBack ? .resubmitted : publishNow ? .published : .unchanged
        }
    }
}
