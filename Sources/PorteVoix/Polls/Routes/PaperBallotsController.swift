import Fluent
import Plot
import Vapor
import Voting

/// Paper ballots in the room: who voted on paper, then each ballot of the pile.
struct PaperBallotsController {
    // MARK: Paper ballots

    func paperPage(request: Request) async throws -> HTML {
        let poll = try await PollLookup.find(request)
        return PollPages.paper(try await PollQueries.paperModel(poll, request: request), context: request.pageContext)
    }

    func paperVoters(request: Request) async throws -> Response {
        let poll = try await PollLookup.find(request)
        guard poll.status == .open else { throw PageError(.conflict, title: "Le scrutin n'est pas ouvert", message: "Ouvrez le scrutin d'abord.") }
        let registrar = try request.requireMember()
        let model = try await PollQueries.paperModel(poll, request: request)
        let eligible = Dictionary(uniqueKeysWithValues: model.present.map { ($0.id, $0) })
        let chosen = ((try? request.content.get([String].self, at: "votants")) ?? []).prefix(PollLimits.paperVotersAtOnce).compactMap(UUID.init(uuidString:))
        var registered: [UUID] = [], refused = 0, notEligible = 0, typingStarted = false
        for memberID in Set(chosen) {
            guard eligible[memberID] != nil else { notEligible += 1; continue }
            switch try await BallotBox.registerPaperVoter(poll: poll, memberID: memberID, by: registrar, clock: request.application.clock, on: request.db) {
            case .registered:
                registered.append(memberID)
                // Committed: a fault from here on must not say « rien n'est enregistré ».
                request.saved = .part
            case .alreadyVoted: refused += 1
            case .typingStarted: typingStarted = true
            case .closed: throw PageError(.conflict, title: "Le scrutin est clos", message: "On ne peut plus noter de votants.")
            case .otherChannel: throw PageError(.conflict, title: "Ce vote se fait en ligne", message: "Ce scrutin ne prend pas de bulletins papier.")
            }
        }
        if !registered.isEmpty {
            try await request.audit(.pollPaperVoters, about: .poll(try poll.requireID()),
                                    ["members": AuditDetails.ids(registered)])
            // Told in their own inbox, never only to the person who registered them.
            let when = poll.meeting.map { " de la séance du \(FrenchDates.day($0.startsAt))" } ?? ""
            for memberID in registered {
                try await Notifier.notify(memberID, "Vous avez été noté·e comme ayant voté sur papier au scrutin « \(poll.question) »\(when). "
                    + "Si ce n'est pas le cas, dites-le à la modération ou à l'administration.", link: .poll(try poll.requireID()),
                    at: request.now, on: request.db)
            }
        }
        var messages: [String] = []
        if !registered.isEmpty { messages.append("Les votants sur papier sont notés.") }
        if refused > 0 {
            messages.append("\(refused) personne\(refused > 1 ? "s avaient" : " avait") déjà voté : "
                + "elle\(refused > 1 ? "s ne peuvent" : " ne peut") pas voter deux fois.")
        }
        if notEligible > 0 {
            messages.append("\(notEligible) personne\(notEligible > 1 ? "s ne sont" : " n'est") pas notée\(notEligible > 1 ? "s" : "") "
                + "présente\(notEligible > 1 ? "s" : "") à la séance ou ne peu\(notEligible > 1 ? "vent" : "t") pas voter à ce scrutin.")
        }
        if typingStarted {
            messages.append("La saisie des bulletins papier a commencé : on ne peut plus ajouter de votant sur papier.")
        }
        try await request.setFlash(messages.isEmpty ? "Personne n'a été noté." : messages.joined(separator: " "))
        return request.redirect(to: .poll(try poll.requireID(), .paper))
    }

    func paperBallot(request: Request) async throws -> Response {
        let poll = try await PollLookup.find(request)
        guard poll.status == .open else { throw PageError(.conflict, title: "Le scrutin n'est pas ouvert", message: "Ouvrez le scrutin d'abord.") }
        var model = try await PollQueries.paperModel(poll, request: request)
        let answers = BallotForm.answers(request, poll: poll)
        guard let content = BallotForm.read(answers, kind: poll.kind, optionCount: poll.options.count) else {
            model.error = BallotForm.missingAnswer(poll.kind)
            model.typed = answers
            return PollPages.paper(model, context: request.pageContext).response(status: .unprocessableEntity)
        }
        do throws(BallotProblem) {
            try BallotValidator.validate(content, rules: poll.rules)
        } catch {
            model.error = error.message
            model.typed = answers
            return PollPages.paper(model, context: request.pageContext).response(status: .unprocessableEntity)
        }
        switch try await BallotBox.castPaper(content, poll: poll, by: request.member?.id, clock: request.application.clock, on: request.db) {
        case .full:
            model.error = "Tous les bulletins papier sont déjà saisis : il y a autant de bulletins que de votants sur papier."
            return PollPages.paper(model, context: request.pageContext).response(status: .conflict)
        case .closed:
            throw PageError(.conflict, title: "Le scrutin est clos", message: "Ce bulletin n'a pas été enregistré.")
        case .otherChannel:
            throw PageError(.conflict, title: "Ce vote se fait en ligne", message: "Ce scrutin ne prend pas de bulletins papier.")
        case .typed:
            request.saved = .paperBallot
            request.application.siteMetrics.ballotCast(paper: true)
            try await request.setFlash("Le bulletin papier est enregistré.")
            return request.redirect(to: .poll(try poll.requireID(), .paper))
        }
    }
}
