import Fluent
import Foundation
import Vapor
@testable import PorteVoix

/// A proposal straight in the database, in any status.
@discardableResult
func makeProposal(
    _ app: Application, title: String = "Un bus pour les rendez-vous", body: String = "Le bus passe trop rarement.",
    author: Member?, status: ProposalStatus = .published, anonymous: Bool = false,
    theme: Theme? = nil, territory: Territory? = nil, publishedAt: Date = Date()
) async throws -> Proposal {
    let themeID: UUID
    if let theme {
        themeID = try theme.requireID()
    } else {
        themeID = try await Theme.query(on: app.db).first()!.requireID()
    }
    let proposal = Proposal(
        title: title, body: body, themeID: themeID, territoryID: territory?.id, authorID: author?.id,
        anonymous: anonymous, fromPaper: false, enteredByID: nil, status: status, at: app.clock.now()
    )
    if status.isPublic { proposal.publishedAt = publishedAt }
    try await proposal.create(on: app.db)
    try await ProposalEvent(proposalID: proposal.requireID(), status: status, actorID: author?.id, note: nil, at: app.clock.now()).create(on: app.db)
    return proposal
}

extension Proposal {
    var path: String { "/propositions/\(id!.uuidString)" }
}
