import Fluent
import Plot
import Vapor
import Voting

/// Counting a sealed box with its holders' shares, and paper ballots.
extension PollsController {
    // MARK: Counting a sealed box

    func sealedAwaitingCount(_ request: Request) async throws -> Poll {
        let poll = try await find(request)
        guard poll.awaitsKeyHolders else {
            throw PageError(.conflict, title: "Pas de dépouillement à faire",
                            message: poll.countedAt != nil ? "Ce scrutin est déjà dépouillé."
                                : poll.custody == .standard ? "Ce scrutin est dépouillé automatiquement à sa clôture."
                                : "Ce scrutin n'est pas encore clos.")
        }
        return poll
    }

    func countForm(request: Request) async throws -> Response {
        let poll = try await sealedAwaitingCount(request)
        let model = PollPages.CountModel(poll: PollSummary(poll, asOf: Date()), csrf: try await request.csrfToken())
        return PollPages.count(model, context: request.pageContext).response(status: .ok).noStore()
    }

    /// The holders type their shares one after the other on one device, and
    /// the form is sent once: nothing waits on the server between two holders.
    func countWithShares(request: Request) async throws -> Response {
        let poll = try await sealedAwaitingCount(request)
        let holders = poll.holderNames
        var model = PollPages.CountModel(poll: PollSummary(poll, asOf: Date()), csrf: try await request.csrfToken())
        var accepted: [SecretSharing.Share] = []
        for (index, name) in holders.enumerated() {
            let number = index + 1
            let typed = String(((try? request.content.get(String.self, at: "part-\(number)")) ?? "").prefix(PollLimits.typedShare))
            model.typed[number] = typed
            guard !typed.trimmingCharacters(in: .whitespaces).isEmpty else { continue }
            do throws(KeyShareCode.Problem) {
                let decoded = try KeyShareCode.decode(typed, pollIdentifier: poll.identifier)
                if Int(decoded.share.holder) != number {
                    let owner = holders.indices.contains(Int(decoded.share.holder) - 1) ? holders[Int(decoded.share.holder) - 1] : "?"
                    model.errors.add("part-\(number)", "La part tapée pour \(name) (n° \(number)) est celle de \(owner) "
                        + "(n° \(decoded.share.holder)) : tapez chaque part dans la case de son détenteur.")
                } else {
                    accepted.append(decoded.share)
                }
            } catch .otherPoll {
                model.errors.add("part-\(number)", "La part de \(name) (n° \(number)) appartient à un autre scrutin.")
            } catch {
                model.errors.add("part-\(number)", "La part de \(name) (n° \(number)) est mal tapée : vérifiez chaque caractère.")
            }
        }
        let audit = "Dépouillement du scrutin « \(poll.question) » : \(accepted.count) part\(accepted.count > 1 ? "s" : "") "
            + "valable\(accepted.count > 1 ? "s" : "") sur \(poll.keyThreshold) nécessaires"
        guard accepted.count >= poll.keyThreshold else {
            try await request.audit("poll.count.refused", audit + ".")
            model.missing = poll.keyThreshold - accepted.count
            // The page holds the shares typed so far: never kept in a cache.
            return PollPages.count(model, context: request.pageContext).response(status: .unprocessableEntity).noStore()
        }
        guard let privateKey = try? SecretSharing.combine(accepted, threshold: poll.keyThreshold),
              let publicKey = try? BallotSeal.publicKey(of: privateKey),
              Data(publicKey).base64EncodedString() == poll.publicKey
        else {
            try await request.audit("poll.count.refused", audit + ", mais elles n'ouvrent pas l'urne.")
            model.mismatch = true
            return PollPages.count(model, context: request.pageContext).response(status: .unprocessableEntity).noStore()
        }
        guard try await PollCount.count(poll, privateKey: privateKey, app: request.application) else {
            // Other holders counted at the same moment: their count stands, and it is theirs in the log.
            try await request.setFlash("L'urne vient d'être dépouillée par d'autres détenteurs de clés. Les résultats sont publiés.")
            return request.redirect(to: .poll(try poll.requireID()))
        }
        try await request.audit("poll.count", audit + " : urne ouverte, résultats publiés.")
        try await request.setFlash("L'urne est dépouillée. Les résultats sont publiés.")
        return request.redirect(to: .poll(try poll.requireID()))
    }

    // MARK: Paper ballots

