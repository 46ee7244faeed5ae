import Foundation

/// What an entry of the audit log records: the code stored in
/// `audit_entries.action`. The raw values are the codes already stored, so
/// every existing row keeps reading; a new code is a new case, and the
/// compiler then asks for its sentence, its label and where the
/// transparency page counts it.
enum AuditAction: String, CaseIterable, Sendable {
    // MARK: The site itself

    case demo = "demo"
    case adminCreate = "admin.create"
    case installation = "installation"

    // MARK: Access cards and sign-in

    case cardsCreate = "cards.create"
    case cardsReplacement = "cards.replacement"
    case cardsReplacementRequest = "cards.replacement.request"
    case cardsReplacementConfirm = "cards.replacement.confirm"
    case cardsReplacementRefused = "cards.replacement.refused"
    case cardsReplacementCLI = "cards.replacement.cli"
    case signinUnblock = "signin.unblock"

    // MARK: Settings

    case settingsChange = "settings.change"
    case settingsPublicAddress = "settings.public_address"
    /// Legacy: written by earlier versions (the first audit table, before the
    /// chained log), still read: the migration carried these entries over.
    case settingsMinimumBallots = "settings.minimum_ballots"

    // MARK: Members and API tokens

    case memberRoles = "member.roles"
    case memberSuspend = "member.suspend"
    case memberReactivate = "member.reactivate"
    case apiTokenCreate = "api_token.create"
    case apiTokenRevoke = "api_token.revoke"

    // MARK: Themes and territories (`listAdd`, `listRename`)

    case themeAdd = "theme.add"
    case themeRename = "theme.rename"
    case territoryAdd = "territory.add"
    case territoryRename = "territory.rename"

    // MARK: Proposals on paper

    case proposalPaper = "proposal.paper"
    case proposalPaperConfirmed = "proposal.paper.confirmed"
    case proposalPaperDeclined = "proposal.paper.declined"

    // MARK: A proposal's workflow, one per `ProposalAction` (`proposal(_:)`)

    case proposalPublish = "proposal.publish"
    case proposalReject = "proposal.reject"
    case proposalRequestChanges = "proposal.requestChanges"
    /// Not written: withdrawing is the author's own act, and
    /// `ProposalWorkflow.apply` returns before the log. A case all the same,
    /// so that `proposal(_:)` covers every `ProposalAction`.
    case proposalWithdraw = "proposal.withdraw"
    case proposalSchedule = "proposal.schedule"
    case proposalAdopt = "proposal.adopt"
    case proposalNotAdopt = "proposal.notAdopt"
    case proposalForward = "proposal.forward"
    case proposalAnswer = "proposal.answer"
    case proposalProgress = "proposal.progress"
    case proposalComplete = "proposal.complete"
    case proposalDecline = "proposal.decline"
    /// Legacy: read by earlier versions' sentences as a text sent back to its
    /// author; what is written is `proposal.requestChanges`.
    case proposalChanges = "proposal.changes"

    // MARK: Comments' moderation (`CommentWorkflow.auditAction(_:)`)

    case commentPublish = "comment.publish"
    case commentReject = "comment.reject"
    case commentRequestChanges = "comment.requestChanges"
    /// Legacy: read by earlier versions' sentences as a comment sent back to
    /// its author; what is written is `comment.requestChanges`.
    case commentChanges = "comment.changes"

    // MARK: Reports and moderators' decisions on published texts

    case proposalHide = "proposal.hide"
    case proposalRestore = "proposal.restore"
    case proposalDismiss = "proposal.dismiss"
    case commentHide = "comment.hide"
    case commentRestore = "comment.restore"
    case commentDismiss = "comment.dismiss"
    case proposalHiddenByReports = "proposal.hidden_by_reports"
    case commentHiddenByReports = "comment.hidden_by_reports"
    case proposalRedact = "proposal.redact"
    case commentRedact = "comment.redact"
    case proposalReviewed = "proposal.reviewed"
    case commentReviewed = "comment.reviewed"

    // MARK: The naming debate

    case namePublish = "name.publish"
    case nameReject = "name.reject"
    case opinionPublish = "opinion.publish"
    case opinionReject = "opinion.reject"

    // MARK: Meetings

    case meetingCreate = "meeting.create"
    case meetingUpdate = "meeting.update"
    case meetingStatus = "meeting.status"
    case meetingMinutes = "meeting.minutes"
    case meetingAttendance = "meeting.attendance"
    case meetingAttendanceCorrection = "meeting.attendance.correction"
    /// A device became the session's voting kiosk, or stopped being it
    /// (never who used it).
    case meetingKioskStart = "meeting.kiosk.start"
    case meetingKioskEnd = "meeting.kiosk.end"

