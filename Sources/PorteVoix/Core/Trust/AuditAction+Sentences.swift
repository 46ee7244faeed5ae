import Foundation

// MARK: - The journal's sentences

extension AuditAction {
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
        case .meetingKioskStart:
            return "Borne de vote ouverte pour \(what)."
        case .meetingKioskEnd:
            let why = details["why"] == "session" ? " (fin de la séance)" : ""
            return "Borne de vote fermée pour \(what)\(why)."
        case .proposalAnswerEasy:
            return details["removed"] == nil ? "Version facile à lire de la réponse à \(what) écrite." : "Version facile à lire de la réponse à \(what) retirée."
        case .pollQuestionEasy:
            return details["removed"] == nil ? "Version facile à lire de la question \(what) écrite." : "Version facile à lire de la question \(what) retirée."
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
