import Foundation
import Plot

extension ProposalPages {
    enum FormMode: Equatable {
        case new
        case paper
        case edit(UUID)
    }

    struct FormModel {
        var mode: FormMode
        var csrf: String
        var themes: [NamedID]
        var territories: [NamedID]
        var title = ""
        var body = ""
        var theme = ""
        var territory = ""
        var anonymous = false
        var paperAuthor = ""
        var preview = false
        /// The detectors found personal data: the warning, and a button to send anyway.
        var screened = false
        var errors = FormErrors()
        /// Past the hourly limit: when the proposal can be sent.
        var paused: Pause?
    }

    static func form(_ model: FormModel, context: PageContext) -> HTML {
        let (heading, action, button): (String, SiteURL, String) = switch model.mode {
        case .new: ("Faire une proposition", .newProposal, "Envoyer ma proposition")
        case .paper: ("Saisir une proposition écrite sur papier", .paperProposal, "Enregistrer la proposition")
        case .edit(let id): ("Modifier ma proposition", .proposal(id, .edit), "Enregistrer mes modifications")
        }
        return Layout.page(
            context,
            title: (model.errors.isEmpty && model.paused == nil ? (model.screened ? "À vérifier — " : "") : "Erreur — ") + heading,
            content: .group(
                .h1(.plain(heading)),
                intro(model.mode),
                .unwrap(model.paused) { ContributionPages.notice(.proposals, pause: $0) },
                Forms.errorSummary(model.errors),
                .if(model.preview, preview(model)),
                .if(model.screened, Screening.warning([("Titre", TextInput.clean(model.title, multiline: false)),
                                                       ("Texte", TextInput.clean(model.body, multiline: true))])),
                Forms.post(
                    action: action, csrf: model.csrf, class: "formulaire",
                    .if(model.mode == .paper, Forms.field(
                        "pseudonyme", label: "Pseudonyme du membre qui l'a écrite", value: model.paperAuthor,
                        help: "La proposition sera à son nom seulement quand elle l'aura confirmé, à sa prochaine connexion. "
                            + "Jusque-là, et si vous laissez vide, elle est signée « \(Proposal.paperSignature) ».",
                        error: model.errors["pseudonyme"], autocomplete: "off", maxLength: AccountLimits.typedPseudonym)),
                    Forms.field("titre", label: "Titre", value: model.title,
                                help: "Une phrase courte qui dit votre idée. Au plus \(Proposal.maximumTitleLength) caractères.",
                                error: model.errors["titre"], required: true, maxLength: Proposal.maximumTitleLength),
                    Forms.textArea("texte", label: "Votre proposition", value: model.body,
                                   help: "Expliquez ce qui ne va pas aujourd'hui, et ce que vous proposez. "
                                       + "Au plus \(Proposal.maximumBodyLength) caractères. "
                                       + "N'écrivez pas d'informations personnelles (nom, adresse, numéro de dossier).",
                                   error: model.errors["texte"], required: true, maxLength: Proposal.maximumBodyLength, rows: 12),
                    Forms.select("theme", label: "Thème",
                                 options: [("", "Choisissez un thème")] + model.themes.map { ($0.id.uuidString, $0.name) },
                                 selected: model.theme, help: "Le sujet le plus proche de votre idée.",
                                 error: model.errors["theme"], required: true),
                    Forms.select("territoire", label: "Territoire",
                                 options: [("", "Tout le département")] + model.territories.map { ($0.id.uuidString, $0.name) },
                                 selected: model.territory, help: "Là où votre idée s'applique.",
                                 error: model.errors["territoire"]),
                    Forms.checkbox("anonyme", label: "Publier sans mon pseudonyme", checked: model.anonymous,
                                   help: "La proposition sera signée « Un membre du conseil » pour tout le monde sur le site, agents "
                                       + "du Département compris. Le site garde qu'elle est de vous, pour que vous puissiez la "
                                       + "modifier et recevoir la réponse."),
                    .div(
                        .class("boutons"),
                        .button(.type(.submit), .name("action"), .value("apercu"), .class("bouton bouton-secondaire"),
                                .text("Voir l'aperçu")),
                        .button(.type(.submit), .name("action"), .value("envoyer"), .class("bouton"), .plain(button)),
                        .if(model.screened, .button(.type(.submit), .name("action"), .value(Screening.sendAnyway),
                                                    .class("bouton bouton-secondaire"), .text("Envoyer quand même")))
                    )
                )
            )
        )
    }

    static func intro(_ mode: FormMode) -> Node<HTML.BodyContext> {
        switch mode {
        case .new:
            return .p(.text("Votre proposition sera relue par une modératrice ou un modérateur, puis publiée. "),
                      .text("Vous pourrez la modifier tant qu'elle n'est pas relue."))
        case .paper:
            return .p(.text("Recopiez la proposition telle qu'elle est écrite. Elle sera relue avant publication, "),
                      .text("comme les autres, et marquée comme venant du papier."))
        case .edit:
            return .p(.text("Vous pouvez modifier votre proposition tant qu'elle attend sa relecture."))
        }
    }

    static func preview(_ model: FormModel) -> Node<HTML.BodyContext> {
        .section(
            .class("apercu"),
            .ariaLabel("Aperçu"),
            .h2("Aperçu : voici ce que les autres liront"),
            .p(.class("apercu-titre"), .strong(.plain(TextInput.clean(model.title, multiline: false)))),
            richText(TextInput.clean(model.body, multiline: true)),
            .p(.class("aide-champ"), .plain(model.anonymous ? "Signée : Un membre du conseil" : "Signée de votre pseudonyme")),
            .p(.text("Si tout vous convient, envoyez-la avec le bouton en bas du formulaire."))
        )
    }
}
