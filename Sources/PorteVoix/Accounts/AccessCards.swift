import Fluent
import Plot
import Vapor

/// `/admin/cartes`: facilitators and admins create access cards and print
/// them at once. The codes are shown on that one page and never again.
struct AccessCardsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let cards = routes.requiring(.anyRole([.admin, .facilitator])).grouped("admin", "cartes")
        cards.get(use: show)
        cards.post(use: create)
        cards.post("remplacement", use: createReplacement)
    }

    struct BatchForm: Content {
        var nombre: String?
        var territoire: String?
    }

    struct ReplacementForm: Content { var pseudonyme: String? }

    func pageModel(_ request: Request) async throws -> AccessCardPages.Model {
        let recent = try await AccessCard.query(on: request.db)
            .with(\.$territory).with(\.$createdBy)
            .sort(\.$createdAt, .descending).limit(30).all()
        return AccessCardPages.Model(
            csrf: try await request.csrfToken(),
            territories: try await Territory.query(on: request.db).sort(\.$position).all(),
            recent: recent
        )
    }

    func show(request: Request) async throws -> HTML {
        AccessCardPages.form(try await pageModel(request), context: request.pageContext)
    }

    func create(request: Request) async throws -> Response {
        let form = (try? request.content.decode(BatchForm.self)) ?? BatchForm()
        var model = try await pageModel(request)
        model.typedCount = form.nombre ?? ""
        model.typedTerritory = form.territoire ?? ""
        let count = Int((form.nombre ?? "").trimmingCharacters(in: .whitespaces))
        if count == nil || !(1...AccessCard.maximumBatch).contains(count!) {
            model.errors.add("nombre", "Indiquez un nombre de cartes entre 1 et \(AccessCard.maximumBatch).")
        }
        var territory: Territory?
        if let raw = form.territoire, !raw.isEmpty {
            if let id = UUID(uuidString: raw) {
                territory = try await Territory.find(id, on: request.db)
            }
            if territory == nil { model.errors.add("territoire", "Choisissez un territoire de la liste.") }
        }
        guard let count, model.errors.isEmpty else {
            return AccessCardPages.form(model, context: request.pageContext).response(status: .unprocessableEntity)
        }
        let issued = try await issue(count: count, territory: territory, member: nil, request: request)
        try await request.audit("cards.create", count == 1
            ? "1 carte d'accès créée (\(territory?.name ?? "tout le département"))."
            : "\(count) cartes d'accès créées (\(territory?.name ?? "tout le département")).")
        return AccessCardPages.print(issued, context: request.pageContext, siteAddress: request.siteAddress)
            .response(status: .ok)
    }

    func createReplacement(request: Request) async throws -> Response {
        let typed = (try? request.content.decode(ReplacementForm.self))?.pseudonyme ?? ""
        var model = try await pageModel(request)
        model.typedPseudonym = typed
        let member = try await Member.query(on: request.db)
            .filter(\.$pseudonymKey == Pseudonym.key(for: typed))
            .filter(\.$status != .deleted)
            .with(\.$territory)
            .first()
        guard let member else {
            model.errors.add("pseudonyme", typed.isEmpty
                ? "Indiquez le pseudonyme du membre."
                : "Aucun membre n'a ce pseudonyme. Vérifiez l'orthographe avec la personne.")
            return AccessCardPages.form(model, context: request.pageContext).response(status: .unprocessableEntity)
        }
        let memberID = try member.requireID()
        // A new card replaces any unused one for the same account.
        try await AccessCard.query(on: request.db).filter(\.$member.$id == memberID).filter(\.$usedAt == nil).delete()
        let issued = try await issue(count: 1, territory: member.territory, member: member, request: request)
        try await request.audit("cards.replacement", "Carte de remplacement créée pour « \(member.publicName) ».")
        return AccessCardPages.print(issued, context: request.pageContext, siteAddress: request.siteAddress)
            .response(status: .ok)
    }

    /// Creates the cards; returns them with their codes, which exist only here.
    func issue(count: Int, territory: Territory?, member: Member?, request: Request) async throws -> [AccessCardPages.IssuedCard] {
        var issued: [AccessCardPages.IssuedCard] = []
        let now = Date()
        for _ in 0..<count {
            for attempt in 1...5 {
                let code = ActivationCode.make()
                let lookup = ActivationCode.lookup(of: code)
                if try await AccessCard.query(on: request.db).filter(\.$lookup == lookup).count() > 0, attempt < 5 {
                    continue
                }
                let card = AccessCard(
                    lookup: lookup, codeHash: try await SecretHasher.hash(code, application: request.application),
                    territoryID: territory?.id, memberID: member?.id, createdByID: request.member?.id, now: now
                )
                try await card.create(on: request.db)
                issued.append(.init(code: code, expiresAt: card.expiresAt, territory: territory?.name,
                                    replacementFor: member?.publicName))
                break
            }
        }
        return issued
    }
}

enum AccessCardPages {
    struct Model {
        var csrf: String
        var territories: [Territory]
        var recent: [AccessCard]
        var typedCount = "8"
        var typedTerritory = ""
        var typedPseudonym = ""
        var errors = FormErrors()
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
                .section(
                    .h2("Nouvelles cartes"),
                    Forms.post(
                        action: "/admin/cartes", csrf: model.csrf, class: "formulaire",
                        Forms.field("nombre", label: "Nombre de cartes", value: model.typedCount, kind: .number,
                                    help: "De 1 à \(AccessCard.maximumBatch). Une page A4 contient 8 cartes.",
                                    error: model.errors["nombre"], required: true,
                                    extraAttributes: [("min", "1"), ("max", String(AccessCard.maximumBatch)), ("inputmode", "numeric")]),
                        Forms.select("territoire", label: "Territoire",
                                     options: [("", "Tout le département")] + model.territories.map { ($0.id?.uuidString ?? "", $0.name) },
                                     selected: model.typedTerritory,
                                     help: "Les membres qui activeront ces cartes seront rattachés à ce territoire.",
                                     error: model.errors["territoire"]),
                        Forms.submit("Créer et afficher les cartes à imprimer")
                    )
                ),
                .section(
                    .h2("Carte de remplacement"),
                    .p(.text("Pour un membre qui a oublié son mot de passe. Il garde son compte ; son ancien mot de passe "),
                       .text("ne marchera plus quand il aura activé la nouvelle carte.")),
                    Forms.post(
                        action: "/admin/cartes/remplacement", csrf: model.csrf, class: "formulaire",
                        Forms.field("pseudonyme", label: "Pseudonyme du membre", value: model.typedPseudonym,
                                    error: model.errors["pseudonyme"], required: true, autocomplete: "off", maxLength: 60),
                        Forms.submit("Créer la carte de remplacement")
                    )
                ),
                recent(model.recent)
            )
        )
    }

    static func recent(_ cards: [AccessCard]) -> Node<HTML.BodyContext> {
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
                            .td(.plain(card.createdBy?.publicName ?? "—")),
                            .td(.plain(card.territory?.name ?? "Tout le département")),
                            .td(.plain(state(card)))
                        )
                    })
                )
            )
        )
    }

    static func state(_ card: AccessCard) -> String {
        if let used = card.usedAt { return "utilisée le \(FrenchDates.shortDay(used))" }
        if card.expiresAt <= Date() { return "expirée" }
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
                    .p(.a(.href("/admin/cartes"), .text("Retour aux cartes d'accès")))
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
