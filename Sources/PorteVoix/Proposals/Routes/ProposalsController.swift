import Fluent
import Plot
import Vapor

/// `/propositions`: from a member's idea to the département's answer.
struct ProposalsController {
    static let pageSize = 20

    // MARK: Listing

    func list(request: Request) async throws -> HTML {
        let filters = (try? request.query.decode(ProposalFilters.self)) ?? ProposalFilters()
        let result = try await ProposalQueries.publicListing(
            filters: filters, page: Pagination.number(filters.page), per: Self.pageSize, on: request.db
        )
        return ProposalPages.list(
            .init(
                proposals: result.items.map(ProposalSummary.init), total: result.metadata.total, page: result.metadata.page,
                pageCount: result.metadata.pageCount, filters: filters,
                themes: try await Theme.query(on: request.db).sort(\.$position).all().map(\.choice),
                territories: try await Territory.query(on: request.db).sort(\.$position).all().map(\.choice),
                canPropose: request.member != nil,
                canEnterPaper: request.member?.roles.isDisjoint(with: Role.organisers) == false
            ),
            context: request.pageContext
        )
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

    func show(request: Request) async throws -> Response {
        let proposal = try await ProposalLookup.findVisible(request)
        let model = try await ProposalShowModel.make(proposal, request: request)
        return ProposalPages.show(model, context: request.pageContext).response(status: .ok)
    }

}
