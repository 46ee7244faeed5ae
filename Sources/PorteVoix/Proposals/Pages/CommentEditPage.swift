import Foundation
import Plot

/// The author changes a comment a moderator sent back; it then returns to the queue.
enum CommentEditPage {
    struct Model: Sendable {
        var proposal: PageLink
        var action: SiteURL
        var reason: ModerationReason?
        var message: String?
        var typed: String
        var csrf: String
        var errors = FormErrors()
        /// The detectors found personal data: the warning, and a button to send anyway.
        var screened = false

        static let mock = Model(proposal: PageLink(url: .proposal(UUID()), title: "Une proposition"),
                                action: .commentEdit(UUID(), UUID()), reason: .abuse, message: "Sans le mot vif, merci.",
                                typed: "Mon commentaire", csrf: "jeton")
    }

    static func view(_ model: Model, context: PageContext) -> HTML {
        Layout.page(
            context,
            title: (model.errors.isEmpty && !model.screened ? "" : model.screened ? "À vérifier — " : "Erreur — ")
                + "Modifier mon commentaire",
            content: .group(
                .p(.a(.href(model.proposal.url, fragment: "commentaires"), .plain("Retour à « \(model.proposal.title) »"))),
                .h1("Modifier mon commentaire"),
                .div(.class("decision-moderation"),
                     .unwrap(model.reason) { .p(.strong(.text("Ce que l'équipe de modération demande : ")), .plain($0.label + ".")) },
                     .unwrap(model.message) { .p(.plain($0)) }),
                .p(.text("Une fois modifié, votre commentaire sera relu à nouveau avant d'être publié.")),
                Forms.errorSummary(model.errors),
                .if(model.screened, Screening.warning([("Votre commentaire", TextInput.clean(model.typed, multiline: true))])),
                Forms.post(
                    action: model.action, csrf: model.csrf, class: "formulaire",
                    Forms.textArea("commentaire", label: "Votre commentaire", value: model.typed, error: model.errors["commentaire"],
                                   required: true, maxLength: ProposalComment.maximumLength, rows: 6),
                    .div(.class("boutons"),
                         .button(.type(.submit), .name("action"), .value("envoyer"), .class("bouton"), .text("Renvoyer mon commentaire")),
                         .if(model.screened, .button(.type(.submit), .name("action"), .value(Screening.sendAnyway),
                                                     .class("bouton bouton-secondaire"), .text("Envoyer quand même"))))
                )
            )
        )
    }
}
