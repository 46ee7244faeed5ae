import Plot
import Vapor

enum SiteSettingsPage {
    struct Model {
        var csrf: String
        /// What the form shows, by field: saved values, or what was typed.
        var values: [String: String]
        /// `PORTEVOIX_PUBLIC_URL` is set: the address is shown, not edited.
        var addressFromEnvironment = false
        var addressSaved = false
        /// The address is https but cookies go without `Secure`.
        var insecureCookies = false
        var errors = FormErrors()
    }

    static func view(_ model: Model, context: PageContext) -> HTML {
        Layout.page(
            context,
            title: (model.errors.isEmpty ? "" : "Erreur — ") + "Réglages du site",
            content: .group(
                .p(.a(.href(.admin(.dashboard)), .text("Administration"))),
                .h1("Réglages du site"),
                Forms.errorSummary(model.errors),
                Forms.post(
                    action: .admin(.settings), csrf: model.csrf, class: "formulaire",
                    .h2("Votes"),
                    Forms.field("minimum", label: "Nombre minimum de bulletins pour publier le résultat d'un vote",
                                value: model.values["minimum"] ?? "", kind: .number,
                                help: "En dessous, les résultats d'un vote ne sont pas publiés : on risquerait de reconnaître "
                                    + "qui a voté quoi. Les animateurs peuvent demander plus pour un vote, jamais moins. "
                                    + "5 par défaut.",
                                error: model.errors["minimum"], required: true),
                    .h2("Limites contre les envois en masse"),
                    Forms.field("propositions", label: "Propositions qu'un compte peut envoyer en une heure",
                                value: model.values["propositions"] ?? "", kind: .number,
                                help: "Au-delà, la personne garde son texte et peut l'envoyer un peu plus tard. "
                                    + "\(SiteSettingsStore.proposalsPerHourSetting.defaultValue) par défaut.",
                                error: model.errors["propositions"], required: true),
                    Forms.field("commentaires", label: "Commentaires qu'un compte peut envoyer en une heure",
                                value: model.values["commentaires"] ?? "", kind: .number,
                                help: "\(SiteSettingsStore.commentsPerHourSetting.defaultValue) par défaut.",
                                error: model.errors["commentaires"], required: true),
                    Forms.field("signalements", label: "Signalements de membres différents qui masquent un contenu",
                                value: model.values["signalements"] ?? "", kind: .number,
                                help: "Le contenu reste masqué jusqu'à la décision d'une personne de l'équipe de modération. "
                                    + "\(Reports.setting.defaultValue) par défaut.",
                                error: model.errors["signalements"], required: true),
                    .h2("Relecture"),
                    .p(.text("Un texte où le site a repéré des données personnelles (téléphone, adresse…) attend toujours "
                        + "une relecture, quel que soit ce réglage.")),
                    Forms.select("moderation-propositions", label: "Propositions des membres", options: ModerationMode.choices,
                                 selected: model.values["moderation-propositions"], error: model.errors["moderation-propositions"]),
                    Forms.select("moderation-commentaires", label: "Commentaires", options: ModerationMode.choices,
                                 selected: model.values["moderation-commentaires"], error: model.errors["moderation-commentaires"]),
                    Forms.submit("Enregistrer les réglages")
                ),
                .h2("Adresse du site"),
                .if(model.insecureCookies, .p(.class("resume-erreurs"),
                    .text("L'adresse est en https, mais le serveur envoie ses cookies sans la mention « Secure » : "),
                    .text("réglez PORTEVOIX_PUBLIC_URL ou PORTEVOIX_SECURE_COOKIES=oui sur le serveur."))),
                model.addressFromEnvironment
                    ? .p(.plain("Adresse imprimée sur les cartes d'accès et dans les calendriers : \(model.values["adresse"] ?? ""). "),
                         .text("Elle est fixée par la configuration du serveur (PORTEVOIX_PUBLIC_URL)."))
                    : Forms.post(
                        action: .admin(.settingsAddress), csrf: model.csrf, class: "formulaire",
                        Forms.field("adresse", label: "Adresse du site", value: model.values["adresse"] ?? "", kind: .url,
                                    help: (model.addressSaved ? "" : "Pas encore enregistrée : vérifiez celle qui est proposée. ")
                                        + "Elle est imprimée sur les cartes d'accès et écrite dans les calendriers : "
                                        + "c'est celle que tout le monde tape pour venir sur le site.",
                                    error: model.errors["adresse"], required: true, autocomplete: "url", maxLength: AccountLimits.address),
                        Forms.submit("Enregistrer l'adresse")
                    )
            )
        )
    }
}
