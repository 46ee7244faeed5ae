import Fluent
import Foundation

/// The names an audit log page needs, looked up when it is shown: the log
/// itself holds ids only, so a deleted account or a redacted title leaves
/// nothing behind in it.
struct AuditNames: Sendable {
    var members: [UUID: String] = [:]
    var proposals: [UUID: String] = [:]
    /// A comment's proposal title.
    var comments: [UUID: String] = [:]
    var meetings: [UUID: String] = [:]
    var polls: [UUID: String] = [:]
    var themes: [UUID: String] = [:]
    var territories: [UUID: String] = [:]
    /// Proposed names, and for an opinion the name it is about.
    var names: [UUID: String] = [:]
    var opinions: [UUID: String] = [:]

    /// The keys of details that hold member ids.
    static let memberKeys = ["members", "added", "removed", "requester", "confirmer"]

    static func load(for entries: [AuditEntry], on database: any Database) async throws -> AuditNames {
        var wanted: [String: Set<UUID>] = [:]
        for entry in entries {
            if let actor = entry.$actor.id { wanted["member", default: []].insert(actor) }
            if let subject = entry.subject { wanted[subject.kind, default: []].insert(subject.id) }
            let details = entry.detailValues
            for key in memberKeys { wanted["member", default: []].formUnion(AuditDetails.ids(in: details[key])) }
            if let territory = details["territory"].flatMap(UUID.init(uuidString:)) {
                wanted["territory", default: []].insert(territory)
            }
        }
        func ids(_ kind: String) -> [UUID] { Array(wanted[kind] ?? []) }
        var names = AuditNames()
        for member in try await Member.query(on: database).filter(\.$id ~~ ids("member")).all() {
            names.members[member.id!] = member.publicName
        }
        for proposal in try await Proposal.query(on: database).filter(\.$id ~~ ids("proposal")).all() {
            names.proposals[proposal.id!] = "« \(proposal.title) »"
        }
        for comment in try await ProposalComment.query(on: database).filter(\.$id ~~ ids("comment")).with(\.$proposal).all() {
            names.comments[comment.id!] = "« \(comment.proposal.title) »"
        }
        for meeting in try await Meeting.query(on: database).filter(\.$id ~~ ids("meeting")).all() {
            names.meetings[meeting.id!] = "« \(meeting.title) »"
        }
        for poll in try await Poll.query(on: database).filter(\.$id ~~ ids("poll")).all() {
            names.polls[poll.id!] = "« \(poll.question) »"
        }
        for theme in try await Theme.query(on: database).filter(\.$id ~~ ids("theme")).all() {
            names.themes[theme.id!] = "« \(theme.name) »"
        }
        for territory in try await Territory.query(on: database).filter(\.$id ~~ ids("territory")).all() {
            names.territories[territory.id!] = "« \(territory.name) »"
        }
        // The name under debate is quoted on the debate's pages only: here it is "le nom actuel".
        for proposed in try await ProposedName.query(on: database).filter(\.$id ~~ ids("name")).all() {
            names.names[proposed.id!] = proposed.isCurrent ? "le nom actuel" : "« \(proposed.name) »"
        }
        for opinion in try await NameOpinion.query(on: database).filter(\.$id ~~ ids("opinion")).with(\.$proposedName).all() {
            names.opinions[opinion.id!] = opinion.proposedName.isCurrent ? "le nom actuel" : "« \(opinion.proposedName.name) »"
        }
        return names
    }

    func actor(_ entry: AuditEntry) -> String {
        guard let id = entry.$actor.id else { return "Le serveur" }
        return members[id] ?? "Ancien membre"
    }

    func member(_ id: UUID?) -> String { id.flatMap { members[$0] }.map { "« \($0) »" } ?? "un ancien membre" }

    func subject(_ subject: AuditSubject?) -> String {
        switch subject {
        case .proposal(let id): proposals[id] ?? "(proposition supprimée)"
        case .comment(let id): comments[id].map { "sur \($0)" } ?? "(commentaire supprimé)"
        case .member(let id): member(id)
        case .meeting(let id): meetings[id] ?? "(séance supprimée)"
        case .poll(let id): polls[id] ?? "(scrutin supprimé)"
        case .theme(let id): themes[id] ?? "(thème supprimé)"
        case .territory(let id): territories[id] ?? "(territoire supprimé)"
        case .name(let id): names[id] ?? "(nom supprimé)"
        case .opinion(let id): opinions[id].map { "sur \($0)" } ?? "(avis supprimé)"
        case nil: ""
        }
    }
}

