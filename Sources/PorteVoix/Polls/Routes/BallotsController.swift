import Fluent
import Plot
import Vapor
import Voting

/// Voting: checking a choice, confirming it, casting it (design/voting.md).
struct BallotsController {
    // MARK: Voting

    /// The ballot read from the form and checked, or the page again with the reason.
    func checkedBallot(_ request: Request, poll: Poll, present: Bool? = nil) async throws -> Result<BallotContent, PollPageError> {
        let member = try request.requireMember()
        guard poll.status == .open, poll.closesAt.map({ $0 > request.now }) ?? true else {
            return .failure(PollPageError(status: .conflict, message: poll.status == .closed
                ? "Ce scrutin est clos : il n'est plus possible de voter." : "Ce scrutin n'est pas encore ouvert."))
        }
        if let refusal = PollAccess.channelRefusal(poll) {
            return .failure(PollPageError(status: .forbidden, message: refusal))
        }
        if let refusal = try await PollAccess.refusal(poll, member: member, present: present, on: request.db) {
            return .failure(PollPageError(status: .forbidden, message: refusal))
        }
        let answers = BallotForm.answers(request, poll: poll)
        guard let content = BallotForm.read(answers, kind: poll.kind, optionCount: poll.options.count) else {
            return .failure(PollPageError(status: .unprocessableEntity, message: BallotForm.missingAnswer(poll.kind, options: poll.options.map(\.label), answers: answers),
                                          typed: answers))
        }
        do throws(BallotProblem) {
            try BallotValidator.validate(content, rules: poll.rules)
        } catch {
            return .failure(PollPageError(status: .unprocessableEntity, message: error.message, typed: answers))
        }
        return .success(content)
    }

    struct PollPageError: Error {
        var status: HTTPStatus
        var message: String
        var typed: [String: String] = [:]
    }

    func errorPage(_ error: PollPageError, poll: Poll, request: Request) async throws -> Response {
        var model = try await PollQueries.showModel(poll, request: request)
        model.error = error.message
        model.typed = error.typed
        return PollPages.show(model, context: request.pageContext).response(status: error.status)
    }

    func confirm(request: Request) async throws -> Response {
        let (poll, present) = try await PollLookup.findForBallot(request, memberID: try request.requireMember().requireID())
        switch try await checkedBallot(request, poll: poll, present: present) {
        case .failure(let error): return try await errorPage(error, poll: poll, request: request)
        case .success(let content):
            if try await BallotBox.hasVoted(pollID: poll.requireID(), memberID: request.requireMember().requireID(), on: request.db) {
                return PollPages.show(try await PollQueries.showModel(poll, request: request), context: request.pageContext)
                    .response(status: .ok)
            }
            let csrf = try await request.csrfToken()
            let context = request.pageContext
            let options = poll.options.map(\.label)
            // Every choice gives a page of the same size (design/voting.md, "Traffic").
            let summary = PollSummary(poll, asOf: request.now)
            let page = PollPages.confirmation(summary, content: content, options: options, csrf: csrf, context: context).render()
            return HTML.paddedResponse(page, size: PollPages.confirmationSize(summary, page: page, content: content, options: options))
        }
    }

    func changeChoice(request: Request) async throws -> Response {
        let poll = try await PollLookup.find(request)
        var model = try await PollQueries.showModel(poll, request: request)
        model.typed = BallotForm.answers(request, poll: poll)
        return PollPages.show(model, context: request.pageContext).response(status: .ok)
    }

    func vote(request: Request) async throws -> Response {
        // The poll, its options and rules, and the member's presence: one read.
        let (poll, present) = try await PollLookup.findForBallot(request, memberID: try request.requireMember().requireID())
        switch try await checkedBallot(request, poll: poll, present: present) {
        case .failure(let error): return try await errorPage(error, poll: poll, request: request)
        case .success(let content):
            // Sealed here, in parallel; written with the ballots that arrive meanwhile (group commit).
            let ballot = try await BallotBox.pending(content, poll: poll, memberID: request.requireMember().requireID(), on: request.db)
            let result = try await request.application.ballotCommitter.cast(ballot)
            // From here on, a fault page must say the vote is counted.
            if case .cast = result {
                request.saved = .vote
                request.application.siteMetrics.ballotCast()
            }
            if result == .alreadyVoted { request.saved = .alreadyVoted }
            switch result {
            case .closed:
                try await PollSchedule.apply(poll, app: request.application, now: request.now, counting: false)
                return try await errorPage(PollPageError(status: .conflict, message: "Ce scrutin vient de se clore : "
                    + "votre vote n'a pas pu être enregistré. Rien n'a été compté à votre nom."), poll: poll, request: request)
            case .otherChannel:
                return try await errorPage(PollPageError(status: .conflict, message: PollAccess.channelRefusal(poll)
                    ?? "Ce vote ne se fait pas ici."), poll: poll, request: request)
            case .alreadyVoted:
                var model = try await PollQueries.showModel(poll, request: request)
                model.secondAttempt = true
                return PollPages.show(model, context: request.pageContext).response(status: .ok)
            case .cast(let tracker):
                // At a kiosk, a member with nothing left to vote is signed out
                // now: the tracker is shown, and the next member starts afresh.
                if let kiosk = request.kiosk, let member = request.member, let memberID = member.id {
                    var left = false
                    for other in try await Kiosks.openPolls(meetingID: kiosk.meetingID, for: member, on: request.db) where other.id != poll.id {
                        if try await !BallotBox.hasVoted(pollID: other.requireID(), memberID: memberID, on: request.db) { left = true }
                    }
                    if !left { try await request.signOut() }
                }
                // Shown once: never stored, never cached; the same size for every choice.
                let context = request.pageContext
                let summary = PollSummary(poll, asOf: request.now)
                return PollPages.trackerResponse(summary, tracker: tracker, context: context)
            }
        }
    }
}
