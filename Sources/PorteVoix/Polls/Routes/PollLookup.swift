import Fluent
import Vapor

/// The poll a route names, as every poll route reads it.
enum PollLookup {
    // MARK: Finding

    static func find(_ request: Request) async throws -> Poll {
        guard let id = request.id(.poll),
              let poll = try await Poll.query(on: request.db).filter(\.$id == id)
                .with(\.$options).with(\.$territory).with(\.$meeting).with(\.$proposal).first()
        else { throw Abort(.notFound) }
        poll.$options.value = poll.options.sorted { $0.position < $1.position }
        // An action on the poll applies its schedule's state first (opened,
        // closed); looking at it only shows it. Counting is the server task's
        // job, or the facilitator's "clore": never a voter's request.
        if request.method == .GET || request.method == .HEAD {
            poll.showAsOf(request.now)
        } else {
            try await PollSchedule.apply(poll, app: request.application, now: request.now, counting: false)
        }
        if poll.status == .draft && request.member?.roles.isDisjoint(with: Role.organisers) != false {
            throw Abort(.notFound)
        }
        return poll
    }
}