    func paperPage(request: Request) async throws -> HTML {
        let poll = try await find(request)
        return PollPages.paper(try await paperModel(poll, request: request), context: request.pageContext)
    }

    func paperModel(_ poll: Poll, request: Request) async throws -> PollPages.PaperModel {
        let id = try poll.requireID()
        guard let meetingID = poll.$meeting.id else {
            throw PageError(.conflict, title: "Pas de vote sur papier pour ce scrutin",
                            message: "Le vote sur papier se fait pendant une séance : rattachez le scrutin à un point de l'ordre du jour.")
        }
        // Only members marked present at the poll's session, and eligible for the poll.
        var present: [(id: UUID, name: String)] = []
        for member in try await MeetingAttendance.query(on: request.db).filter(\.$meeting.$id == meetingID)
            .with(\.$member) { $0.with(\.$roleRows) }.all().map(\.member)
        where try await PollAccess.refusal(poll, member: member, on: request.db) == nil {
            present.append((try member.requireID(), member.publicName))
        }
        // One query for the whole register, not one per person present.
        let voters = try await BallotBox.voters(pollID: id, on: request.db)
        return PollPages.PaperModel(poll: PollSummary(poll, asOf: Date()), present: present,
                                    voted: Set(voters.keys), paperVoters: Set(voters.filter { $0.value == .paper }.keys),
                                    csrf: try await request.csrfToken())
    }

    func paperVoters(request: Request) async throws -> Response {
        let poll = try await find(request)
        guard poll.status == .open else { throw PageError(.conflict, title: "Le scrutin n'est pas ouvert", message: "Ouvrez le scrutin d'abord.") }
        let registrar = try request.requireMember()
        let model = try await paperModel(poll, request: request)
        let eligible = Dictionary(uniqueKeysWithValues: model.present.map { ($0.id, $0) })
        let chosen = ((try? request.content.get([String].self, at: "votants")) ?? []).prefix(PollLimits.paperVotersAtOnce).compactMap(UUID.init(uuidString:))
        var registered: [String] = [], refused = 0, notEligible = 0, typingStarted = false
        for memberID in Set(chosen) {
            guard let member = eligible[memberID] else { notEligible += 1; continue }
            switch try await BallotBox.registerPaperVoter(poll: poll, memberID: memberID, by: registrar, on: request.db) {
            case .registered: registered.append(member.name)
            case .alreadyVoted: refused += 1
            case .typingStarted: typingStarted = true
            case .closed: throw PageError(.conflict, title: "Le scrutin est clos", message: "On ne peut plus noter de votants.")
            }
        }
        if !registered.isEmpty {
            try await request.audit("poll.paper.voters", "Scrutin « \(poll.question) » : \(registered.count) votant"
                + "\(registered.count > 1 ? "s" : "") sur papier noté\(registered.count > 1 ? "s" : "") : "
                + registered.sorted().joined(separator: ", ") + ".")
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
        let poll = try await find(request)
        guard poll.status == .open else { throw PageError(.conflict, title: "Le scrutin n'est pas ouvert", message: "Ouvrez le scrutin d'abord.") }
        var model = try await paperModel(poll, request: request)
        guard let content = BallotForm.read(request, poll: poll) else {
            model.error = BallotProblem.noChoice.message
            return PollPages.paper(model, context: request.pageContext).response(status: .unprocessableEntity)
        }
        do throws(BallotProblem) {
            try BallotValidator.validate(content, rules: poll.rules)
        } catch {
            model.error = error.message
            return PollPages.paper(model, context: request.pageContext).response(status: .unprocessableEntity)
        }
        switch try await BallotBox.castPaper(content, poll: poll, on: request.db) {
        case .full:
            model.error = "Tous les bulletins papier sont déjà saisis : il y a autant de bulletins que de votants sur papier."
            return PollPages.paper(model, context: request.pageContext).response(status: .conflict)
        case .closed:
            throw PageError(.conflict, title: "Le scrutin est clos", message: "Ce bulletin n'a pas été enregistré.")
        case .typed:
            // How many, never what.
            try await request.audit("poll.paper.ballot", "Scrutin « \(poll.question) » : bulletin papier n° \(poll.paperBallots) saisi.")
            try await request.setFlash("Le bulletin papier est enregistré.")
            return request.redirect(to: .poll(try poll.requireID(), .paper))
        }
    }
}
