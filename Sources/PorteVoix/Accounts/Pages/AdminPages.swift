import Foundation
import Plot

enum AdminPages {
    static func dashboard(isAdmin: Bool, context: PageContext) -> HTML {
        Layout.page(
            context,
            title: "Administration",
            content: .group(
                .h1("Administration"),
                .ul(
                    .class("cartes-liens"),
                    .li(.a(.href(.admin(.cards)), .strong("Cartes d'accès")),
                        .p(.text("Créer et imprimer des cartes pour les nouveaux membres, ou pour un membre qui a oublié son mot de passe."))),
                    .if(isAdmin, .group(
                        .li(.a(.href(.admin(.members)), .strong("Membres et rôles")),
                            .p(.text("Chercher un membre, changer ses rôles, suspendre ou réactiver un compte."))),
                        .li(.a(.href(.admin(.lists)), .strong("Territoires et thèmes")),
                            .p(.text("Les listes proposées dans les formulaires."))),
                        .li(.a(.href(.admin(.journal)), .strong("Journal des actions")),
                            .p(.text("Qui a fait quoi, et quand."))),
                        .li(.a(.href(.admin(.settings)), .strong("Réglages du site")),
                            .p(.text("Le nombre minimum de bulletins pour publier le résultat d'un vote.")))
                    ))
                )
            )
        )
    }

    struct MembersModel {
        var members: [MemberSummary]
        var total: Int
        var page: Int
        var pageCount: Int
        var filters: MemberFilters
        var territories: [NamedID]
    }

    static func members(_ model: MembersModel, context: PageContext) -> HTML {
        let filters = model.filters
        return Layout.page(
            context,
            title: "Membres et rôles",
            content: .group(
                .h1("Membres et rôles"),
                Forms.get(
                    action: .admin(.members), class: "filtres",
                    Forms.field("q", label: "Pseudonyme", value: filters.q ?? "", kind: .search, maxLength: AccountLimits.typedPseudonym),
                    Forms.select("role", label: "Rôle",
                                 options: [("", "Tous les rôles")] + Role.allCases.map { ($0.rawValue, $0.label) },
                                 selected: filters.role ?? ""),
                    Forms.select("statut", label: "Statut",
                                 options: [("", "Tous sauf supprimés")] + MemberStatus.allCases.map { ($0.rawValue, $0.label) },
                                 selected: filters.statut ?? ""),
                    Forms.select("territoire", label: "Territoire",
                                 options: [("", "Tous les territoires")]
                                    + model.territories.map { ($0.id.uuidString, $0.name) },
                                 selected: filters.territoire ?? ""),
                    Forms.submit("Filtrer")
                ),
                .p(.attribute(named: "role", value: "status"),
                   .plain(model.total == 0 ? "Aucun membre ne correspond." : model.total == 1 ? "1 membre." : "\(model.total) membres.")),
                .if(!model.members.isEmpty, .div(
                    .class("tableau-defilant"), .attribute(named: "tabindex", value: "0"),
                    .attribute(named: "role", value: "region"), .ariaLabel("Liste des membres"),
                    .table(
                        .thead(.tr(.th("Pseudonyme"), .th("Rôles"), .th("Statut"), .th("Territoire"), .th("Depuis le"))),
                        .tbody(.forEach(model.members) { member in
                            .tr(
                                .td(.a(.href(.adminMember(member.id)),
                                       .plain(member.publicName))),
                                .td(.plain(member.roles.sorted().map(\.label).joined(separator: ", "))),
                                .td(.plain(member.status.label)),
                                .td(.plain(member.territoryName ?? "—")),
                                .td(.plain(FrenchDates.shortDay(member.createdAt)))
                            )
                        })
                    )
                )),
                Pagination.links(
                    path: .admin(.members),
                    query: [("q", filters.q ?? ""), ("role", filters.role ?? ""), ("statut", filters.statut ?? ""),
                            ("territoire", filters.territoire ?? "")],
                    page: model.page, pageCount: model.pageCount
                )
            )
        )
    }

    struct MemberModel {
        var member: MemberSummary
        var territories: [NamedID]
        var csrf: String
        var isSelf: Bool
        var errors = FormErrors()
    }

