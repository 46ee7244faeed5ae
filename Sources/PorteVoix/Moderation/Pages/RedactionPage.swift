import Foundation
import Plot

/// A moderator rewrites a member's text; the original is destroyed.
enum RedactionPage {
    struct Model: Sendable {
        enum Kind: Sendable { case proposal, comment }
        var kind: Kind
        var action: SiteURL
        var back: SiteURL
        /// The proposal's title, for a comment the title of the proposal it is about.
        var contextTitle: String
        /// Nil for a comment.
        var title: String?
        var body: String
        var originalTitle: String?
        var originalBody: String
        var reason = ""
        var message = ""
        var csrf: String
        var errors = FormErrors()

        static let mock = Model(kind: .proposal, action: .proposalRedaction(UUID()), back: .moderation,
                                contextTitle: "Une proposition", title: "Un titre", body: "Un texte",
                                originalTitle: "Un titre", originalBody: "Appelez-moi au 06 12 34 56 78", csrf: "jeton")
    }

    static func view(_ model: Model, context: PageContext) -> HTML {
        let what = model.kind == .proposal ? "la proposition" : "le commentaire"
        return Layout.page(
            context,
            title: (model.errors.isEmpty ? "" : "Erreur — ") + "Modifier \(what)",
            content: .group(
                .p(.a(.href(model.back), .text("Retour"))),
                .h1(.plain("Modifier \(what) « \(model.contextTitle) »")),
                .p(.text("Retirez seulement ce qui doit l'être (un numéro, un nom, une insulte) : le reste appartient à la personne "
                    + "qui l'a écrit. Tout le monde lira « modifié par l'équipe de modération ». Son auteur est prévenu.")),
                .p(.strong(.text("Le texte d'origine sera détruit : personne ne pourra le retrouver, ni sur le site ni dans "
                    + "une copie de la base de données faite ensuite."))),
                Screening.review(([model.originalTitle.map { ("Titre d'origine", $0) }]
                    + [("Texte d'origine", model.originalBody)]).compactMap { $0 }),
                Forms.errorSummary(model.errors),
                Forms.post(
                    action: model.action, csrf: model.csrf, class: "formulaire",
                    .unwrap(model.title) { title in
                        Forms.field("titre", label: "Titre", value: title, error: model.errors["titre"], required: true,
                                    maxLength: Proposal.maximumTitleLength)
                    },
                    Forms.textArea("texte", label: "Texte", value: model.body, error: model.errors["texte"], required: true,
                                   maxLength: model.kind == .proposal ? Proposal.maximumBodyLength : ProposalComment.maximumLength,
                                   rows: 10),
                    Forms.select("motif", label: "Raison, que l'auteur lira",
                                 options: [("", "Choisir une raison")] + ModerationReason.choices.filter { $0.value != ModerationReason.duplicate.rawValue },
                                 selected: model.reason, error: model.errors["motif"], required: true),
                    Forms.textArea("message", label: "Message à l'auteur (facultatif)", value: model.message,
                                   error: model.errors["message"], maxLength: ProposalLimits.note, rows: 3),
                    Forms.submit("Enregistrer et détruire le texte d'origine", class: "bouton bouton-danger")
                )
            )
        )
    }
}