/// One French sentence per entry, written from its codes and the names looked up.
enum AuditSentence {
    static func describe(_ entry: AuditEntry, names: AuditNames) -> String {
        let details = entry.detailValues
        if details["migrated"] != nil {
            return "\(label(of: entry.action)) (entrée reprise de l'ancien journal, sans ses détails)."
        }
        let what = names.subject(entry.subject)
        let count = Int(details["count"] ?? "") ?? 0
        func plural(_ word: String) -> String { count > 1 ? word + "s" : word }
        let reason = details["reason"].map(ModerationReason.labelOf) ?? ""
        switch entry.action {
        case "demo": return "Données de démonstration créées."
        case "admin.create": return "Compte administrateur \(what) créé depuis le terminal du serveur."
        case "installation": return "Premier compte administrateur \(what) créé par le lien d'installation."
        case "cards.create":
            let territory = details["territory"].flatMap(UUID.init(uuidString:)).flatMap { names.territories[$0] }
            let during = details["openPolls"].map { ", pendant que \($0) \($0 == "1" ? "vote était ouvert" : "votes étaient ouverts")" } ?? ""
            return "\(count) \(plural("carte")) d'accès \(plural("créée")) (\(territory ?? "tout le département"))\(during)."
        case "cards.replacement.refused": return "Carte de remplacement refusée pour \(what) : ce compte a un rôle."
        case "cards.replacement.request": return "Carte de remplacement demandée pour \(what)."
        case "cards.replacement.confirm":
            let requester = names.member(AuditDetails.ids(in: details["requester"]).first)
            return "Carte de remplacement pour \(what), demandée par \(requester), confirmée par « \(names.actor(entry)) »."
        case "cards.replacement":
            let requester = names.member(AuditDetails.ids(in: details["requester"]).first)
            let confirmer = details["confirmer"].map { names.member(UUID(uuidString: $0)) } ?? "une autre personne"
            return "Carte de remplacement imprimée pour \(what) par « \(names.actor(entry)) », demandée par \(requester), "
                + "confirmée par \(confirmer). Son ancien mot de passe et ses sessions ne marchent plus."
        case "cards.replacement.cli":
            return "Carte de remplacement pour \(what) faite depuis le terminal du serveur. Son ancien mot de passe et ses sessions ne marchent plus."
        case "signin.unblock": return "Connexion débloquée en personne pour \(what)."
        case "settings.public_address": return "Adresse publique du site : \(details["address"] ?? "")."
        case "settings.change":
            let changes = details.keys.sorted().map { "\(SiteSettingsController.auditLabel(of: $0)) : \(details[$0] ?? "")" }
            return changes.joined(separator: " ; ") + "."
        case "member.roles":
            let roles = (details["roles"] ?? "").split(separator: ",").compactMap { Role(rawValue: String($0))?.label }
            let territory = details["territory"].flatMap(UUID.init(uuidString:)).flatMap { names.territories[$0] }
            return "Rôles de \(what) : \(roles.joined(separator: ", ")) ; territoire : \(territory ?? "tout le département")."
        case "api_token.create": return "Jeton d'API créé par \(what), valable \(details["days"] ?? "?") jours."
        case "api_token.revoke": return "Jeton d'API de \(what) révoqué."
        case "member.suspend": return "Compte de \(what) suspendu."
        case "member.reactivate": return "Compte de \(what) réactivé."
        case "theme.add": return "Nouveau thème : \(what)."
        case "territory.add": return "Nouveau territoire : \(what)."
        case "theme.rename": return "Thème renommé, qui s'appelle maintenant \(what)."
        case "territory.rename": return "Territoire renommé, qui s'appelle maintenant \(what)."
        case "proposal.paper":
            return "Proposition sur papier saisie : \(what)" + (details["claimed"] == nil ? "." : ", en attente de la confirmation du membre indiqué.")
        case "proposal.paper.confirmed": return "La personne qui a écrit la proposition sur papier \(what) confirme qu'elle est d'elle."
        case "proposal.paper.declined": return "Un membre dit ne pas avoir écrit la proposition sur papier \(what)."
        case "proposal.reject", "comment.reject":
            return "\(kind(entry)) \(what) refusé\(ending(entry)) (\(reason))."
        case "proposal.changes", "comment.changes":
            return "\(kind(entry)) \(what) renvoyé\(ending(entry)) à son auteur pour modification (\(reason))."
        case "proposal.redact", "comment.redact":
            return "\(kind(entry)) \(what) modifié\(ending(entry)) par l'équipe de modération (\(reason)) ; le texte d'origine est détruit."
        case "proposal.hide", "comment.hide": return "\(kind(entry)) \(what) masqué\(ending(entry)) (\(reason))."
        case "proposal.restore", "comment.restore": return "\(kind(entry)) \(what) rétabli\(ending(entry))."
        case "proposal.dismiss", "comment.dismiss":
            return "Signalements écartés sur \(kind(entry).lowercased()) \(what) : le texte reste visible."
        case "proposal.hidden_by_reports", "comment.hidden_by_reports":
            return "\(kind(entry)) \(what) masqué\(ending(entry)) après \(count) signalements."
        case "proposal.reviewed", "comment.reviewed": return "\(kind(entry)) \(what) relu\(ending(entry)) après publication : rien à changer."
        case "comment.publish": return "Commentaire \(what) publié."
        case "name.publish": return "Nom proposé \(what) publié."
        case "name.reject": return "Nom proposé \(what) refusé (\(reason))."
        case "opinion.publish": return "Avis \(what) publié."
        case "opinion.reject": return "Avis \(what) refusé (\(reason))."
        case "meeting.create": return "Séance \(what) prévue."
        case "meeting.update": return "Séance \(what) modifiée."
        case "meeting.status":
            return "Séance \(what) : \(details["status"].flatMap(MeetingStatus.init(rawValue:))?.label ?? "état changé")."
        case "meeting.minutes": return "Compte rendu de \(what) publié."
        case "meeting.attendance", "meeting.attendance.correction":
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
        case "poll.create":
            let sealed = details["threshold"].map { ", urne scellée (\($0) détenteurs sur \(details["holders"] ?? "?"))" } ?? ""
            let channel = details["channel"] == "paper" ? ", sur papier" : details["channel"] == "online" ? ", en ligne" : ""
            return "Scrutin \(what) préparé\(channel)\(sealed)."
        case "poll.share.fetched":
            return "Scrutin \(what) : le détenteur de clé n° \(details["holder"] ?? "?") a ouvert sa part ; le site ne la garde plus."
        case "poll.count.share":
            return "Dépouillement du scrutin \(what) : le détenteur n° \(details["holder"] ?? "?") a donné sa part "
                + "(\(details["given"] ?? "?") sur \(details["threshold"] ?? "?") nécessaires)."
        case "poll.count.share.other_holder":
            return "Dépouillement du scrutin \(what) : refusé, le compte du détenteur n° \(details["holder"] ?? "?") a tapé "
                + "la part du détenteur n° \(details["typed"] ?? "?")."
        case "poll.count.share.not_holder":
            return "Dépouillement du scrutin \(what) : refusé, une part de ce vote a été tapée depuis un compte qui n'en détient aucune."
        case "poll.count.share.refused":
            return "Dépouillement du scrutin \(what) : une part tapée par le détenteur n° \(details["holder"] ?? "?") "
                + "ne correspond pas à celle qui lui a été remise."
        case "poll.open", "poll.closed", "poll.draft":
            return "Scrutin \(what) \(PollStatus(rawValue: String(entry.action.dropFirst(5)))?.label ?? "")."
        case "poll.count", "poll.count.refused":
            let shares = "\(details["accepted"] ?? "0") part\((Int(details["accepted"] ?? "") ?? 0) > 1 ? "s" : "") valable"
                + "\((Int(details["accepted"] ?? "") ?? 0) > 1 ? "s" : "") sur \(details["threshold"] ?? "?") nécessaires"
            let outcome = entry.action == "poll.count" ? " : urne ouverte, résultats publiés"
                : details["mismatch"] != nil ? ", mais elles n'ouvrent pas l'urne" : ""
            return "Dépouillement du scrutin \(what) : \(shares)\(outcome)."
        case "poll.paper.voters":
            let voters = AuditDetails.ids(in: details["members"]).map(names.member).sorted()
            return "Scrutin \(what) : \(voters.count) \(voters.count > 1 ? "votants sur papier notés" : "votant sur papier noté") : "
                + voters.joined(separator: ", ") + "."
        case "poll.paper.ballot": return "Scrutin \(what) : bulletin papier n° \(details["number"] ?? "?") saisi."
        default:
            if entry.action.hasPrefix("proposal.") {
                let action = ProposalAction(rawValue: String(entry.action.dropFirst("proposal.".count)))
                return "Proposition \(what) : \(action?.target.label ?? entry.action)" + (reason.isEmpty ? "." : " (\(reason)).")
            }
            return label(of: entry.action) + (what.isEmpty ? "." : " : \(what).")
        }
    }

