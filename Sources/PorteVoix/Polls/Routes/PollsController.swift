import Fluent
import Plot
import Vapor
import Voting

/// `/scrutins`: secret ballots (design/voting.md).
struct PollsController {


    // MARK: Finding

    func find(_ request: Request) async throws -> Poll {
        guard let id = request.id(.poll),
              let poll = try await Poll.query(on: request.db).filter(\.$id == id)
                .with(\.$options).with(\.$territory).with(\.$meeting).with(\.$proposal).first()
        else { throw Abort(.notFound) }
        poll.$options.value = poll.options.sorted { $0.position < $1.position }
        // An action on the poll applies its schedule's state first (opened,
        // closed); looking at it only shows it. Counting is the server task's
        // job, or the facilitator's "clore": never a voter's request.
        if request.method == .GET || request.method == .HEAD {
            poll.showAsOf(Date())
        } else {
            try await PollSchedule.apply(poll, app: request.application, counting: false)
        }
        if poll.status == .draft && request.member?.roles.isDisjoint(with: Role.organisers) != false {
            throw Abort(.notFound)
        }
        return poll
    }

    func list(request: Request) async throws -> HTML {
        let polls = try await Poll.query(on: request.db).sort(\.$createdAt, .descending).limit(PollLimits.listed).all()
        let now = Date()
        let canManage = request.member?.roles.isDisjoint(with: Role.organisers) == false
        return PollPages.list(polls.map { PollSummary($0, asOf: now) }.filter { canManage || $0.status != .draft },
                              canManage: canManage, context: request.pageContext)
    }

    // MARK: The page of a poll

    func model(_ poll: Poll, request: Request) async throws -> PollPages.Model {
        let id = try poll.requireID()
        let member = request.member
        var model = PollPages.Model(
            poll: PollSummary(poll, asOf: Date()),
            ballots: try await BallotBox.ballotCount(poll, on: request.db),
            csrf: member == nil ? nil : try await request.csrfToken(),
            canManage: member?.roles.isDisjoint(with: Role.organisers) == false
        )
        model.minimumBallots = try await PollResults.minimumBallots(poll, on: request.db)
        if let member {
            let memberID = try member.requireID()
            model.hasVoted = try await BallotBox.hasVoted(pollID: id, memberID: memberID, on: request.db)
            model.refusal = try await PollAccess.refusal(poll, member: member, on: request.db)
            if model.hasVoted {
                model.paperRegistration = try await BallotBox.paperRegistration(pollID: id, memberID: memberID, on: request.db)
            }
        }
        model.results = PollResults.published(poll, minimum: model.minimumBallots)
        return model
    }

    func show(request: Request) async throws -> Response {
        let poll = try await find(request)
        return PollPages.show(try await model(poll, request: request), context: request.pageContext).response(status: .ok)
    }

    // MARK: Voting

    /// The ballot read from the form and checked, or the page again with the reason.
    func checkedBallot(_ request: Request, poll: Poll) async throws -> Result<BallotContent, PollPageError> {
        let member = try request.requireMember()
        guard poll.status == .open, poll.closesAt.map({ $0 > Date() }) ?? true else {
            return .failure(PollPageError(status: .conflict, message: poll.status == .closed
                ? "Ce scrutin est clos : il n'est plus possible de voter." : "Ce scrutin n'est pas encore ouvert."))
        }
        if let refusal = try await PollAccess.refusal(poll, member: member, on: request.db) {
            return .failure(PollPageError(status: .forbidden, message: refusal))
        }
        guard let content = BallotForm.read(request, poll: poll) else {
            return .failure(PollPageError(status: .unprocessableEntity, message: BallotProblem.noChoice.message))
        }
        do throws(BallotProblem) {
            try BallotValidator.validate(content, rules: poll.rules)
        } catch {
            return .failure(PollPageError(status: .unprocessableEntity, message: error.message, typed: content))
        }
        return .success(content)
    }

    struct PollPageError: Error {
        var status: HTTPStatus
        var message: String
        var typed: BallotContent?
    }

    func errorPage(_ error: PollPageError, poll: Poll, request: Request) async throws -> Response {
        var model = try await model(poll, request: request)
        model.error = error.message
        model.typed = error.typed
        return PollPages.show(model, context: request.pageContext).response(status: error.status)
    }

