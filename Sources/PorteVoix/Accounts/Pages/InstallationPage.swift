import Fluent
import NIOConcurrencyHelpers
import Plot
import Vapor

enum InstallationPage {
    struct Model {
        var csrf: String
        var token: String
        var pseudonym: String
        var errors = FormErrors()
    }

    static func view(_ model: Model, context: PageContext) -> HTML {
        Layout.page(
            context,
            title: model.errors.isEmpty ? "Installation" : "Erreur — Installation",
            content: .group(
                .h1("Créer le premier compte administrateur"),
                .p(.text("Ce compte gère le site : les rôles, les territoires, les thèmes et les cartes d'accès. "),
                   .text("Choisissez un pseudonyme qui ne dit pas votre nom si vous le souhaitez.")),
                Forms.errorSummary(model.errors),
                Forms.post(
                    action: .installation, csrf: model.csrf, class: "formulaire",
                    Forms.input([("type", "hidden"), ("name", "jeton"), ("value", model.token)]),
                    Forms.field("pseudonyme", label: "Pseudonyme", value: model.pseudonym,
                                error: model.errors["pseudonyme"], required: true, autocomplete: "username",
                                maxLength: Pseudonym.maximumLength),
                    Forms.field("motDePasse", label: "Mot de passe", kind: .password, help: PasswordRules.help,
                                error: model.errors["motDePasse"], required: true, autocomplete: "new-password"),
                    Forms.field("confirmation", label: "Le même mot de passe, une deuxième fois", kind: .password,
                                error: model.errors["confirmation"], required: true, autocomplete: "new-password"),
                    Forms.submit("Créer le compte administrateur")
                )
            )
        )
    }
}
