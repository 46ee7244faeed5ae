import Fluent
import Plot
import Vapor
import Voting

/// The published list of counted ballots, and checking one's own tracker.
struct TrackersController {
    // MARK: Trackers

    func trackers(request: Request) async throws -> HTML {
        let poll = try await PollLookup.find(request)
        guard poll.countedAt != nil else {
            throw PageError(.notFound, title: "La liste des bulletins n'est pas encore publiée",
                            message: "Elle le sera au dépouillement, après la clôture du scrutin.")
        }
        let hashes = try await BallotBox.trackerHashes(pollID: poll.requireID(), on: request.db)
        return PollPages.trackers(PollSummary(poll, asOf: request.now), fingerprints: hashes.map(TrackerCode.fingerprint).sorted(),
                                  csrf: try await request.csrfToken(), check: nil, context: request.pageContext)
    }

    func verifyTracker(request: Request) async throws -> Response {
        let poll = try await PollLookup.find(request)
        guard poll.countedAt != nil else { throw Abort(.notFound) }
        let hashes = try await BallotBox.trackerHashes(pollID: poll.requireID(), on: request.db)
        let typed = (try? request.content.get(String.self, at: "code")) ?? ""
        var check = PollPages.TrackerCheck(typed: typed, found: false, fingerprint: nil, malformed: false)
        if let code = TrackerCode.normalize(typed) {
            let hash = TrackerCode.hash(code)
            check.found = hashes.contains(hash)
            check.fingerprint = TrackerCode.fingerprint(hash)
        } else {
            check.malformed = true
        }
        return PollPages.trackers(PollSummary(poll, asOf: request.now), fingerprints: hashes.map(TrackerCode.fingerprint).sorted(),
                                  csrf: try await request.csrfToken(), check: check, context: request.pageContext)
            .response(status: check.malformed ? .unprocessableEntity : .ok)
    }
}