    func confirm(request: Request) async throws -> Response {
        let poll = try await find(request)
        switch try await checkedBallot(request, poll: poll) {
        case .failure(let error): return try await errorPage(error, poll: poll, request: request)
        case .success(let content):
            if try await BallotBox.hasVoted(pollID: poll.requireID(), memberID: request.requireMember().requireID(), on: request.db) {
                return try await show(request: request)
            }
            let csrf = try await request.csrfToken()
            let context = request.pageContext
            let options = poll.options.map(\.label)
            // Every choice gives a page of the same size (design/voting.md, "Traffic").
            let summary = PollSummary(poll, asOf: Date())
            let page = PollPages.confirmation(summary, content: content, options: options, csrf: csrf, context: context).render()
            return HTML.paddedResponse(page, size: PollPages.confirmationSize(summary, page: page, content: content, options: options))
        }
    }

    func changeChoice(request: Request) async throws -> Response {
        let poll = try await find(request)
        var model = try await model(poll, request: request)
        model.typed = BallotForm.read(request, poll: poll)
        return PollPages.show(model, context: request.pageContext).response(status: .ok)
    }

    func vote(request: Request) async throws -> Response {
        let poll = try await find(request)
        switch try await checkedBallot(request, poll: poll) {
        case .failure(let error): return try await errorPage(error, poll: poll, request: request)
        case .success(let content):
            let result = try await BallotBox.cast(content, poll: poll, memberID: request.requireMember().requireID(),
                                                  on: request.db)
            switch result {
            case .closed:
                try await PollSchedule.apply(poll, app: request.application, counting: false)
                return try await errorPage(PollPageError(status: .conflict, message: "Ce scrutin vient de se clore : "
                    + "votre vote n'a pas pu être enregistré. Rien n'a été compté à votre nom."), poll: poll, request: request)
            case .alreadyVoted:
                var model = try await model(poll, request: request)
                model.secondAttempt = true
                return PollPages.show(model, context: request.pageContext).response(status: .ok)
            case .cast(let tracker):
                // Shown once: never stored, never cached; the same size for every choice.
                let context = request.pageContext
                let summary = PollSummary(poll, asOf: Date())
                return PollPages.tracker(summary, tracker: tracker, context: context)
                    .paddedResponse(size: PollPages.trackerSize(summary, context: context))
            }
        }
    }

    // MARK: Trackers

    func trackers(request: Request) async throws -> HTML {
        let poll = try await find(request)
        guard poll.countedAt != nil else {
            throw PageError(.notFound, title: "La liste des bulletins n'est pas encore publiée",
                            message: "Elle le sera au dépouillement, après la clôture du scrutin.")
        }
        let hashes = try await BallotBox.trackerHashes(pollID: poll.requireID(), on: request.db)
        return PollPages.trackers(PollSummary(poll, asOf: Date()), fingerprints: hashes.map(TrackerCode.fingerprint).sorted(),
                                  csrf: try await request.csrfToken(), check: nil, context: request.pageContext)
    }

    func verifyTracker(request: Request) async throws -> Response {
        let poll = try await find(request)
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
        return PollPages.trackers(PollSummary(poll, asOf: Date()), fingerprints: hashes.map(TrackerCode.fingerprint).sorted(),
                                  csrf: try await request.csrfToken(), check: check, context: request.pageContext)
            .response(status: check.malformed ? .unprocessableEntity : .ok)
    }

    // MARK: Managing

    func changeStatus(request: Request) async throws -> Response {
        let poll = try await find(request)
        let id = try poll.requireID()
        switch ((try? request.content.get(String.self, at: "action")), poll.status) {
        case ("ouvrir", .draft):
            poll.status = .open
            poll.openedAt = Date()
            try await poll.save(on: request.db)
        case ("clore", .open):
            try await PollCount.close(poll, app: request.application)
        case ("clore", .closed):
            // Its closing time came, or someone else closed it, a moment before.
            try await request.setFlash("Le scrutin était déjà clos.")
            return request.redirect(to: .poll(id))
        default:
            throw PageError(.conflict, title: "Ce changement n'est pas possible",
                            message: "Un scrutin s'ouvre une fois et se ferme une fois ; un scrutin clos ne rouvre jamais.")
        }
        try await request.audit("poll.\(poll.status.rawValue)", "Scrutin « \(poll.question) » \(poll.status.label).")
        try await request.setFlash(poll.status == .open ? "Le scrutin est ouvert : les membres peuvent voter."
            : poll.awaitsKeyHolders ? "Le scrutin est clos. Les détenteurs de clés doivent maintenant se réunir pour le dépouiller."
            : "Le scrutin est clos et dépouillé.")
        return request.redirect(to: .poll(id))
    }

