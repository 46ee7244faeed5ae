import Fluent
import SQLKit
import Plot
import Vapor

enum AccessCardPages {
    struct Model {
        var csrf: String
        /// Nil until an administrator sets it: no card is printed before.
        var publicAddress: String?
        var canSetAddress = false
        /// Pre-filled with the address the administrator is using.
        var typedAddress = ""
        var territories: [NamedID]
        var recent: [CardRow]
        var typedCount = "8"
        var typedTerritory = ""
        var typedPseudonym = ""
        var typedUnblock = ""
        var errors = FormErrors()
        var pending: [PendingReplacement] = []
    }

    struct PendingReplacement {
        var id: UUID
        var pseudonym: String
        var requestedAt: Date
        var requestedBy: String
        /// Asked by the person looking: someone else must confirm, then they print.
        var mine: Bool
        /// Confirmed by a second person: the requester may print it.
        var confirmed: Bool
    }

    struct IssuedCard {
        var code: String
        var expiresAt: Date
        var territory: String?
        var replacementFor: String?
    }

    static func form(_ model: Model, context: PageContext) -> HTML {
        Layout.page(
            context,
            title: model.errors.isEmpty ? "Cartes d'accès" : "Erreur — Cartes d'accès",
            content: .group(
                .h1("Cartes d'accès"),
                .p(.text("Chaque carte permet à une personne de créer son compte, une seule fois, dans les 60 jours. "),
                   .text("Les codes s'affichent une seule fois, sur la page à imprimer : imprimez-la tout de suite.")),
                Forms.errorSummary(model.errors),
                addressSection(model),
                .section(
                    .h2("Nouvelles cartes"),
                    Forms.post(
                        action: .admin(.cards), csrf: model.csrf, class: "formulaire",
                        Forms.field("nombre", label: "Nombre de cartes", value: model.typedCount, kind: .number,
                                    help: "De 1 à \(AccessCard.maximumBatch). Une page A4 contient 8 cartes.",
                                    error: model.errors["nombre"], required: true,
                                    extraAttributes: [("min", "1"), ("max", String(AccessCard.maximumBatch)), ("inputmode", "numeric")]),
                        Forms.select("territoire", label: "Territoire",
                                     options: [("", "Tout le département")] + model.territories.map { ($0.id.uuidString, $0.name) },
                                     selected: model.typedTerritory,
                                     help: "Les membres qui activeront ces cartes seront rattachés à ce territoire.",
                                     error: model.errors["territoire"]),
                        Forms.submit("Créer et afficher les cartes à imprimer")
                    )
                ),
                .section(
                    .h2("Carte de remplacement"),
                    .p(.text("Pour un membre qui a oublié son mot de passe. Il garde son compte. Une deuxième personne "),
                       .text("(animatrice, animateur ou administrateur) confirme la demande ; puis la personne qui l'a faite "),
                       .text("imprime la carte et la remet au membre : dès ce moment, l'ancien mot de passe ne marche plus. "),
                       .text("Personne ne fait seul une carte de remplacement. Pour un compte qui a un rôle, il faut deux "),
                       .text("administrateurs ; un site qui n'en a qu'un fait cette carte depuis le terminal du serveur.")),
                    Forms.post(
                        action: .admin(.cardReplacements), csrf: model.csrf, class: "formulaire",
                        Forms.field("pseudonyme", label: "Pseudonyme du membre", value: model.typedPseudonym,
                                    error: model.errors["pseudonyme"], required: true, autocomplete: "off", maxLength: AccountLimits.typedPseudonym),
                        Forms.submit("Demander une carte de remplacement")
                    )
                ),
                pendingSection(model),
                .section(
                    .h2("Débloquer la connexion d'un membre"),
                    .p(.text("Après trop d'essais de mot de passe, la connexion d'un compte se met en pause, jusqu'à une heure. "),
                       .text("Si la personne est devant vous et connaît son mot de passe, vous pouvez lever la pause. "),
                       .text("Faites-le seulement avec elle : c'est écrit dans le journal des actions.")),
                    Forms.post(
                        action: .admin(.cardUnblock), csrf: model.csrf, class: "formulaire",
                        Forms.field("debloquer", label: "Pseudonyme du membre", value: model.typedUnblock,
                                    error: model.errors["debloquer"], required: true, autocomplete: "off", maxLength: AccountLimits.typedPseudonym),
                        Forms.submit("Débloquer sa connexion", class: "bouton bouton-secondaire")
                    )
                ),
                recent(model.recent)
            )
        )
    }

    /// Before the first print: the address the cards will send people to.
    static func addressSection(_ model: Model) -> Node<HTML.BodyContext> {
        guard model.publicAddress == nil else { return .empty }
        return .section(
            .h2("Avant la première impression : l'adresse du site"),
            .p(.text("Les cartes disent aux membres quelle adresse taper. Elle doit être celle que tout le monde utilise "),
               .text("pour venir sur le site, pas celle d'un ordinateur du bureau.")),
            model.canSetAddress
                ? Forms.post(
                    action: .admin(.cardAddress), csrf: model.csrf, class: "formulaire",
                    Forms.field("adresse", label: "Adresse du site", value: model.typedAddress, kind: .url,
                                help: "Vérifiez-la : c'est l'adresse que vous utilisez en ce moment. "
                                    + "Vous pourrez la changer dans les réglages du site.",
                                error: model.errors["adresse"], required: true, autocomplete: "url", maxLength: AccountLimits.address),
                    Forms.submit("Enregistrer l'adresse")
                )
                : .p(.text("Un administrateur du site doit d'abord l'indiquer, ici ou dans les réglages du site. "),
                     .text("Demandez-le lui : ensuite, vous pourrez imprimer les cartes."))
        )
    }

