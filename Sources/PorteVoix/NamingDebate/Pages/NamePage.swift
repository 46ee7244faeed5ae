import Foundation
import Plot

/// One proposed name, with the published opinions and the member's own.
enum NamePage {
    struct Opinion: Sendable {
        var stance: OpinionStance
        var text: String
        var authorName: String
        /// For moderators: the opinion and the version of its text, to take it down.
        var id: UUID?
        var version = ""
    }

    struct Model: Sendable {
        var id: UUID
        var name: String
        var explanation: String
        var authorName: String
        var isCurrent: Bool
        var counts: [OpinionStance: Int]
        var opinions: [Opinion]
        var csrf: String?
        /// The member's own opinion, whatever its status.
        var own: (stance: OpinionStance, text: String, anonymous: Bool, status: DebateTextStatus)?
        var errors = FormErrors()
        var typedStance = ""
        var typedText = ""
        var typedAnonymous = false
        /// Moderators may take a published name or text down, with a reason.
        var isModerator = false

        static let mock = Model(id: UUID(), name: "personne accompagnée", explanation: "On nous accompagne, on ne nous aide pas.",
                                authorName: "Camille", isCurrent: false, counts: [.pour: 3, .contre: 1],
                                opinions: [Opinion(stance: .pour, text: "Ça dit ce qui se passe.", authorName: "Un membre du conseil")])
    }

    static func view(_ model: Model, context: PageContext) -> HTML {
        let title = model.isCurrent ? "« \(model.name) »" : model.name
        return Layout.page(
            context,
            title: (model.errors.isEmpty ? "" : "Erreur — ") + "\(title) — Le débat sur le nom",
            content: .group(
                .p(.a(.href(.namingDebate, fragment: "noms"), .text("Tous les noms proposés"))),
                .h1(.plain(title)),
                ListenControl.node(.listen(.name(.value(model.id))), context: context, what: "le nom, son explication et les avis"),
                .p(.class("meta"), .plain("Proposé par \(model.authorName)")),
                .div(richText(model.explanation)),
                .p(.strong(.plain(OpinionStance.allCases.map { "\(model.counts[$0] ?? 0) \($0.label)" }.joined(separator: " · ")))),
                .section(
                    .h2("Les avis"),
                    model.opinions.isEmpty ? .p(.text("Pas encore d'avis écrit.")) : .group(
                        .forEach(OpinionStance.allCases) { stance in
                            let written = model.opinions.filter { $0.stance == stance }
                            return .if(!written.isEmpty, .group(
                                .h3(.plain(stance == .partage ? "Partagés" : stance == .pour ? "Pour" : "Contre")),
                                .ul(.class("avis"), .forEach(written) { opinion in
                                    .li(.div(richText(opinion.text)), .p(.class("auteur-commentaire"), .plain("— \(opinion.authorName)")),
                                        .unwrap(opinion.id) { id in
                                            .if(model.isModerator, takeDown(.namingOpinionModeration(id), what: "cet avis",
                                                                            version: opinion.version, csrf: model.csrf ?? ""))
                                        })
                                })
                            ))
                        }
                    )
                ),
                .if(model.isModerator && !model.isCurrent,
                    takeDown(.namingNameModeration(model.id), what: "ce nom", version: nil, csrf: model.csrf ?? "")),
                opinionForm(model)
            )
        )
    }

    /// A moderator's folded form: refuse, after publication, with a reason the author reads.
    static func takeDown(_ action: SiteURL, what: String, version: String?, csrf: String) -> Node<HTML.BodyContext> {
        DebatePage.folded("Retirer \(what) (modération)", open: false, Forms.post(
            action: action, csrf: csrf, class: "formulaire-en-ligne",
            .input(.type(.hidden), .name("decision"), .value("refuser")),
            .unwrap(version) { .input(.type(.hidden), .name("version"), .value(escapeAttribute($0))) },
            Forms.select("motif", label: "Raison, que l'auteur lira",
                         options: ModerationReason.choices.filter { $0.value != ModerationReason.duplicate.rawValue },
                         selected: nil, scope: "r" + String(escapeAttribute(action.path).suffix(8))),
            Forms.submit("Retirer", class: "bouton bouton-danger")
        ))
    }

    static func opinionForm(_ model: Model) -> Node<HTML.BodyContext> {
        guard let csrf = model.csrf else {
            return .p(.a(.href(.signIn, query: [("retour", SiteURL.namingName(model.id).path)]), .text("Connectez-vous pour donner votre avis")))
        }
        let stance = model.typedStance.isEmpty ? model.own?.stance.rawValue ?? "" : model.typedStance
        let text = model.typedStance.isEmpty ? model.own?.text ?? "" : model.typedText
        return .section(
            .id("mon-avis"),
            .h2(model.own == nil ? "Mon avis" : "Mon avis (je peux le changer)"),
            .unwrap(model.own) { own in
                .p(.plain(own.status == .submitted ? "Votre avis est compté quand son texte aura été relu."
                    : own.status == .rejected ? "Le texte de votre avis n'a pas été publié, et votre position ne compte pas "
                        + "tant que vous ne l'avez pas changé ou retiré."
                    : "Votre avis est compté : « \(own.stance.label) »."))
            },
            Forms.errorSummary(model.errors),
            Forms.post(
                action: .namingOpinion(model.id), csrf: csrf, class: "formulaire",
                .div(.id("champ-position"),
                     PollPages.radios(legend: "Ce nom, vous êtes :", name: "position",
                                      choices: OpinionStance.allCases.map { ($0.rawValue, $0.label) }, selected: stance)),
                .if(model.errors["position"] != nil, .p(.class("message-erreur"), .plain(model.errors["position"] ?? ""))),
                Forms.textArea("texte", label: "Pourquoi ? (facultatif)", value: text, error: model.errors["texte"],
                               maxLength: NameOpinion.maximumTextLength, rows: 3),
                Forms.checkbox("anonyme", label: "Publier sans mon pseudonyme",
                               checked: model.typedStance.isEmpty ? model.own?.anonymous ?? false : model.typedAnonymous),
                .p(.class("aide-champ"), .text("Un avis sans texte est compté tout de suite ; un texte est relu avant d'être publié.")),
                Forms.submit("Enregistrer mon avis")
            )
        )
    }
}