    func newForm(request: Request) async throws -> HTML {
        PollPages.form(try await formModel(request), context: request.pageContext)
    }

    func formModel(_ request: Request) async throws -> PollPages.FormModel {
        let meetings = try await Meeting.query(on: request.db).filter(\.$status ~~ [.planned, .inProgress])
            .with(\.$items).sort(\.$startsAt).all()
        var items: [(String, String)] = []
        for meeting in meetings {
            for item in meeting.items.sorted(by: { $0.position < $1.position }) {
                items.append((item.id?.uuidString ?? "", "\(meeting.title) — \(item.title)"))
            }
        }
        return PollPages.FormModel(
            csrf: try await request.csrfToken(),
            minimumFloor: try await SiteSettingsStore.minimumBallots(on: request.db),
            territories: try await Territory.query(on: request.db).sort(\.$position).all().map(\.choice),
            agendaItems: items,
            proposals: try await Proposal.query(on: request.db).filter(\.$status ~~ ProposalStatus.publicStatuses)
                .sort(\.$publishedAt, .descending).limit(PollLimits.listed).all().map { ($0.id?.uuidString ?? "", $0.title) }
        )
    }

    func create(request: Request) async throws -> Response {
        var model = try await formModel(request)
        let form = (try? request.content.decode(PollFormFields.self)) ?? PollFormFields()
        model.form = form
        let question = TextInput.clean(form.question ?? "", multiline: false)
        if question.isEmpty { model.errors.add("question", "Écrivez la question posée aux membres.") }
        else if question.count > PollLimits.question { model.errors.add("question", "La question doit avoir au plus \(PollLimits.question) caractères.") }
        if let tooLong = TextInput.tooLong(TextInput.clean(form.description ?? "", multiline: true),
                                           limit: TextInput.Limit.description, what: "L'explication") {
            model.errors.add("description", tooLong)
        }
        let kind = form.type.flatMap(PollKind.init(rawValue:))
        if kind == nil { model.errors.add("type", "Choisissez la façon de voter.") }
        let options = (form.choix ?? "").components(separatedBy: .newlines)
            .map { TextInput.clean($0, multiline: false) }.filter { !$0.isEmpty }
        if let kind, kind != .yesNo {
            if options.count < 2 { model.errors.add("choix", "Écrivez au moins deux choix, un par ligne.") }
            else if options.count > 20 { model.errors.add("choix", "Vingt choix au plus.") }
            else if Set(options.map(SearchText.fold)).count != options.count { model.errors.add("choix", "Deux choix sont identiques.") }
            else if options.contains(where: { $0.count > PollLimits.option }) { model.errors.add("choix", "Chaque choix doit avoir au plus \(PollLimits.option) caractères.") }
        }
        var maxChoices = options.count
        if kind == .approval {
            let typed = Int((form.maxChoix ?? "").trimmingCharacters(in: .whitespaces))
            if let typed, (1...max(1, options.count)).contains(typed) { maxChoices = typed }
            else if !(form.maxChoix ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
                model.errors.add("maxChoix", "Indiquez un nombre entre 1 et le nombre de choix.")
            }
        }
        let floor = model.minimumFloor
        let minimumText = (form.minimum ?? "").trimmingCharacters(in: .whitespaces)
        let minimum = minimumText.isEmpty ? floor : Int(minimumText)
        if minimum == nil || !(floor...PollLimits.highestMinimum).contains(minimum!) {
            model.errors.add("minimum", "Indiquez un nombre de bulletins entre \(floor) et \(PollLimits.highestMinimum) : le site ne publie jamais "
                + "les résultats de moins de \(floor) bulletins.")
        }
        let custody = form.urne.flatMap(BallotCustody.init(rawValue:)) ?? .standard
        let holders = (form.detenteurs ?? "").components(separatedBy: .newlines)
            .map { TextInput.clean($0, multiline: false) }.filter { !$0.isEmpty }
        var threshold = 2
        if custody == .sealed {
            if holders.count < 2 || holders.count > 9 {
                model.errors.add("detenteurs", "Écrivez le nom de 2 à 9 détenteurs de clés, un par ligne.")
            } else if holders.contains(where: { $0.count > 80 }) {
                model.errors.add("detenteurs", "Chaque nom doit avoir au plus 80 caractères.")
            } else if Set(holders.map(SearchText.fold)).count != holders.count {
                model.errors.add("detenteurs", "Deux détenteurs ont le même nom : donnez un nom différent à chacun.")
            }
            let typed = (form.seuil ?? "").trimmingCharacters(in: .whitespaces)
            if let value = Int(typed), value >= 2, value <= max(2, holders.count) {
                threshold = value
            } else if !typed.isEmpty || holders.count < 2 {
                model.errors.add("seuil", "Indiquez combien de détenteurs doivent se réunir : entre 2 et le nombre de détenteurs.")
            }
        }
        let eligibility = form.eligibilite.flatMap(PollEligibility.init(rawValue:)) ?? .all
        let territory = try await UUID(uuidString: form.territoire ?? "").asyncFlatMap { try await Territory.find($0, on: request.db) }
        if eligibility == .territory && territory == nil { model.errors.add("territoire", "Choisissez le territoire des votants.") }
        let item = try await UUID(uuidString: form.point ?? "").asyncFlatMap { try await AgendaItem.find($0, on: request.db) }
        if eligibility == .present && item == nil {
            model.errors.add("point", "Pour un vote des présents, rattachez le scrutin à un point d'une séance.")
        }
        let proposal = try await UUID(uuidString: form.proposition ?? "").asyncFlatMap { try await Proposal.find($0, on: request.db) }
        var opensAt: Date?
        var closesAt: Date?
        if !(form.ouvertureJour ?? "").isEmpty {
            switch MeetingTime.instant(day: form.ouvertureJour ?? "", time: form.ouvertureHeure ?? "00:00") {
            case .success(let date): opensAt = date
            case .failure: model.errors.add("ouvertureJour", "Cette date ou cette heure d'ouverture n'existe pas.")
            }
        }
        if !(form.clotureJour ?? "").isEmpty {
            switch MeetingTime.instant(day: form.clotureJour ?? "", time: form.clotureHeure ?? "00:00") {
            case .success(let date): closesAt = date
            case .failure: model.errors.add("clotureJour", "Cette date ou cette heure de clôture n'existe pas.")
            }
        }
        if let opensAt, let closesAt, closesAt <= opensAt {
            model.errors.add("clotureJour", "La clôture doit venir après l'ouverture.")
        }
        guard model.errors.isEmpty, let kind, let minimum else {
            return PollPages.form(model, context: request.pageContext).response(status: .unprocessableEntity)
        }
        let poll = Poll()
        poll.id = UUID()
        poll.question = question
        poll.details = TextInput.clean(form.description ?? "", multiline: true)
        poll.kind = kind
        poll.maxChoices = kind == .approval ? maxChoices : max(1, options.count)
        poll.minimumBallots = minimum
        poll.eligibility = eligibility
        poll.$territory.id = eligibility == .territory ? territory?.id : nil
        poll.agendaItemID = item?.id
        poll.$meeting.id = item?.$meeting.id
        poll.$proposal.id = proposal?.id
        poll.status = .draft
        poll.opensAt = opensAt
        poll.closesAt = closesAt
        poll.paperBallots = 0
        poll.createdAt = Date()
        var shares: [String] = []
        switch custody {
        case .standard: PollKeys.standard(poll, master: request.application.siteKeys.ballotMaster)
        case .sealed: shares = try PollKeys.sealed(poll, holders: holders, threshold: threshold)
        }
        try await request.db.transaction { database in
            try await poll.create(on: database)
            for (index, label) in (kind == .yesNo ? [] : options).enumerated() {
                try await PollOption(pollID: poll.requireID(), position: index, label: label).create(on: database)
            }
        }
        try await request.audit("poll.create", "Scrutin « \(question) » préparé"
            + (custody == .sealed ? ", urne scellée (\(threshold) détenteurs sur \(holders.count))." : "."))
        guard custody == .sealed else {
            try await request.setFlash("Le scrutin est prêt. Ouvrez-le quand le moment est venu.")
            return request.redirect(to: .poll(try poll.requireID()))
        }
        // The shares exist nowhere else: shown once, never cached.
        return PollPages.shares(PollSummary(poll, asOf: Date()), holders: holders, shares: shares, context: request.pageContext).response(status: .ok).noStore()
    }
}