    static func pendingSection(_ model: Model) -> Node<HTML.BodyContext> {
        guard !model.pending.isEmpty else { return .empty }
        return .section(
            .h2("Cartes de remplacement demandées"),
            .ul(.class("demandes-remplacement"), .forEach(model.pending) { pending in
                .li(
                    .plain("« \(pending.pseudonym) », demandée par \(pending.requestedBy) le \(FrenchDates.shortDay(pending.requestedAt))"
                        + (pending.confirmed ? ", confirmée. " : ". ")),
                    pending.mine
                        ? (pending.confirmed
                            ? Forms.post(action: .cardReplacementPrint(.value(pending.id)), csrf: model.csrf,
                                         Forms.submit("Imprimer la carte", class: "bouton bouton-secondaire"))
                            : .span(.class("aide-champ"), .text("Vous avez fait cette demande : une autre personne doit la confirmer.")))
                        : (pending.confirmed
                            ? .span(.class("aide-champ"), .text("Confirmée : la personne qui l'a demandée peut l'imprimer."))
                            : Forms.post(action: .cardReplacement(.value(pending.id)), csrf: model.csrf,
                                         Forms.submit("Confirmer la demande", class: "bouton bouton-secondaire")))
                )
            })
        )
    }

    /// One card of the "recent" table.
    struct CardRow: Sendable {
        var createdAt: Date
        var createdBy: String
        var territoryName: String?
        /// "utilisée le …", "expirée", "pas encore utilisée".
        var state: String
    }

    static func row(_ card: AccessCard, now: Date) -> CardRow {
        CardRow(createdAt: card.createdAt, createdBy: card.createdBy?.publicName ?? "—",
                territoryName: card.territory?.name, state: state(card, now: now))
    }

    static func recent(_ cards: [CardRow]) -> Node<HTML.BodyContext> {
        .section(
            .h2("Dernières cartes créées"),
            cards.isEmpty ? .p(.text("Aucune carte pour l'instant.")) : .div(
                .class("tableau-defilant"), .attribute(named: "tabindex", value: "0"),
                .attribute(named: "role", value: "region"), .ariaLabel("Dernières cartes créées"),
                .table(
                    .thead(.tr(.th("Créée le"), .th("Par"), .th("Territoire"), .th("État"))),
                    .tbody(.forEach(cards) { card in
                        .tr(
                            .td(.plain(FrenchDates.shortDay(card.createdAt))),
                            .td(.plain(card.createdBy)),
                            .td(.plain(card.territoryName ?? "Tout le département")),
                            .td(.plain(card.state))
                        )
                    })
                )
            )
        )
    }

    static func state(_ card: AccessCard, now: Date) -> String {
        if let used = card.usedAt { return "utilisée le \(FrenchDates.shortDay(used))" }
        if card.expiresAt <= now { return "expirée" }
        return card.isReplacement ? "remplacement, pas encore utilisée" : "pas encore utilisée"
    }

    static func print(_ cards: [IssuedCard], context: PageContext, siteAddress: String) -> HTML {
        Layout.page(
            context,
            title: "Cartes à imprimer",
            content: .group(
                .div(
                    .class("ne-pas-imprimer"),
                    .h1(.plain(cards.count == 1 ? "1 carte à imprimer" : "\(cards.count) cartes à imprimer")),
                    .div(.class("message-succes"), .attribute(named: "role", value: "status"),
                         .p(.strong("Imprimez cette page maintenant."),
                            .text(" Les codes ne seront plus jamais affichés : ils ne sont pas gardés par le site."))),
                    .p(.text("Utilisez la commande Imprimer de votre navigateur (Ctrl + P). Sur du papier A4, chaque page porte 8 cartes à découper.")),
                    .p(.a(.href(.admin(.cards)), .text("Retour aux cartes d'accès")))
                ),
                .div(
                    .class("planche-cartes"),
                    .forEach(cards) { card in
                        .section(
                            .class("carte-acces"),
                            .ariaLabel("Carte d'accès"),
                            .p(.class("carte-titre"), .plain("\(context.siteName) — conseil consultatif du RSA")),
                            .unwrap(card.replacementFor) { .p(.class("carte-compte"), .plain("Pour le compte « \($0) »")) },
                            .p(.class("carte-code"), .plain(ActivationCode.grouped(card.code))),
                            .ol(
                                .class("carte-etapes"),
                                .li(.plain("Allez sur \(siteAddress)/activation")),
                                .li(.text("Tapez le code ci-dessus.")),
                                .li(.plain(card.replacementFor == nil
                                    ? "Choisissez un pseudonyme et un mot de passe."
                                    : "Choisissez un nouveau mot de passe."))
                            ),
                            .p(.class("carte-validite"),
                               .plain("Valable une fois, jusqu'au \(FrenchDates.shortDay(card.expiresAt)). Gardez ce code pour vous."))
                        )
                    }
                )
            )
        )
    }
}
