import Fluent
import Plot
import Vapor

enum ActivationPages {
    struct CodeModel {
        var csrf: String
        var code: String
        var errors = FormErrors()
        var blocked: Pause?
        /// Every place for checking a code was taken: try again in a moment.
        var busy = false
    }

    struct AccountModel {
        var csrf: String
        var pseudonym: String
        /// The pseudonym of the account a replacement card gives back.
        var replacementFor: String?
        var errors = FormErrors()
    }

    struct CharterModel {
        var csrf: String
        var charterHTML: String
        var errors = FormErrors()
    }

    static func steps(current: Int) -> Node<HTML.BodyContext> {
        .p(.class("etape"), .plain("Étape \(current) sur 3"))
    }

    static func code(_ model: CodeModel, context: PageContext) -> HTML {
        Layout.page(
            context,
            title: model.errors.isEmpty && !model.busy ? "Activer ma carte" : "Erreur — Activer ma carte",
            content: .group(
                steps(current: 1),
                .h1("Activer ma carte d'accès"),
                .p(.text("Vous avez reçu une carte d'accès en papier. Elle vous permet de créer votre compte, une seule fois.")),
                .if(model.busy, BusyNotice.node),
                .unwrap(model.blocked) { pause in
                    .div(.class("resume-erreurs"), .attribute(named: "role", value: "alert"),
                         .h2("Trop d'essais d'un coup"),
                         .p(.plain("Vous pourrez réessayer à \(FrenchDates.pause(pause)).")))
                },
                Forms.errorSummary(model.errors),
                Forms.post(
                    action: .activation, csrf: model.csrf, class: "formulaire",
                    Forms.field("code", label: "Code de la carte", value: model.code,
                                help: "Il est écrit en gros sur votre carte. Les espaces, les tirets et les minuscules ne comptent pas.",
                                error: model.errors["code"], required: true, autocomplete: "off", maxLength: AccountLimits.typedCode,
                                extraAttributes: [("autocapitalize", "characters"), ("spellcheck", "false")]),
                    Forms.submit("Continuer")
                ),
                .p(.text("Vous avez déjà un compte ? "), .a(.href(.signIn), .text("Connectez-vous")), .text("."))
            )
        )
    }

    static func account(_ model: AccountModel, context: PageContext) -> HTML {
        let title = model.replacementFor == nil ? "Créer mon compte" : "Choisir un nouveau mot de passe"
        return Layout.page(
            context,
            title: model.errors.isEmpty ? title : "Erreur — \(title)",
            content: .group(
                steps(current: 2),
                .h1(.plain(title)),
                .unwrap(model.replacementFor) { pseudonym in
                    .p(.plain("Cette carte vous rend l'accès au compte « \(pseudonym) ». Choisissez un nouveau mot de passe : "
                        + "l'ancien ne marchera plus."))
                },
                Forms.errorSummary(model.errors),
                Forms.post(
                    action: .activationAccount, csrf: model.csrf, class: "formulaire",
                    .if(model.replacementFor == nil,
                        Forms.field("pseudonyme", label: "Pseudonyme", value: model.pseudonym,
                                    help: "C'est le nom que les autres membres verront. N'utilisez pas votre vrai nom. "
                                        + "De \(Pseudonym.minimumLength) à \(Pseudonym.maximumLength) caractères.",
                                    error: model.errors["pseudonyme"], required: true, autocomplete: "username",
                                    maxLength: Pseudonym.maximumLength)),
                    Forms.field("motDePasse", label: "Mot de passe", kind: .password, help: PasswordRules.help,
                                error: model.errors["motDePasse"], required: true, autocomplete: "new-password",
                                maxLength: PasswordRules.maximumLength),
                    Forms.field("confirmation", label: "Le même mot de passe, une deuxième fois", kind: .password,
                                error: model.errors["confirmation"], required: true, autocomplete: "new-password",
                                maxLength: PasswordRules.maximumLength),
                    Forms.submit(model.replacementFor == nil ? "Créer mon compte" : "Enregistrer mon mot de passe")
                )
            )
        )
    }

    static func charter(_ model: CharterModel, context: PageContext) -> HTML {
        Layout.page(
            context,
            title: model.errors.isEmpty ? "Lire et accepter la charte" : "Erreur — Lire et accepter la charte",
            content: .group(
                steps(current: 3),
                .h1("Lire et accepter la charte"),
                .p(.text("Voici les règles du conseil. Prenez le temps de les lire.")),
                .div(.class("texte charte-activation"), .raw(model.charterHTML)),
                Forms.errorSummary(model.errors),
                Forms.post(
                    action: .activationCharter, csrf: model.csrf, class: "formulaire",
                    Forms.checkbox("accepte", label: "J'ai lu la charte du conseil et je l'accepte.", checked: false,
                                   error: model.errors["accepte"]),
                    Forms.submit("Accepter la charte et entrer")
                )
            )
        )
    }
}
