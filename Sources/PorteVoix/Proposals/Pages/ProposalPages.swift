import Foundation
import Plot

enum ProposalPages {
    // MARK: Pieces

    static func badge(_ status: ProposalStatus) -> Node<HTML.BodyContext> {
        .span(.class("badge badge-\(status.slug)"), .plain(status.label))
    }

    static func time(_ date: Date, long: Bool = false) -> Node<HTML.BodyContext> {
        .element(named: "time", nodes: [
            .attribute(named: "datetime", value: escapeAttribute(FrenchDates.iso(date))),
            .plain(long ? FrenchDates.day(date) : FrenchDates.shortDay(date)),
        ])
    }

    static func supportsText(_ count: Int) -> String {
        count == 0 ? "Aucun soutien" : count == 1 ? "1 soutien" : "\(count) soutiens"
    }

    static func url(_ proposal: ProposalSummary, _ page: SiteURL.ProposalPage = .show) -> SiteURL {
        proposal.url(page)
    }

    /// One proposal in a list.
    static func card(_ proposal: ProposalSummary, showStatus: Bool = true) -> Node<HTML.BodyContext> {
        .article(
            .class("carte-proposition"),
            .h2(.a(.href(url(proposal)), .plain(proposal.title))),
            .if(showStatus, .p(badge(proposal.status))),
            .ul(
                .class("meta"),
                .li(.plain("Thème : \(proposal.themeName)")),
                .li(.plain("Territoire : \(proposal.territoryName)")),
                .li(.plain(supportsText(proposal.supportsCount))),
                .li(.text("Publiée le "), time(proposal.publishedAt ?? proposal.createdAt))
            )
        )
    }

    // MARK: Listing

    struct ListModel {
        var proposals: [ProposalSummary]
        var total: Int
        var page: Int
        var pageCount: Int
        var filters: ProposalFilters
        var themes: [NamedID]
        var territories: [NamedID]
        var canPropose: Bool
        var canEnterPaper: Bool
    }

    static func list(_ model: ListModel, context: PageContext) -> HTML {
        list(title: listTitle(model), content: listContent(model), context: context)
    }

    /// The page around a list rendered earlier (`ProposalsController.list` keeps them).
    static func list(title: String, content: Node<HTML.BodyContext>, context: PageContext) -> HTML {
        Layout.page(context, title: title,
                    description: "Les propositions des membres du conseil consultatif du RSA, et ce qu'elles sont devenues.",
                    content: content)
    }

    static func listTitle(_ model: ListModel) -> String {
        model.page > 1 ? "Les propositions, page \(model.page)" : "Les propositions"
    }

    /// Everything inside `<main>`: the same for every visitor with the same rights.
    static func listContent(_ model: ListModel) -> Node<HTML.BodyContext> {
        let filters = model.filters
        return .group(
                .h1("Les propositions"),
                .p(.text("Les idées des membres du conseil, relues puis publiées. Chaque proposition reçoit une réponse écrite du Département.")),
                .p(
                    .class("actions"),
                    model.canPropose
                        ? .a(.class("bouton"), .href(.newProposal), .text("Faire une proposition"))
                        : .a(.class("bouton"), .href(.signIn, query: [("retour", SiteURL.newProposal.path)]), .text("Se connecter pour proposer")),
                    .if(model.canPropose, .a(.class("bouton bouton-secondaire"), .href(.myProposals), .text("Mes propositions"))),
                    .if(model.canEnterPaper, .a(.class("bouton bouton-secondaire"), .href(.paperProposal),
                                                .text("Saisir une proposition sur papier")))
                ),
                Forms.get(
                    action: .proposals, class: "filtres",
                    Forms.field("q", label: "Rechercher", value: filters.q ?? "", kind: .search,
                                help: "Un ou plusieurs mots du titre ou du texte.", maxLength: ProposalLimits.search),
                    Forms.select("theme", label: "Thème",
                                 options: [("", "Tous les thèmes")] + model.themes.map { ($0.id.uuidString, $0.name) },
                                 selected: filters.theme ?? ""),
                    Forms.select("territoire", label: "Territoire",
                                 options: [("", "Tous les territoires"), ("departement", "Tout le département")]
                                    + model.territories.map { ($0.id.uuidString, $0.name) },
                                 selected: filters.territoire ?? ""),
                    Forms.select("statut", label: "Où en est-elle ?",
                                 options: [("", "Toutes")] + ProposalStatus.publicStatuses.map { ($0.slug, $0.label) },
                                 selected: filters.statut ?? ""),
                    Forms.select("tri", label: "Trier par",
                                 options: [("recentes", "Les plus récentes"), ("soutenues", "Les plus soutenues")],
                                 selected: filters.tri ?? "recentes"),
                    Forms.submit("Afficher")
                ),
                .p(.attribute(named: "role", value: "status"), .class("compte-resultats"),
                   .plain(model.total == 0 ? "Aucune proposition ne correspond."
                          : model.total == 1 ? "1 proposition." : "\(model.total) propositions.")),
                .div(.class("liste-propositions"), .forEach(model.proposals) { card($0) }),
                Pagination.links(
                    path: .proposals,
                    query: [("q", filters.q ?? ""), ("theme", filters.theme ?? ""), ("territoire", filters.territoire ?? ""),
                            ("statut", filters.statut ?? ""), ("tri", filters.tri ?? "")],
                    page: model.page, pageCount: model.pageCount
                )
        )
    }

