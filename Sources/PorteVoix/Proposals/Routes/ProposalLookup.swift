import Fluent
import Vapor

/// The proposal a route names, if the visitor may see it or change it.
enum ProposalLookup {
    /// The proposal, if the visitor may see it; 404 otherwise (nobody learns
    /// that an unpublished proposal exists). A hidden proposal says why it is
    /// hidden; its author and the moderators still see it.
    static func findVisible(_ request: Request) async throws -> Proposal {
        guard let id = request.id(.proposal), let proposal = try await find(id, on: request.db) else { throw Abort(.notFound) }
        try checkVisible(proposal, to: request.member)
        return proposal
    }

    /// The proposal with its theme, territory and author.
    static func find(_ id: UUID, on database: any Database) async throws -> Proposal? {
        try await Proposal.query(on: database).filter(\.$id == id)
            .with(\.$theme).with(\.$territory).with(\.$author).first()
    }

    /// Throws the page a reader gets for a proposal they may not see.
    static func checkVisible(_ proposal: Proposal, to member: Member?) throws {
        if proposal.isShownToThePublic { return }
        if let member {
            let isAuthor = proposal.$author.id != nil && proposal.$author.id == member.id
            let enteredIt = proposal.$enteredBy.id == member.id
            if isAuthor || enteredIt || member.roles.contains(.moderator) { return }
        }
        if proposal.status.isPublic, let reason = proposal.hiddenReason {
            throw PageError(.notFound, title: "Cette proposition est masquée", message: reason.publicText)
        }
        throw Abort(.notFound)
    }

    static func findEditable(_ request: Request) async throws -> Proposal {
        let member = try request.requireMember()
        let proposal = try await ProposalLookup.findVisible(request)
        guard ProposalWorkflow.canEdit(status: proposal.status, isAuthor: proposal.$author.id == member.id) else {
            throw PageError(
                .forbidden, title: "Cette proposition ne peut plus être modifiée",
                message: "Une proposition se modifie seulement tant qu'elle attend sa relecture, et seulement par son auteur."
            )
        }
        return proposal
    }

    /// The original a duplicate points to: an id (or an address holding
    /// one) of a proposal the public reads, other than `id`.
    static func original(named typed: String, for id: UUID, on database: any Database) async throws -> UUID? {
        let pattern = /[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}/
        guard let match = typed.prefix(300).firstMatch(of: pattern), let original = UUID(uuidString: String(match.output)),
              original != id,
              let proposal = try await Proposal.query(on: database).filter(\.$id == original).shownToThePublic().first()
        else { return nil }
        return proposal.id
    }
}
