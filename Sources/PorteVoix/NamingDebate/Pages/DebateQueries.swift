import Fluent
import Vapor

/// The queries that build the debate page's model (its own page, and the
/// stewards' forms sent back with an error).
enum DebateQueries {
    /// What the page shows now, for this visitor.
    static func model(_ request: Request) async throws -> DebatePage.Model {
        let roles = request.member?.roles ?? []
        var model = DebatePage.Model(introHTML: try request.application.contentStore.page("debat-denomination")?.html ?? "")
        model.csrf = request.member == nil ? nil : try await request.csrfToken()
        model.canOrganise = !roles.isDisjoint(with: Role.organisers)
        if model.canOrganise {
            model.meetings = try await Meeting.query(on: request.db).filter(\.$status ~~ [.planned, .inProgress])
                .sort(\.$startsAt).limit(20).all().map { NamedID(id: try $0.requireID(), name: "\($0.title), \(FrenchDates.day($0.startsAt))") }
        }
        model.isStaff = roles.contains(.staff)
        try await DebatePublicParts.fill(&model, now: request.now, on: request.db)
        return model
    }
}
