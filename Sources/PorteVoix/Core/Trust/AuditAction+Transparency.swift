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

    /// A moderation decision, and whether the transparency page counts it.
    enum Moderation: Equatable {
        /// Counted from the log, under this category.
        case counted(TransparencyCategory)
        /// A moderator's decision the page counts from another table (a
        /// publication), or that changes nothing the public sees.
        case uncounted
    }

    /// What this action is for moderation: nil when it is not a moderation
    /// decision. One exhaustive switch for the moderators' journal and the
    /// transparency page.
    var moderation: Moderation? {
        switch self {
        case .opinionPublish: .counted(.published)
        case .proposalReject, .commentReject, .nameReject, .opinionReject: .counted(.refused)
        case .proposalRequestChanges, .commentRequestChanges, .proposalChanges, .commentChanges: .counted(.sentBack)
        case .proposalRedact, .commentRedact: .counted(.redacted)
        case .proposalHiddenByReports, .commentHiddenByReports: .counted(.hiddenAfterReports)
        case .proposalHide, .commentHide: .counted(.hiddenByModerators)
        case .proposalRestore, .commentRestore: .counted(.restored)
        // Counted from the proposals', comments' and names' own rows.
        case .proposalPublish, .commentPublish, .namePublish: .uncounted
        // Moderators' decisions that change nothing the public sees.
        case .proposalDismiss, .commentDismiss, .proposalReviewed, .commentReviewed: .uncounted
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
             .meetingAttendanceCorrection, .meetingKioskStart, .meetingKioskEnd, .proposalAnswerEasy, .pollQuestionEasy,
             .pollCreate, .pollDraft, .pollOpen, .pollClosed, .pollShareFetched, .pollCountShare,
             .pollCountShareOtherHolder, .pollCountShareNotHolder, .pollCountShareRefused, .pollCount,
             .pollCountRefused, .pollPaperVoters, .pollPaperBallot:
            nil
        }
    }

    /// Where the transparency page counts this entry; nil when it counts
    /// nothing there (not a moderation decision, or counted from another table).
    var transparency: TransparencyCategory? {
        if case .counted(let category) = moderation { category } else { nil }
    }

    /// A moderator's decision on a member's text, or the server's hiding
    /// after reports: what the moderators' journal lists.
    var isModerationDecision: Bool { moderation != nil }

    /// Every moderation decision: the moderators' journal.
    static let moderationActions: [AuditAction] = allCases.filter(\.isModerationDecision)

    /// Every action the transparency page counts from the log.
    static let transparencyActions: [AuditAction] = allCases.filter { $0.transparency != nil }
}