    private static func kind(_ entry: AuditEntry) -> String {
        entry.subjectKind == "comment" ? "Commentaire" : "Proposition"
    }

    private static func ending(_ entry: AuditEntry) -> String {
        entry.subjectKind == "comment" ? "" : "e"
    }

    /// A short French name for an action code, for migrated entries and filters.
    static func label(of action: String) -> String {
        let labels = [
            "demo": "Données de démonstration", "admin.create": "Compte administrateur créé depuis le serveur",
            "installation": "Installation", "cards.create": "Cartes d'accès créées",
            "cards.replacement": "Carte de remplacement imprimée", "cards.replacement.request": "Carte de remplacement demandée",
            "cards.replacement.refused": "Carte de remplacement refusée", "signin.unblock": "Connexion débloquée",
            "settings.change": "Réglages modifiés", "settings.public_address": "Adresse publique du site",
            "member.roles": "Rôles modifiés", "member.suspend": "Compte suspendu", "member.reactivate": "Compte réactivé",
            "theme.add": "Thème ajouté", "theme.rename": "Thème renommé", "territory.add": "Territoire ajouté",
            "territory.rename": "Territoire renommé", "proposal.paper": "Proposition sur papier saisie",
            "proposal.paper.confirmed": "Proposition sur papier confirmée", "proposal.paper.declined": "Proposition sur papier non reconnue",
            "proposal.publish": "Proposition publiée", "proposal.reject": "Proposition refusée",
            "comment.publish": "Commentaire publié", "comment.reject": "Commentaire refusé",
            "proposal.hide": "Proposition masquée", "comment.hide": "Commentaire masqué",
            "proposal.restore": "Proposition rétablie", "comment.restore": "Commentaire rétabli",
            "proposal.dismiss": "Signalements écartés", "comment.dismiss": "Signalements écartés",
            "meeting.create": "Séance prévue", "meeting.update": "Séance modifiée", "meeting.status": "État d'une séance",
            "meeting.minutes": "Compte rendu publié", "meeting.attendance": "Présences modifiées",
            "meeting.attendance.correction": "Émargement d'une séance terminée corrigé",
            "cards.replacement.confirm": "Carte de remplacement confirmée", "cards.replacement.cli": "Carte de remplacement (terminal)",
            "poll.share.fetched": "Part de clé ouverte par son détenteur", "poll.count.share": "Part de clé donnée au dépouillement",
            "poll.count.share.other_holder": "Part d'un autre détenteur refusée", "poll.count.share.refused": "Part de clé refusée",
            "poll.count.share.not_holder": "Part tapée par un non-détenteur",
            "poll.create": "Scrutin préparé", "poll.open": "Scrutin ouvert", "poll.closed": "Scrutin clos",
            "poll.count": "Dépouillement", "poll.count.refused": "Dépouillement refusé",
            "poll.paper.voters": "Votants sur papier notés", "poll.paper.ballot": "Bulletin papier saisi",
        ]
        if let label = labels[action] { return label }
        if action.hasPrefix("proposal."), let step = ProposalAction(rawValue: String(action.dropFirst("proposal.".count))) {
            return "Proposition : \(step.target.label)"
        }
        return "Action « \(action) »"
    }
}
