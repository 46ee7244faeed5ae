import Fluent
import Vapor

/// The query that builds the cards page's model.
enum AccessCardQueries {
    static func pageModel(_ request: Request) async throws -> AccessCardPages.Model {
        let recent = try await AccessCard.query(on: request.db)
            .with(\.$territory).with(\.$createdBy)
            .sort(\.$createdAt, .descending).limit(AccountLimits.recentCards).all()
        let me = request.member?.id
        let pending = try await CardReplacement.query(on: request.db).filter(\.$printedAt == nil)
            .with(\.$member).with(\.$requestedBy).sort(\.$requestedAt, .descending).limit(AccountLimits.pendingReplacements).all()
        return AccessCardPages.Model(
            csrf: try await request.csrfToken(),
            publicAddress: try await request.publicAddress(),
            canSetAddress: request.member?.roles.contains(.admin) == true,
            typedAddress: PublicAddress.suggestion(for: request),
            territories: try await Territory.query(on: request.db).sort(\.$position).all().map(\.choice),
            recent: recent.map { AccessCardPages.row($0, now: request.now) },
            pending: try pending.filter { !CardReplacementRules.isExpired($0, now: request.now) }.map { replacement in
                .init(id: try replacement.requireID(), pseudonym: replacement.member.publicName,
                      requestedAt: replacement.requestedAt, requestedBy: replacement.requestedBy?.publicName ?? "—",
                      mine: replacement.$requestedBy.id == me, confirmed: replacement.confirmedAt != nil)
            }
        )
    }

    /// The cards page sent back because the site's address is not set yet.
    static func missingAddress(_ model: AccessCardPages.Model, request: Request) -> Response {
        var model = model
        // Administrators get the field; facilitators the section that says whom to ask.
        if model.canSetAddress {
            model.errors.add("adresse", "Avant d'imprimer des cartes, indiquez l'adresse du site.")
        }
        return AccessCardPages.form(model, context: request.pageContext).response(status: .conflict)
    }
}