    static func member(_ model: MemberModel, context: PageContext) -> HTML {
        let member = model.member
        let id = member.id
        return Layout.page(
            context,
            title: "« \(member.publicName) »",
            content: .group(
                .p(.a(.href(.admin(.members)), .text("Retour à la liste des membres"))),
                .h1(.plain("« \(member.publicName) »")),
                .dl(
                    .class("fiche"),
                    .dt("Statut"), .dd(.plain(member.status.label)),
                    .dt("Compte créé le"), .dd(.plain(FrenchDates.shortDay(member.createdAt))),
                    .dt("Charte acceptée le"), .dd(.plain(member.charterAcceptedAt.map(FrenchDates.shortDay) ?? "pas encore"))
                ),
                .h2("Rôles et territoire"),
                Forms.errorSummary(model.errors),
                Forms.post(
                    action: .adminMember(id, .roles), csrf: model.csrf, class: "formulaire",
                    .element(named: "fieldset", nodes: [
                        .element(named: "legend", nodes: [.text("Rôles")]),
                        .unwrap(model.errors["roles"]) { .p(.class("message-erreur"), .id("champ-roles"), .plain("Erreur : " + $0)) },
                        .forEach(Role.allCases) { role in
                            Forms.checkbox("roles[]", label: role.label, checked: member.roles.contains(role),
                                           value: role.rawValue, idSuffix: role.rawValue)
                        },
                    ]),
                    Forms.select("territoire", label: "Territoire",
                                 options: [("", "Tout le département")] + model.territories.map { ($0.id.uuidString, $0.name) },
                                 selected: member.territoryID?.uuidString ?? ""),
                    Forms.submit("Enregistrer les rôles")
                ),
                .h2("Accès au site"),
                .if(!model.isSelf, Forms.post(
                    action: .adminMember(id, .status), csrf: model.csrf,
                    member.status == .suspended
                        ? .group(
                            .p(.text("Ce compte est suspendu : la personne ne peut pas se connecter.")),
                            .input(.type(.hidden), .name("action"), .value("reactiver")),
                            Forms.submit("Réactiver le compte"))
                        : .group(
                            .p(.text("Un compte suspendu ne peut plus se connecter. La personne est invitée à contacter l'animatrice ou l'animateur.")),
                            .input(.type(.hidden), .name("action"), .value("suspendre")),
                            Forms.submit("Suspendre le compte", class: "bouton bouton-danger"))
                )),
                .if(model.isSelf, .p(.text("C'est votre propre compte : un autre administrateur peut le suspendre."))),
                .p(.text("La personne a oublié son mot de passe ? "),
                   .a(.href(.admin(.cards)), .text("Créez-lui une carte de remplacement")), .text("."))
            )
        )
    }

    struct ListsModel {
        var territories: [NamedID]
        var themes: [NamedID]
        var csrf: String
        var errors: FormErrors
        var typed: [String: String]
    }

    static func lists(_ model: ListsModel, context: PageContext) -> HTML {
        Layout.page(
            context,
            title: model.errors.isEmpty ? "Territoires et thèmes" : "Erreur — Territoires et thèmes",
            content: .group(
                .h1("Territoires et thèmes"),
                Forms.errorSummary(model.errors.scopedToNameFields),
                list(title: "Territoires", kind: "territory", add: .admin(.territories), rename: { .territory(.value($0)) },
                     items: model.territories.map { ($0.id, $0.name) }, model: model),
                list(title: "Thèmes", kind: "theme", add: .admin(.themes), rename: { .theme(.value($0)) },
                     items: model.themes.map { ($0.id, $0.name) }, model: model)
            )
        )
    }

    static func list(title: String, kind: String, add: SiteURL, rename: (UUID) -> SiteURL, items: [(UUID, String)], model: ListsModel)
        -> Node<HTML.BodyContext> {
        let newField = "\(kind)-nouveau"
        return .section(
            .h2(.plain(title)),
            .ul(.class("liste-renommable"), .forEach(items) { id, name in
                let field = "\(kind)-\(id)"
                return .li(Forms.post(
                    action: rename(id), csrf: model.csrf, class: "formulaire-en-ligne",
                    Forms.field("nom", label: "Nom", value: model.typed[field] ?? name, error: model.errors[field],
                                required: true, maxLength: AccountLimits.listName, scope: field),
                    Forms.submit("Renommer", class: "bouton bouton-secondaire")
                ))
            }),
            Forms.post(
                action: add, csrf: model.csrf, class: "formulaire-en-ligne",
                Forms.field("nom", label: "Ajouter", value: model.typed[newField] ?? "", error: model.errors[newField],
                            required: true, maxLength: AccountLimits.listName, scope: newField),
                Forms.submit("Ajouter")
            )
        )
    }

    struct JournalEntry: Sendable {
        var sequence: Int
        var createdAt: Date
        /// "Le serveur" for what the server did by itself.
        var actorName: String
        var summary: String
    }

    static func journal(entries: [JournalEntry], title: String, path: SiteURL, head: (sequence: Int, hash: String),
                        page: Int, pageCount: Int, context: PageContext) -> HTML {
        Layout.page(
            context,
            title: title,
            content: .group(
                .h1(.plain(title)),
                .p(.text("Chaque décision est inscrite ici, dans l'ordre, avec la personne qui l'a prise. "
                    + "Rien ne peut y être modifié ni effacé sans que la vérification le montre.")),
                AuditHead.paragraph(head),
                entries.isEmpty ? .p(.text("Aucune action pour l'instant.")) : .div(
                    .class("tableau-defilant"), .attribute(named: "tabindex", value: "0"),
                    .attribute(named: "role", value: "region"), .ariaLabel("Journal"),
                    .table(
                        .thead(.tr(.th("N°"), .th("Date"), .th("Qui"), .th("Quoi"))),
                        .tbody(.forEach(entries) { entry in
                            .tr(
                                .td(.plain(String(entry.sequence))),
                                .td(.element(named: "time", nodes: [
                                    .attribute(named: "datetime", value: escapeAttribute(FrenchDates.iso(entry.createdAt))),
                                    .plain(FrenchDates.dayAndTime(entry.createdAt)),
                                ])),
                                .td(.plain(entry.actorName)),
                                .td(.plain(entry.summary))
                            )
                        })
                    )
                ),
                Pagination.links(path: path, query: [], page: page, pageCount: pageCount)
            )
        )
    }
}

private extension FormErrors {
    /// The list forms' fields are all called `nom`, scoped by item: the
    /// summary links to `champ-<item>-nom`.
    var scopedToNameFields: FormErrors {
        var scoped = FormErrors()
        for item in items { scoped.add(item.field + "-nom", item.message) }
        return scoped
    }
}
