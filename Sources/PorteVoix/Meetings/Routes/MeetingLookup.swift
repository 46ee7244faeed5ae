import Fluent
import Vapor

/// The session a route names, with its territory.
enum MeetingLookup {
    static func find(_ request: Request) async throws -> Meeting {
        guard let id = request.id(.meeting), let meeting = try await find(id, on: request.db) else { throw Abort(.notFound) }
        return meeting
    }

    /// The session with its territory.
    static func find(_ id: UUID, on database: any Database) async throws -> Meeting? {
        try await Meeting.query(on: database).filter(\.$id == id).with(\.$territory).first()
    }

    /// Only a planned or running session changes its details and agenda.
    static func requireChangeable(_ meeting: Meeting) throws {
        guard meeting.isOpenForChanges else {
            throw PageError(.conflict, title: "Cette séance ne change plus",
                            message: "Une séance terminée ou annulée garde son ordre du jour tel qu'il était.")
        }
    }
}