    // MARK: Easy-to-read versions

    case proposalAnswerEasy = "proposal.answer.easy"
    case pollQuestionEasy = "poll.question.easy"

    // MARK: Polls (`poll(_:)` for the statuses)

    case pollCreate = "poll.create"
    /// Not written: a poll is logged as it opens or closes. A case all the
    /// same, so that `poll(_:)` covers every `PollStatus`.
    case pollDraft = "poll.draft"
    case pollOpen = "poll.open"
    case pollClosed = "poll.closed"
    case pollShareFetched = "poll.share.fetched"
    case pollCountShare = "poll.count.share"
    case pollCountShareOtherHolder = "poll.count.share.other_holder"
    case pollCountShareNotHolder = "poll.count.share.not_holder"
    case pollCountShareRefused = "poll.count.share.refused"
    case pollCount = "poll.count"
    case pollCountRefused = "poll.count.refused"
    case pollPaperVoters = "poll.paper.voters"
    case pollPaperBallot = "poll.paper.ballot"
}

// MARK: - The families built from another enum

extension AuditAction {
    /// The two lists an administrator names: themes and territories. The raw
    /// value is the subject's kind (`AuditSubject(kind:id:)`).
    enum ListKind: String, CaseIterable, Sendable {
        case theme, territory
    }

    /// What a moderator decides on a reported, published text.
    enum ReportDecision: String, CaseIterable, Sendable {
        /// Hidden, for a reason.
        case hide
        /// It was hidden: shown again.
        case restore
        /// It was never hidden: the reports are set aside, the text stays as it was.
        case dismiss
    }

    /// A step of a proposal's workflow.
    static func proposal(_ action: ProposalAction) -> AuditAction {
        switch action {
        case .publish: .proposalPublish
        case .reject: .proposalReject
        case .requestChanges: .proposalRequestChanges
        case .withdraw: .proposalWithdraw
        case .schedule: .proposalSchedule
        case .adopt: .proposalAdopt
        case .notAdopt: .proposalNotAdopt
        case .forward: .proposalForward
        case .answer: .proposalAnswer
        case .progress: .proposalProgress
        case .complete: .proposalComplete
        case .decline: .proposalDecline
        }
    }

    /// A poll's new status.
    static func poll(_ status: PollStatus) -> AuditAction {
        switch status {
        case .draft: .pollDraft
        case .open: .pollOpen
        case .closed: .pollClosed
        }
    }

    /// A theme or a territory added.
    static func listAdd(_ kind: ListKind) -> AuditAction {
        switch kind {
        case .theme: .themeAdd
        case .territory: .territoryAdd
        }
    }

    /// A theme or a territory renamed.
    static func listRename(_ kind: ListKind) -> AuditAction {
        switch kind {
        case .theme: .themeRename
        case .territory: .territoryRename
        }
    }

    /// A moderator's decision on a reported proposal or comment.
    static func moderation(_ kind: ReportedKind, _ decision: ReportDecision) -> AuditAction {
        switch (kind, decision) {
        case (.proposal, .hide): .proposalHide
        case (.proposal, .restore): .proposalRestore
        case (.proposal, .dismiss): .proposalDismiss
        case (.comment, .hide): .commentHide
        case (.comment, .restore): .commentRestore
        case (.comment, .dismiss): .commentDismiss
        }
    }

    /// Enough members reported it: the server hid it.
    static func hiddenByReports(_ kind: ReportedKind) -> AuditAction {
        switch kind {
        case .proposal: .proposalHiddenByReports
        case .comment: .commentHiddenByReports
        }
    }

    /// A moderator rewrote it, the original destroyed.
    static func redact(_ kind: ReportedKind) -> AuditAction {
        switch kind {
        case .proposal: .proposalRedact
        case .comment: .commentRedact
        }
    }

    /// Read after publication (post-moderation), nothing to change.
    static func reviewed(_ kind: ReportedKind) -> AuditAction {
        switch kind {
        case .proposal: .proposalReviewed
        case .comment: .commentReviewed
        }
    }
}

// MARK: - Words

