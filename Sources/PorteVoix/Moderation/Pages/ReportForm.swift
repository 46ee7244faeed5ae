import Foundation
import Plot

/// "Signaler": a folded form under a published proposal or comment.
enum ReportForm {
    static func form(action: SiteURL, target: UUID, what: String, model: ProposalShowModel) -> Node<HTML.BodyContext> {
        guard let csrf = model.csrf else { return .empty }
        let failed = model.reportError?.target == target
        let scope = "s" + target.uuidString.prefix(8)
        let error: String? = failed ? "Choisissez la raison du signalement (et au plus \(Reports.commentLimit) caractères d'explication)." : nil
        return .element(named: "details", nodes: [
            .class("signaler"),
            .if(failed, .attribute(named: "open")),
            .element(named: "summary", nodes: [.plain("Signaler \(what)")]),
            Forms.post(
                action: action, csrf: csrf, class: "formulaire",
                .p(.class("aide-champ"), .text("L'équipe de modération relira. La personne qui l'a écrit ne saura pas qui l'a signalé.")),
                Forms.errorSummary(FormErrors("raison", error), scope: scope),
                Forms.select("raison", label: "Pourquoi ?", options: [("", "Choisissez une raison")]
                                + ReportReason.allCases.map { ($0.rawValue, $0.label) },
                             selected: "", error: error, required: true, scope: scope),
                Forms.textArea("commentaire", label: "Précisez si vous le souhaitez", value: failed ? model.reportError?.typed ?? "" : "",
                               maxLength: Reports.commentLimit, rows: 2, scope: scope),
                Forms.submit("Envoyer le signalement", class: "bouton bouton-secondaire")
            ),
        ])
    }
}
