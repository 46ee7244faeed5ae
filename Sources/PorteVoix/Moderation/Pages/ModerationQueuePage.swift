import Foundation
import Plot

/// One kind of what waits, as one page of the queue shows it.
struct QueueSection<Item: Sendable>: Sendable {
    var items: [Item]
    var total: Int
    var page: Int
    var perPage: Int

    var pageCount: Int { max(1, (total + perPage - 1) / perPage) }

    /// The page `page` of a list already read whole (reports, the texts
    /// published to read again, the debate: a few dozen at most). A page past
    /// the end shows the last one.
    init(all: [Item], page: Int, perPage: Int) {
        self.total = all.count
        self.perPage = perPage
        self.page = 1
        self.items = []
        self.page = min(page, pageCount)
        let start = (self.page - 1) * perPage
        items = Array(all.dropFirst(start).prefix(perPage))
    }

    init(items: [Item], total: Int, page: Int, perPage: Int) {
        self.items = items
        self.total = total
        self.page = page
        self.perPage = perPage
    }

    static var none: QueueSection { QueueSection(items: [], total: 0, page: 1, perPage: 1) }
}

/// `/moderation`: what waits for a decision, oldest first. The overview
/// shows a few of each kind with a link to all of them; one kind is shown
/// page by page, so that the page stays light however long the queue grows.
struct ModerationQueue: Sendable {
    var proposals: QueueSection<ProposalSummary> = .none
    var comments: QueueSection<CommentSummary> = .none
    var afterPublication: QueueSection<ReportedItem> = .none
    var debate: QueueSection<DebateQueue.Item> = .none
    var reported: QueueSection<ReportedItem> = .none
    var filters = ModerationFilters()
    var csrf = ""

    /// Under a section: in the overview, the link to all of its kind when
    /// some are not shown; for one kind, the pages.
    func more<Item>(_ section: QueueSection<Item>, kind: ModerationFilters.Kind, what: String) -> Node<HTML.BodyContext> {
        if filters.kind == .all {
            guard section.total > section.items.count else { return .empty }
            return .p(.a(.href(.moderation, query: filters.only(kind).query),
                         .plain("Voir les \(section.total) \(what), page par page")))
        }
        return Pagination.links(path: .moderation, query: filters.query, page: section.page, pageCount: section.pageCount)
    }

    /// The page shown of the kind chosen (a page past the end shows the last).
    var shownPage: Int {
        switch filters.kind {
        case .all: 1
        case .proposals: proposals.page
        case .comments: comments.page
        case .published: afterPublication.page
        case .debate: debate.page
        case .reports: reported.page
        }
    }

    func page(context: PageContext) -> HTML {
        Layout.page(
            context,
            title: filters.kind == .all ? "À relire" : "À relire : \(filters.kind.label.lowercased())"
                + (shownPage > 1 ? ", page \(shownPage)" : ""),
            content: .group(
                .h1("À relire"),
                .p(.text("Les propositions et les commentaires qui attendent une décision avant publication, "),
                   .text("et ce que les membres ont signalé. Les plus anciens d'abord.")),
                ProposalPages.moderationFilters(filters),
                .if(filters.shows(.proposals), .group(
                    .h2(.plain(proposals.total == 1 ? "1 proposition" : "\(proposals.total) propositions")),
                    proposals.items.isEmpty ? .p(.text("Aucune proposition à relire.")) : .ul(.forEach(proposals.items) { proposal in
                        .li(.a(.href(ProposalPages.url(proposal)), .plain(proposal.title)),
                            .plain(" — envoyée le \(FrenchDates.shortDay(proposal.createdAt))"),
                            .if(proposal.fromPaper, .text(" (sur papier)")), .text(" "), Screening.badge(proposal.personalData))
                    }),
                    more(proposals, kind: .proposals, what: "propositions")
                )),
                .if(filters.shows(.comments), .group(
                    .h2(.plain(comments.total == 1 ? "1 commentaire" : "\(comments.total) commentaires")),
                    comments.items.isEmpty ? .p(.text("Aucun commentaire à relire.")) : .ul(.forEach(comments.items) { comment in
                        .li(.a(.href(comment.proposal?.url ?? .proposals, fragment: "commentaire-\(comment.id)"),
                               .plain("Sur « \(comment.proposal?.title ?? "") »")),
                            .plain(" — \(ProposalPages.excerpt(comment.body, length: 100))"), .text(" "), Screening.badge(comment.personalData))
                    }),
                    more(comments, kind: .comments, what: "commentaires")
                )),
                .if(filters.shows(.published), ReportedItems.afterPublicationSection(
                    afterPublication.items, total: afterPublication.total, csrf: csrf,
                    more: more(afterPublication, kind: .published, what: "textes publiés à relire"))),
                .if(filters.shows(.debate), DebateQueue.section(
                    debate.items, total: debate.total, csrf: csrf, more: more(debate, kind: .debate, what: "noms et avis à relire"))),
                .if(filters.shows(.reports), ReportedItems.section(
                    reported.items, total: reported.total, csrf: csrf,
                    more: more(reported, kind: .reports, what: "signalements et contenus masqués"))),
                .p(.a(.href(.moderationJournal), .text("Le journal de la modération")), .text(" · "),
                   .a(.href(.transparency), .text("La page de transparence")))
            )
        )
    }
}