    static func mine(_ proposals: [ProposalSummary], page: Int = 1, pageCount: Int = 1, context: PageContext) -> HTML {
        Layout.page(
            context,
            title: "Mes propositions",
            content: .group(
                .h1("Mes propositions"),
                .p(.text("Toutes vos propositions, même celles qui attendent leur relecture. Vous voyez où chacune en est.")),
                .p(.a(.class("bouton"), .href(.newProposal), .text("Faire une proposition"))),
                proposals.isEmpty
                    ? .p(.text("Vous n'avez pas encore fait de proposition."))
                    : .div(.class("liste-propositions"), .forEach(proposals) { card($0) }),
                Pagination.links(path: .myProposals, query: [], page: page, pageCount: pageCount)
            )
        )
    }

    static func followUp(_ proposals: [ProposalSummary], page: Int, pageCount: Int, context: PageContext) -> HTML {
        Layout.page(
            context,
            title: "Vous avez dit, nous avons fait",
            description: "Les réponses du Département aux propositions du conseil consultatif, et ce qu'elles sont devenues.",
            content: .group(
                .h1("Vous avez dit, nous avons fait"),
                .p(.text("Les propositions du conseil auxquelles le Département a répondu, avec ce qu'elles sont devenues.")),
                proposals.isEmpty
                    ? .p(.text("Le Département n'a pas encore répondu à une proposition."))
                    : .div(.class("liste-propositions"), .forEach(proposals) { proposal in
                        .article(
                            .class("carte-proposition"),
                            .h2(.a(.href(url(proposal)), .plain(proposal.title))),
                            .p(badge(proposal.status)),
                            .ul(.class("meta"),
                                .li(.plain("Thème : \(proposal.themeName)")),
                                .li(.plain("Territoire : \(proposal.territoryName)")),
                                .unwrap(proposal.answeredAt) { .li(.text("Réponse du "), time($0)) }),
                            .unwrap(proposal.answer) { .p(.class("extrait"), .plain(excerpt($0))) }
                        )
                    }),
                Pagination.links(path: .followUp, query: [], page: page, pageCount: pageCount)
            )
        )
    }

    static func excerpt(_ text: String, length: Int = 220) -> String {
        let flat = text.replacingOccurrences(of: "\n", with: " ")
        guard flat.count > length else { return flat }
        return String(flat.prefix(length)).trimmingCharacters(in: .whitespaces) + "…"
    }

    static func moderationFilters(_ filters: ModerationFilters) -> Node<HTML.BodyContext> {
        Forms.get(
            action: .moderation, class: "filtres",
            Forms.select("quoi", label: "Afficher", options: ModerationFilters.Kind.allCases.map { ($0.rawValue, $0.label) },
                         selected: filters.kind.rawValue),
            Forms.select("raison", label: "Signalements pour", options: [("", "Toutes les raisons")]
                            + ReportReason.allCases.map { ($0.rawValue, $0.label) },
                         selected: filters.reason?.rawValue ?? ""),
            Forms.checkbox("donnees", label: "Seulement les textes où des données personnelles ont été détectées",
                           checked: filters.flaggedOnly, value: "oui"),
            Forms.submit("Filtrer", class: "bouton bouton-secondaire")
        )
    }
}
