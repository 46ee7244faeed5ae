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

    // MARK: Comments' moderation (`commentDecision(_:)`)

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

    /// A moderator's decision on a waiting comment, by the status it leads
    /// to; nil for `.submitted`, which is no decision.
    static func commentDecision(_ status: CommentStatus) -> AuditAction? {
        switch status {
        case .submitted: nil
        case .published: .commentPublish
        case .rejected: .commentReject
        case .changesRequested: .commentRequestChanges
        }
    }
}

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

    /// One French sentence for an entry of this action, written from its
    /// codes and the names looked up now (`AuditNames`).
    func sentence(for entry: AuditEntry, names: AuditNames) -> String {
        let details = entry.detailValues
        let what = names.subject(entry.subject)
        let count = Int(details["count"] ?? "") ?? 0
        func plural(_ word: String) -> String { count > 1 ? word + "s" : word }
        let reason = details["reason"].map(ModerationReason.labelOf) ?? ""
        // The reason in brackets after the decision, when the entry has one.
        let because = reason.isEmpty ? "" : " (\(reason))"
        switch self {
        case .demo:
            return "Données de démonstration créées."
        case .adminCreate:
            return "Compte administrateur \(what) créé depuis le terminal du serveur."
        case .installation:
            return "Premier compte administrateur \(what) créé par le lien d'installation."
        case .cardsCreate:
            let territory = details["territory"].flatMap(UUID.init(uuidString:)).flatMap { names.territories[$0] }
            let during = details["openPolls"].map { ", pendant que \($0) \($0 == "1" ? "vote était ouvert" : "votes étaient ouverts")" } ?? ""
            return "\(count) \(plural("carte")) d'accès \(plural("créée")) (\(territory ?? "tout le département"))\(during)."
        case .cardsReplacementRefused:
            return "Carte de remplacement refusée pour \(what) : ce compte a un rôle."
        case .cardsReplacementRequest:
            return "Carte de remplacement demandée pour \(what)."
        case .cardsReplacementConfirm:
            let requester = names.member(AuditDetails.ids(in: details["requester"]).first)
            return "Carte de remplacement pour \(what), demandée par \(requester), confirmée par « \(names.actor(entry)) »."
        case .cardsReplacement:
            let requester = names.member(AuditDetails.ids(in: details["requester"]).first)
            let confirmer = details["confirmer"].map { names.member(UUID(uuidString: $0)) } ?? "une autre personne"
            return "Carte de remplacement imprimée pour \(what) par « \(names.actor(entry)) », demandée par \(requester), "
                + "confirmée par \(confirmer). Son ancien mot de passe et ses sessions ne marchent plus."
        case .cardsReplacementCLI:
            return "Carte de remplacement pour \(what) faite depuis le terminal du serveur. Son ancien mot de passe et ses sessions ne marchent plus."
        case .signinUnblock:
            return "Connexion débloquée en personne pour \(what)."
        case .settingsPublicAddress:
            return "Adresse publique du site : \(details["address"] ?? "")."
        case .settingsChange:
            let changes = details.keys.sorted().map { "\(SettingLabels.audit(of: $0)) : \(details[$0] ?? "")" }
            return changes.isEmpty ? "Réglages du site modifiés." : changes.joined(separator: " ; ") + "."
        case .settingsMinimumBallots:
            return "Nombre minimum de bulletins pour publier un résultat modifié."
        case .memberRoles:
            let roles = (details["roles"] ?? "").split(separator: ",").compactMap { Role(rawValue: String($0))?.label }
            let territory = details["territory"].flatMap(UUID.init(uuidString:)).flatMap { names.territories[$0] }
            return "Rôles de \(what) : \(roles.joined(separator: ", ")) ; territoire : \(territory ?? "tout le département")."
        case .apiTokenCreate:
            return "Jeton d'API créé par \(what), valable \(details["days"] ?? "?") jours."
        case .apiTokenRevoke:
            return "Jeton d'API de \(what) révoqué."
        case .memberSuspend:
            return "Compte de \(what) suspendu."
        case .memberReactivate:
            return "Compte de \(what) réactivé."
        case .themeAdd:
            return "Nouveau thème : \(what)."
        case .territoryAdd:
            return "Nouveau territoire : \(what)."
        case .themeRename:
            return "Thème renommé, qui s'appelle maintenant \(what)."
        case .territoryRename:
            return "Territoire renommé, qui s'appelle maintenant \(what)."
        case .proposalPaper:
            return "Proposition sur papier saisie : \(what)" + (details["claimed"] == nil ? "." : ", en attente de la confirmation du membre indiqué.")
        case .proposalPaperConfirmed:
            return "La personne qui a écrit la proposition sur papier \(what) confirme qu'elle est d'elle."
        case .proposalPaperDeclined:
            return "Un membre dit ne pas avoir écrit la proposition sur papier \(what)."

        // A proposal's workflow.
        case .proposalPublish:
            return "Proposition \(what) publiée."
        case .proposalReject:
            return "Proposition \(what) refusée\(because)."
        case .proposalRequestChanges, .proposalChanges:
            return "Proposition \(what) renvoyée à son auteur pour modification\(because)."
        case .proposalWithdraw:
            return "Proposition \(what) retirée par son auteur."
        case .proposalSchedule:
            return "Proposition \(what) inscrite à une séance du conseil."
        case .proposalAdopt:
            return "Proposition \(what) adoptée par le conseil."
        case .proposalNotAdopt:
            return "Proposition \(what) non adoptée par le conseil."
        case .proposalForward:
            return "Proposition \(what) transmise au Département."
        case .proposalAnswer:
            return "Réponse du Département publiée pour la proposition \(what)."
        case .proposalProgress:
            return "Point d'étape publié sur la réalisation de la proposition \(what)."
        case .proposalComplete:
            return "Proposition \(what) réalisée."
        case .proposalDecline:
            return "Proposition \(what) non retenue par le Département."

        // Comments waiting for a decision.
        case .commentPublish:
            return "Commentaire \(what) publié."
        case .commentReject:
            return "Commentaire \(what) refusé\(because)."
        case .commentRequestChanges, .commentChanges:
            return "Commentaire \(what) renvoyé à son auteur pour modification\(because)."

        // Published texts: reports, hiding, rewriting, reading after publication.
        case .proposalRedact:
            return "Proposition \(what) modifiée par l'équipe de modération\(because) ; le texte d'origine est détruit."
        case .commentRedact:
            return "Commentaire \(what) modifié par l'équipe de modération\(because) ; le texte d'origine est détruit."
        case .proposalHide:
            return "Proposition \(what) masquée\(because)."
        case .commentHide:
            return "Commentaire \(what) masqué\(because)."
        case .proposalRestore:
            return "Proposition \(what) rétablie."
        case .commentRestore:
            return "Commentaire \(what) rétabli."
        case .proposalDismiss:
            return "Signalements écartés sur proposition \(what) : le texte reste visible."
        case .commentDismiss:
            return "Signalements écartés sur commentaire \(what) : le texte reste visible."
        case .proposalHiddenByReports:
            return "Proposition \(what) masquée après \(count) signalements."
        case .commentHiddenByReports:
            return "Commentaire \(what) masqué après \(count) signalements."
        case .proposalReviewed:
            return "Proposition \(what) relue après publication : rien à changer."
        case .commentReviewed:
            return "Commentaire \(what) relu après publication : rien à changer."

        // The naming debate.
        case .namePublish:
            return "Nom proposé \(what) publié."
        case .nameReject:
            return "Nom proposé \(what) refusé\(because)."
        case .opinionPublish:
            return "Avis \(what) publié."
        case .opinionReject:
            return "Avis \(what) refusé\(because)."

        // Meetings.
        case .meetingCreate:
            return "Séance \(what) prévue."
        case .meetingUpdate:
            return "Séance \(what) modifiée."
        case .meetingStatus:
            return "Séance \(what) : \(details["status"].flatMap(MeetingStatus.init(rawValue:))?.label ?? "état changé")."
        case .meetingMinutes:
            return "Compte rendu de \(what) publié."
        case .meetingAttendance, .meetingAttendanceCorrection:
            var changes: [String] = []
            let added = AuditDetails.ids(in: details["added"]).map(names.member).sorted()
            let removed = AuditDetails.ids(in: details["removed"]).map(names.member).sorted()
            if !added.isEmpty { changes.append("présents ajoutés : " + added.joined(separator: ", ")) }
            if !removed.isEmpty { changes.append("présents retirés : " + removed.joined(separator: ", ")) }
            if let others = details["others"] { changes.append("autres personnes présentes : " + others) }
            if let reason = details["correction"] {
                return "Émargement de la séance terminée \(what) corrigé : " + changes.joined(separator: " ; ")
                    + ". Raison donnée : « \(reason) »."
            }
            let during = details["duringVote"] != nil ? " pendant un vote de la séance" : ""
            return "Émargement de la séance \(what)\(during) : " + changes.joined(separator: " ; ") + "."

        // Polls.
        case .pollCreate:
            let sealed = details["threshold"].map { ", urne scellée (\($0) détenteurs sur \(details["holders"] ?? "?"))" } ?? ""
            let channel = details["channel"] == "paper" ? ", sur papier" : details["channel"] == "online" ? ", en ligne" : ""
            return "Scrutin \(what) préparé\(channel)\(sealed)."
        case .pollDraft:
            return "Scrutin \(what) \(PollStatus.draft.label)."
        case .pollOpen:
            return "Scrutin \(what) \(PollStatus.open.label)."
        case .pollClosed:
            return "Scrutin \(what) \(PollStatus.closed.label)."
        case .pollShareFetched:
            return "Scrutin \(what) : le détenteur de clé n° \(details["holder"] ?? "?") a ouvert sa part ; le site ne la garde plus."
        case .pollCountShare:
            return "Dépouillement du scrutin \(what) : le détenteur n° \(details["holder"] ?? "?") a donné sa part "
                + "(\(details["given"] ?? "?") sur \(details["threshold"] ?? "?") nécessaires)."
        case .pollCountShareOtherHolder:
            return "Dépouillement du scrutin \(what) : refusé, le compte du détenteur n° \(details["holder"] ?? "?") a tapé "
                + "la part du détenteur n° \(details["typed"] ?? "?")."
        case .pollCountShareNotHolder:
            return "Dépouillement du scrutin \(what) : refusé, une part de ce vote a été tapée depuis un compte qui n'en détient aucune."
        case .pollCountShareRefused:
            return "Dépouillement du scrutin \(what) : une part tapée par le détenteur n° \(details["holder"] ?? "?") "
                + "ne correspond pas à celle qui lui a été remise."
        case .pollCount, .pollCountRefused:
            let accepted = Int(details["accepted"] ?? "") ?? 0
            let shares = "\(details["accepted"] ?? "0") part\(accepted > 1 ? "s" : "") valable"
                + "\(accepted > 1 ? "s" : "") sur \(details["threshold"] ?? "?") nécessaires"
            let outcome = self == .pollCount ? " : urne ouverte, résultats publiés"
                : details["mismatch"] != nil ? ", mais elles n'ouvrent pas l'urne" : ""
            return "Dépouillement du scrutin \(what) : \(shares)\(outcome)."
        case .pollPaperVoters:
            let voters = AuditDetails.ids(in: details["members"]).map(names.member).sorted()
            return "Scrutin \(what) : \(voters.count) \(voters.count > 1 ? "votants sur papier notés" : "votant sur papier noté") : "
                + voters.joined(separator: ", ") + "."
        case .pollPaperBallot:
            return "Scrutin \(what) : bulletin papier n° \(details["number"] ?? "?") saisi."
        }
    }
}
