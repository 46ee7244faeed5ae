import Fluent
import Plot
import Vapor

/// `/propositions`: from a member's idea to the département's answer.
struct ProposalsController {
    static let pageSize = 20

    // MARK: Listing

    /// What the list shows whoever looks: the same for every visitor and member.
    struct Listing: Sendable {
        var proposals: [ProposalSummary]
        var total: Int
        var page: Int
        var pageCount: Int
        var themes: [NamedID]
        var territories: [NamedID]
    }

    func list(request: Request) async throws -> HTML {
        let filters = (try? request.query.decode(ProposalFilters.self)) ?? ProposalFilters()
        let page = Pagination.number(filters.page)
        let load = {
            let result = try await ProposalQueries.publicListing(filters: filters, page: page, per: Self.pageSize, on: request.db)
            return Listing(proposals: result.items.map(ProposalSummary.init), total: result.metadata.total, page: result.metadata.page,
                           pageCount: result.metadata.pageCount,
                           themes: try await Theme.query(on: request.db).sort(\.$position).all().map(\.choice),
                           territories: try await Territory.query(on: request.db).sort(\.$position).all().map(\.choice))
        }
        let canPropose = request.member != nil
        let canEnterPaper = request.member?.roles.isDisjoint(with: Role.organisers) == false
        func model(_ listing: Listing) -> ProposalPages.ListModel {
            .init(proposals: listing.proposals, total: listing.total, page: listing.page, pageCount: listing.pageCount, filters: filters,
                  themes: listing.themes, territories: listing.territories, canPropose: canPropose, canEnterPaper: canEnterPaper)
        }
        // Only the addresses the site's own links make are kept: no search
        // (any words would make a key), ids as the site writes them, known
        // slugs, page numbers without leading zeros. The rest is rendered each time.
        guard (filters.q ?? "").isEmpty, Self.isCanonical(filters) else {
            return ProposalPages.list(model(try await load()), context: request.pageContext)
        }
        // The list inside `<main>`, rendered once for each kind of reader
        // (visitor, member, organiser) and kept while nothing changes; the
        // layout around it is each member's own. A missing value is not an
        // empty one ("tri" chooses the selected option), hence "-".
        let audience = canEnterPaper ? "animation" : canPropose ? "membre" : "visiteur"
        let typed = [filters.theme, filters.territoire, filters.statut, filters.tri, filters.page].map { $0 ?? "-" }
        let rendered = try await request.cachedData("propositions-html|\(audience)|" + typed.joined(separator: "|"),
                                                    cost: { $0.main.utf8.count + $0.title.utf8.count }) {
            let listing = try await request.cachedData(Self.listingKey(filters, page: page), cost: Self.cost, load)
            let model = model(listing)
            return RenderedList(title: ProposalPages.listTitle(model), main: ProposalPages.listContent(model).render())
        }
        return ProposalPages.list(title: rendered.title, content: .raw(rendered.main), context: request.pageContext)
    }

    /// Whether every filter is an id, a known slug or a page number as written by a link:
    /// no `|` (the key's separator), no leading zero, nothing free.
    static func isCanonical(_ filters: ProposalFilters) -> Bool {
        func id(_ value: String?) -> Bool { value.map { $0.isEmpty || UUID(uuidString: $0) != nil } ?? true }
        let territory = filters.territoire.map { $0 == "departement" || id($0) } ?? true
        let status = filters.statut.map { $0.isEmpty || ProposalStatus(slug: $0) != nil } ?? true
        let sort = filters.tri.map { $0.isEmpty || ProposalQueries.Sort(rawValue: $0) != nil } ?? true
        let page = filters.page.map { Int($0).map { String($0) == filters.page && $0 >= 1 && $0 <= Pagination.maximumPage } ?? false } ?? true
        return id(filters.theme) && territory && status && sort && page
    }

    /// About the bytes a listing holds: its texts, and a little for the rest.
    static func cost(_ listing: Listing) -> Int {
        listing.proposals.reduce(0) { $0 + $1.title.utf8.count + $1.body.utf8.count + 200 }
            + (listing.themes + listing.territories).reduce(0) { $0 + $1.name.utf8.count + 40 }
    }

    struct RenderedList: Sendable {
        var title: String
        var main: String
    }

    /// The filters as the query reads them: ids, slugs and a page number, never free text.
    static func listingKey(_ filters: ProposalFilters, page: Int) -> String {
        let theme = filters.theme.flatMap(UUID.init(uuidString:))?.uuidString ?? ""
        let territory = filters.territoire == "departement" ? "departement" : filters.territoire.flatMap(UUID.init(uuidString:))?.uuidString ?? ""
        let status = filters.statut.flatMap(ProposalStatus.init(slug:)).map(\.rawValue) ?? ""
        let sort = ProposalQueries.Sort(rawValue: filters.tri ?? "")?.rawValue ?? ""
        return "propositions|\(theme)|\(territory)|\(status)|\(sort)|\(page)"
    }

    func mine(request: Request) async throws -> HTML {
        let member = try request.requireMember()
        let result = try await Proposal.query(on: request.db)
            .filter(\.$author.$id == member.requireID())
            .with(\.$theme).with(\.$territory)
            .sort(\.$createdAt, .descending)
            .paginateWithinRange(page: Pagination.number(request.query[String.self, at: "page"]), per: Self.pageSize)
        return ProposalPages.mine(result.items.map(ProposalSummary.init), page: result.metadata.page, pageCount: result.metadata.pageCount,
                                  context: request.pageContext)
    }

    func followUp(request: Request) async throws -> HTML {
        let result = try await Proposal.query(on: request.db)
            .shownToThePublic(ProposalStatus.answeredStatuses)
            .with(\.$theme).with(\.$territory)
            .sort(\.$answeredAt, .descending)
            .paginateWithinRange(page: Pagination.number(request.query[String.self, at: "page"]), per: Self.pageSize)
        return ProposalPages.followUp(result.items.map(ProposalSummary.init), page: result.metadata.page, pageCount: result.metadata.pageCount,
                                      context: request.pageContext)
    }

    // MARK: One proposal

    /// The page's shared part comes from memory while nothing the site
    /// shows changed (the page cache's rules); the visibility check and the
    /// reader's own part are made for each request.
    func show(request: Request) async throws -> Response {
        guard let id = request.id(.proposal) else { throw Abort(.notFound) }
        let shared: ProposalShowModel.SharedPart? = try await request.cachedData("proposal-page:\(id.uuidString)", cost: { $0?.cost ?? 64 }, keeps: { $0 != nil }) {
            guard let proposal = try await ProposalLookup.find(id, on: request.db) else { return nil }
            return try await ProposalShowModel.SharedPart.load(proposal, on: request.db)
        }
        guard let shared else { throw Abort(.notFound) }
        try ProposalLookup.checkVisible(shared.proposal, to: request.member)
        let model = try await ProposalShowModel.make(shared, request: request)
        return ProposalPages.show(model, context: request.pageContext).response(status: .ok)
    }

}