extension AuditAction {
    /// A short French name, for migrated entries and filters.
    var label: String {
        switch self {
        case .demo: "Données de démonstration"
        case .adminCreate: "Compte administrateur créé depuis le serveur"
        case .installation: "Installation"
        case .cardsCreate: "Cartes d'accès créées"
        case .cardsReplacement: "Carte de remplacement imprimée"
        case .cardsReplacementRequest: "Carte de remplacement demandée"
        case .cardsReplacementConfirm: "Carte de remplacement confirmée"
        case .cardsReplacementRefused: "Carte de remplacement refusée"
        case .cardsReplacementCLI: "Carte de remplacement (terminal)"
        case .signinUnblock: "Connexion débloquée"
        case .settingsChange: "Réglages modifiés"
        case .settingsPublicAddress: "Adresse publique du site"
        case .settingsMinimumBallots: "Nombre minimum de bulletins modifié"
        case .memberRoles: "Rôles modifiés"
        case .memberSuspend: "Compte suspendu"
        case .memberReactivate: "Compte réactivé"
        case .apiTokenCreate: "Jeton d'API créé"
        case .apiTokenRevoke: "Jeton d'API révoqué"
        case .themeAdd: "Thème ajouté"
        case .themeRename: "Thème renommé"
        case .territoryAdd: "Territoire ajouté"
        case .territoryRename: "Territoire renommé"
        case .proposalPaper: "Proposition sur papier saisie"
        case .proposalPaperConfirmed: "Proposition sur papier confirmée"
        case .proposalPaperDeclined: "Proposition sur papier non reconnue"
        case .proposalPublish: "Proposition publiée"
        case .proposalReject: "Proposition refusée"
        case .proposalRequestChanges, .proposalChanges: "Proposition renvoyée à son auteur"
        case .proposalWithdraw: "Proposition retirée par son auteur"
        case .proposalSchedule: "Proposition inscrite à une séance"
        case .proposalAdopt: "Proposition adoptée par le conseil"
        case .proposalNotAdopt: "Proposition non adoptée par le conseil"
        case .proposalForward: "Proposition transmise au Département"
        case .proposalAnswer: "Réponse du Département publiée"
        case .proposalProgress: "Point d'étape publié"
        case .proposalComplete: "Proposition réalisée"
        case .proposalDecline: "Proposition non retenue par le Département"
        case .commentPublish: "Commentaire publié"
        case .commentReject: "Commentaire refusé"
        case .commentRequestChanges, .commentChanges: "Commentaire renvoyé à son auteur"
        case .proposalHide: "Proposition masquée"
        case .commentHide: "Commentaire masqué"
        case .proposalRestore: "Proposition rétablie"
        case .commentRestore: "Commentaire rétabli"
        case .proposalDismiss, .commentDismiss: "Signalements écartés"
        case .proposalHiddenByReports: "Proposition masquée après signalements"
        case .commentHiddenByReports: "Commentaire masqué après signalements"
        case .proposalRedact: "Proposition modifiée par la modération"
        case .commentRedact: "Commentaire modifié par la modération"
        case .proposalReviewed: "Proposition relue après publication"
        case .commentReviewed: "Commentaire relu après publication"
        case .namePublish: "Nom proposé publié"
        case .nameReject: "Nom proposé refusé"
        case .opinionPublish: "Avis publié"
        case .opinionReject: "Avis refusé"
        case .meetingCreate: "Séance prévue"
        case .meetingUpdate: "Séance modifiée"
        case .meetingStatus: "État d'une séance"
        case .meetingMinutes: "Compte rendu publié"
        case .meetingAttendance: "Présences modifiées"
        case .meetingAttendanceCorrection: "Émargement d'une séance terminée corrigé"
        case .meetingKioskStart: "Borne de vote ouverte"
        case .meetingKioskEnd: "Borne de vote fermée"
        case .proposalAnswerEasy: "Réponse facile à lire"
        case .pollQuestionEasy: "Question facile à lire"
        case .pollCreate: "Scrutin préparé"
        case .pollDraft: "Scrutin en préparation"
        case .pollOpen: "Scrutin ouvert"
        case .pollClosed: "Scrutin clos"
        case .pollShareFetched: "Part de clé ouverte par son détenteur"
        case .pollCountShare: "Part de clé donnée au dépouillement"
        case .pollCountShareOtherHolder: "Part d'un autre détenteur refusée"
        case .pollCountShareNotHolder: "Part tapée par un non-détenteur"
        case .pollCountShareRefused: "Part de clé refusée"
        case .pollCount: "Dépouillement"
        case .pollCountRefused: "Dépouillement refusé"
        case .pollPaperVoters: "Votants sur papier notés"
        case .pollPaperBallot: "Bulletin papier saisi"
        }
    }

}
