import Fluent
import Foundation
import SQLKit

/// The one writer of a comment's status: sent (waiting, or published at
/// once under post-moderation), decided by a moderator (published, sent
/// back, refused), changed by its author after being sent back (waiting
/// again). The callers check who may act and audit.
enum CommentWorkflow {
    /// A new comment, on the caller's transaction.
    static func create(on proposalID: UUID, by authorID: UUID, text: String, personalData: String?, now: Date,
                       on database: any Database) async throws -> ProposalComment {
        let comment = ProposalComment(proposalID: proposalID, authorID: authorID, body: text, at: now)
        // Sent despite the warning: a moderator checks it before anyone reads it.
        comment.personalData = personalData
        // Post-moderation: published at once, read by a moderator after.
        if try await ModerationMode.publishesAtOnce(ModerationMode.comments, personalData: comment.personalData, on: database) {
            comment.status = .published
            comment.decidedAt = comment.createdAt
            comment.reviewPending = true
        }
        try await comment.create(on: database)
        return comment
    }

    /// A moderator's decision on a waiting comment.
    enum Decision {
        case publish
        case sendBack(ModerationReason, message: String?)
        case refuse(ModerationReason, message: String?)
    }

    /// Claimed from « waiting »: of two moderators deciding at once, one
    /// decision is kept (false for the other, nothing written).
    static func decide(_ comment: ProposalComment, _ decision: Decision, now: Date, on database: any Database) async throws -> Bool {
        let (status, reason, message): (CommentStatus, ModerationReason?, String?) = switch decision {
        case .publish: (.published, nil, nil)
        case .sendBack(let reason, let message): (.changesRequested, reason, message)
        case .refuse(let reason, let message): (.rejected, reason, message)
        }
        let claimed = try await database.sql.raw("""
            UPDATE proposal_comments SET status = \(bind: status.rawValue), moderation_reason = \(bind: reason?.rawValue),
                   refusal_reason = \(bind: message), decided_at = \(bind: now)
            WHERE id = \(bind: comment.requireID()) AND status = \(bind: CommentStatus.submitted.rawValue) RETURNING id
            """).all()
        guard !claimed.isEmpty else { return false }
        comment.status = status
        comment.moderationReason = reason
        comment.refusalReason = message
        comment.decidedAt = now
        return true
    }

    /// The journal's action for a decision.
    static func auditAction(_ decision: Decision) -> AuditAction {
        switch decision {
        case .publish: .commentPublish
        case .sendBack: .commentRequestChanges
        case .refuse: .commentReject
        }
    }

    /// The author's change to a comment sent back: waiting again. Claimed
    /// from "sent back", so it is saved once, even from two tabs; false
    /// when it was already sent again.
    static func resubmit(_ commentID: UUID, text: String, personalData: String?, on database: any Database) async throws -> Bool {
        let claimed = try await database.sql.raw("""
            UPDATE proposal_comments SET body = \(bind: text), status = \(bind: CommentStatus.submitted.rawValue),
                   personal_data = \(bind: personalData), decided_at = NULL
            WHERE id = \(bind: commentID) AND status = \(bind: CommentStatus.changesRequested.rawValue) RETURNING id
            """).all()
        return !claimed.isEmpty
    }
}
