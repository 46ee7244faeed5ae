import Fluent
import SQLKit
import Plot
import Vapor

enum MyAccountPage {
    enum Section { case none, pseudonym, password, deletion }

    struct Model {
        var csrf: String
        var pseudonym: String
        var roles: [Role]
        var territory: String?
        var memberSince: Date
        /// Every replacement of this account's card: when, asked and confirmed by whom (roles only).
        var replacements: [(at: Date, requestedBy: String, confirmedBy: String)] = []
        var section = Section.none
        var newPseudonym = ""
        var errors = FormErrors()
    }

    static func view(_ model: Model, context: PageContext) -> HTML {
        Layout.page(
            context,
            title: model.errors.isEmpty ? "Mon compte" : "Erreur — Mon compte",
            content: .group(
                .h1("Mon compte"),
                .dl(
                    .class("fiche"),
                    .dt("Pseudonyme"), .dd(.plain(model.pseudonym)),
                    .dt("Rôle"), .dd(.plain(model.roles.map(\.label).joined(separator: ", "))),
                    .dt("Territoire"), .dd(.plain(model.territory ?? "Tout le département")),
                    .dt("Membre depuis le"), .dd(.plain(FrenchDates.shortDay(model.memberSince)))
                ),
                replacementsSection(model),
                pseudonymSection(model),
                passwordSection(model),
                dataSection(),
                apiSection(model),
                deletionSection(model)
            )
        )
    }

    static func replacementsSection(_ model: Model) -> Node<HTML.BodyContext> {
        guard !model.replacements.isEmpty else { return .empty }
        return .section(
            .h2("Les cartes de remplacement de mon compte"),
            .ul(.forEach(model.replacements) { replacement in
                .li(.plain("Le \(FrenchDates.dayAndTime(replacement.at)) : demandée par \(replacement.requestedBy), "
                    + "confirmée par \(replacement.confirmedBy)."))
            }),
            .p(.text("Si l'une d'elles n'a pas été demandée par vous, parlez-en à la personne qui anime le conseil "),
               .text("ou à un administrateur du site."))
        )
    }

    static func errors(_ model: Model, for section: Section) -> FormErrors {
        model.section == section ? model.errors : FormErrors()
    }

    static func pseudonymSection(_ model: Model) -> Node<HTML.BodyContext> {
        let errors = errors(model, for: .pseudonym)
        return .section(
            .h2("Changer de pseudonyme"),
            Forms.errorSummary(errors, scope: "pseudo"),
            Forms.post(
                action: .myAccount(.pseudonym), csrf: model.csrf, class: "formulaire",
                Forms.field("pseudonyme", label: "Nouveau pseudonyme",
                            value: model.section == .pseudonym ? model.newPseudonym : "",
                            help: "N'utilisez pas votre vrai nom.", error: errors["pseudonyme"], required: true,
                            autocomplete: "off", maxLength: Pseudonym.maximumLength, scope: "pseudo"),
                Forms.field("motDePasseActuel", label: "Votre mot de passe actuel", kind: .password,
                            error: errors["motDePasseActuel"], required: true, autocomplete: "current-password", scope: "pseudo"),
                Forms.submit("Changer de pseudonyme")
            )
        )
    }

    static func passwordSection(_ model: Model) -> Node<HTML.BodyContext> {
        let errors = errors(model, for: .password)
        return .section(
            .h2("Changer de mot de passe"),
            Forms.errorSummary(errors, scope: "mdp"),
            Forms.post(
                action: .myAccount(.password), csrf: model.csrf, class: "formulaire",
                Forms.field("motDePasseActuel", label: "Votre mot de passe actuel", kind: .password,
                            error: errors["motDePasseActuel"], required: true, autocomplete: "current-password", scope: "mdp"),
                Forms.field("motDePasse", label: "Nouveau mot de passe", kind: .password, help: PasswordRules.help,
                            error: errors["motDePasse"], required: true, autocomplete: "new-password", scope: "mdp"),
                Forms.field("confirmation", label: "Le nouveau mot de passe, une deuxième fois", kind: .password,
                            error: errors["confirmation"], required: true, autocomplete: "new-password", scope: "mdp"),
                Forms.submit("Changer de mot de passe")
            )
        )
    }

    /// Staff read the site's public data from their dashboards with a personal token.
    static func apiSection(_ model: Model) -> Node<HTML.BodyContext> {
        guard !Set(model.roles).isDisjoint(with: APITokens.holders) else { return .empty }
        return .section(
            .h2("Mes jetons pour l'API"),
            .p(.text("Pour qu'un tableau de bord lise ce que le site publie : créez, voyez et révoquez vos jetons personnels.")),
            .p(.a(.class("bouton bouton-secondaire"), .href(.apiTokens), .text("Gérer mes jetons")))
        )
    }

    static func dataSection() -> Node<HTML.BodyContext> {
        .section(
            .h2("Mes données"),
            .p(.text("Téléchargez tout ce que le site garde sur vous, dans un fichier que vous pouvez ouvrir ou garder.")),
            .p(.a(.class("bouton bouton-secondaire"), .href(.myAccount(.data)),
                  .attribute(named: "download", value: "mes-donnees-portevoix.json"),
                  .text("Télécharger mes données")))
        )
    }

    static func deletionSection(_ model: Model) -> Node<HTML.BodyContext> {
        let errors = errors(model, for: .deletion)
        return .section(
            .h2("Supprimer mon compte"),
            .p(.text("Votre pseudonyme et votre mot de passe seront effacés, et vous serez déconnecté. "),
               .text("Ce que vous avez publié restera, signé « Ancien membre ». Vous ne pourrez pas revenir en arrière.")),
            Forms.errorSummary(errors, scope: "suppr"),
            Forms.post(
                action: .myAccount(.deletion), csrf: model.csrf, class: "formulaire",
                Forms.checkbox("confirme", label: "Je veux supprimer mon compte.", checked: false,
                               error: errors["confirme"], scope: "suppr"),
                Forms.field("motDePasseActuel", label: "Votre mot de passe, pour confirmer", kind: .password,
                            error: errors["motDePasseActuel"], required: true, autocomplete: "current-password", scope: "suppr"),
                Forms.submit("Supprimer mon compte", class: "bouton bouton-danger")
            )
        )
    }
}
