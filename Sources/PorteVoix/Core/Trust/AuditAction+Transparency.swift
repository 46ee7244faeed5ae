import Foundation

// MARK: - Moderation and the transparency page

extension AuditAction {
    /// The counts of the transparency page (`TransparencyCounts.Month`) that
    /// the audit log feeds.
    enum TransparencyCategory: Sendable, CaseIterable {
        /// Published. Only the naming debate's opinions are counted from the
        /// log: proposals, comments and names are counted from their own tables.
        case published
        /// Refused, by the reason code of the entry.
        case refused
        /// Sent back to the author for changes.
        case sentBack
        /// Rewritten by a moderator.
        case redacted
        /// Hidden by the server after enough reports.
        case hiddenAfterReports
        /// Hidden by a moderator.
        case hiddenByModerators
        /// Shown again by a moderator.
        case restored
    }

    /// Where the transparency page counts this entry; nil when it counts
    /// nothing there (not a moderation decision, or counted from another table).
    var transparency: TransparencyCategory? {
        switch self {
        case .opinionPublish: .published
        case .proposalReject, .commentReject, .nameReject, .opinionReject: .refused
        case .proposalRequestChanges, .commentRequestChanges, .proposalChanges, .commentChanges: .sentBack
        case .proposalRedact, .commentRedact: .redacted
        case .proposalHiddenByReports, .commentHiddenByReports: .hiddenAfterReports
        case .proposalHide, .commentHide: .hiddenByModerators
        case .proposalRestore, .commentRestore: .restored
        // Counted from the proposals', comments' and names' own rows.
        case .proposalPublish, .commentPublish, .namePublish: nil
        // Moderators' decisions that change nothing the public sees.
        case .proposalDismiss, .commentDismiss, .proposalReviewed, .commentReviewed: nil
        case .demo, .adminCreate, .installation,
             .cardsCreate, .cardsReplacement, .cardsReplacementRequest, .cardsReplacementConfirm,
             .cardsReplacementRefused, .cardsReplacementCLI, .signinUnblock,
             .settingsChange, .settingsPublicAddress, .settingsMinimumBallots,
             .memberRoles, .memberSuspend, .memberReactivate, .apiTokenCreate, .apiTokenRevoke,
             .themeAdd, .themeRename, .territoryAdd, .territoryRename,
             .proposalPaper, .proposalPaperConfirmed, .proposalPaperDeclined,
             .proposalWithdraw, .proposalSchedule, .proposalAdopt, .proposalNotAdopt, .proposalForward,
             .proposalAnswer, .proposalProgress, .proposalComplete, .proposalDecline,
             .meetingCreate, .meetingUpdate, .meetingStatus, .meetingMinutes, .meetingAttendance,
             .meetingAttendanceCorrection,
             .pollCreate, .pollDraft, .pollOpen, .pollClosed, .pollShareFetched, .pollCountShare,
             .pollCountShareOtherHolder, .pollCountShareNotHolder, .pollCountShareRefused, .pollCount,
             .pollCountRefused, .pollPaperVoters, .pollPaperBallot:
            nil
        }
    }

    /// A moderator's decision on a member's text, or the server's hiding
    /// after reports: what the moderators' journal lists.
    var isModerationDecision: Bool {
        switch self {
        case .proposalPublish, .proposalReject, .proposalRequestChanges, .proposalChanges,
             .commentPublish, .commentReject, .commentRequestChanges, .commentChanges,
             .proposalHide, .proposalRestore, .proposalDismiss, .commentHide, .commentRestore, .commentDismiss,
             .proposalHiddenByReports, .commentHiddenByReports, .proposalRedact, .commentRedact,
             .proposalReviewed, .commentReviewed,
             .namePublish, .nameReject, .opinionPublish, .opinionReject:
            true
        case .demo, .adminCreate, .installation,
             .cardsCreate, .cardsReplacement, .cardsReplacementRequest, .cardsReplacementConfirm,
             .cardsReplacementRefused, .cardsReplacementCLI, .signinUnblock,
             .settingsChange, .settingsPublicAddress, .settingsMinimumBallots,
             .memberRoles, .memberSuspend, .memberReactivate, .apiTokenCreate, .apiTokenRevoke,
             .themeAdd, .themeRename, .territoryAdd, .territoryRename,
             .proposalPaper, .proposalPaperConfirmed, .proposalPaperDeclined,
             .proposalWithdraw, .proposalSchedule, .proposalAdopt, .proposalNotAdopt, .proposalForward,
             .proposalAnswer, .proposalProgress, .proposalComplete, .proposalDecline,
             .meetingCreate, .meetingUpdate, .meetingStatus, .meetingMinutes, .meetingAttendance,
             .meetingAttendanceCorrection,
             .pollCreate, .pollDraft, .pollOpen, .pollClosed, .pollShareFetched, .pollCountShare,
             .pollCountShareOtherHolder, .pollCountShareNotHolder, .pollCountShareRefused, .pollCount,
             .pollCountRefused, .pollPaperVoters, .pollPaperBallot:
            false
        }
    }

    /// Every moderation decision: the moderators' journal.
    static let moderationActions: [AuditAction] = allCases.filter(\.isModerationDecision)

    /// Every action the transparency page counts from the log.
    static let transparencyActions: [AuditAction] = allCases.filter { $0.transparency != nil }
}
