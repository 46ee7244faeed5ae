import Foundation
import Plot

/// "Signaler": a folded form under a published proposal or comment.
enum ReportForm {
    /// - Parameter whose: words that tell this form from the others of the page, for screen readers.
    static func form(action: SiteURL, target: UUID, what: String, whose: String = "", model: ProposalShowModel)
        -> Node<HTML.BodyContext> {
        guard let csrf = model.csrf else { return .empty }
        let failed = model.reportError.flatMap { $0.target == target ? $0 : nil }
        let errors = failed?.errors ?? FormErrors()
        let scope = "s" + target.uuidString.prefix(8)
        return .element(named: "details", nodes: [
            .class("signaler"),
            .if(failed != nil, .attribute(named: "open")),
            .element(named: "summary", nodes: [.plain("Signaler \(what)"),
                                               .if(!whose.isEmpty, .span(.class("visuellement-cache"), .plain(" " + whose)))]),
            Forms.post(
                action: action, csrf: csrf, class: "formulaire",
                .p(.class("aide-champ"), .text("L'équipe de modération relira. La personne qui l'a écrit ne saura pas qui l'a signalé.")),
                Forms.errorSummary(errors, scope: scope),
                Forms.select("raison", label: "Pourquoi ?", options: [("", "Choisissez une raison")]
                                + ReportReason.allCases.map { ($0.rawValue, $0.label) },
                             selected: failed?.reason ?? "", error: errors["raison"], required: true, scope: scope),
                Forms.textArea("commentaire", label: "Précisez si vous le souhaitez", value: failed?.typed ?? "",
                               error: errors["commentaire"], maxLength: Reports.commentLimit, rows: 2, scope: scope),
                Forms.submit("Envoyer le signalement", class: "bouton bouton-secondaire")
            ),
        ])
    }
}
