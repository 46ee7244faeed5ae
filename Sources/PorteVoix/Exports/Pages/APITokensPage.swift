import Foundation
import Plot

/// `/mon-compte/jetons` (staff): personal tokens for the read API.
enum APITokensPage {
    struct Token: Sendable {
        var id: UUID
        var label: String
        var createdAt: Date
        var expiresAt: Date
        var lastUsedOn: Date?
        var revokedAt: Date?
    }

    struct Model: Sendable {
        var csrf: String
        var tokens: [Token] = []
        /// The new token in clear: shown on this one response, never again.
        var newToken: String?
        var errors = FormErrors()
        var typedLabel = ""
        var typedDays = String(APITokens.defaultDays)
        var now: Date

        static let mock = Model(csrf: "jeton", tokens: [
            Token(id: UUID(), label: "Tableau de bord insertion", createdAt: Date(timeIntervalSince1970: 1_790_000_000),
                  expiresAt: Date(timeIntervalSince1970: 1_797_776_000), lastUsedOn: Date(timeIntervalSince1970: 1_795_000_000)),
        ], newToken: "pv_exemple", now: Date(timeIntervalSince1970: 1_795_100_000))
    }

    static func view(_ model: Model, context: PageContext) -> HTML {
        Layout.page(
            context,
            title: (model.errors.isEmpty ? "" : "Erreur — ") + "Mes jetons pour l'API",
            content: .group(
                .p(.a(.href(.myAccount(.show)), .text("Retour à mon compte"))),
                .h1("Mes jetons pour l'API"),
                .p(.text("Un jeton permet à un tableau de bord ou à un tableur de lire, en votre nom, ce que le site publie : "
                    + "propositions publiées, séances, résultats des votes, synthèse du débat sur le nom. Jamais un pseudonyme, "
                    + "jamais un bulletin.")),
                .p(.text("Il cesse de valoir à sa date de fin, si vous le révoquez, si vous changez de mot de passe ou de carte, "
                    + "si votre compte est suspendu ou n'a plus le rôle d'agent : il ne revient jamais. "),
                   .a(.href("/api/openapi.json"), .text("La description de l'API (OpenAPI)")), .text(".")),
                newTokenSection(model),
                createSection(model),
                listSection(model)
            )
        )
    }

    static func newTokenSection(_ model: Model) -> Node<HTML.BodyContext> {
        guard let token = model.newToken else { return .empty }
        return .section(
            .class("message-succes"), .attribute(named: "role", value: "status"),
            .h2("Votre nouveau jeton"),
            .p(.strong("Copiez-le maintenant : il ne sera plus jamais affiché. "),
               .text("Le site n'en garde qu'une empreinte : personne, pas même un administrateur, ne peut le retrouver.")),
            Forms.field("jeton", label: "Le jeton", value: token, extraAttributes: [("readonly", "readonly"), ("spellcheck", "false")]),
            .p(.class("aide-champ"), .text("À envoyer dans l'en-tête HTTP : Authorization: Bearer suivi du jeton."))
        )
    }

    static func createSection(_ model: Model) -> Node<HTML.BodyContext> {
        .section(
            .h2("Créer un jeton"),
            Forms.errorSummary(model.errors),
            Forms.post(
                action: .apiTokens, csrf: model.csrf, class: "formulaire",
                Forms.field("nom", label: "À quoi il sert", value: model.typedLabel, help: "Par exemple : tableau de bord insertion.",
                            error: model.errors["nom"], required: true, maxLength: APITokens.maximumLabelLength),
                Forms.field("jours", label: "Valable combien de jours", value: model.typedDays, kind: .number,
                            help: "De 1 à 365 jours ; 90 si vous ne changez rien.", error: model.errors["jours"], required: true,
                            extraAttributes: [("min", "1"), ("max", "365")]),
                Forms.submit("Créer le jeton")
            )
        )
    }

    static func listSection(_ model: Model) -> Node<HTML.BodyContext> {
        .section(
            .h2("Mes jetons"),
            model.tokens.isEmpty ? .p(.text("Vous n'avez pas encore de jeton.")) : .ul(
                .class("liste-simple"),
                .forEach(model.tokens) { token in
                    .li(
                        .strong(.plain(token.label)),
                        .text(" — créé le \(FrenchDates.shortDay(token.createdAt)), "),
                        .text(state(token, now: model.now)),
                        .text(token.lastUsedOn.map { ", dernière utilisation le \(FrenchDates.shortDay($0))" } ?? ", jamais utilisé"),
                        .text("."),
                        token.revokedAt == nil && token.expiresAt > model.now ? Forms.post(
                            action: .apiTokenRevocation(.value(token.id)), csrf: model.csrf, class: "formulaire-en-ligne",
                            Forms.submit("Révoquer « \(token.label) »", class: "bouton bouton-secondaire")
                        ) : .empty
                    )
                }
            )
        )
    }

    static func state(_ token: Token, now: Date) -> String {
        if let revoked = token.revokedAt { return "révoqué le \(FrenchDates.shortDay(revoked))" }
        if token.expiresAt <= now { return "expiré le \(FrenchDates.shortDay(token.expiresAt))" }
        return "valable jusqu'au \(FrenchDates.shortDay(token.expiresAt))"
    }
}
