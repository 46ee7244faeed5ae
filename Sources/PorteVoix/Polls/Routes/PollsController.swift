import Fluent
import Plot
import Vapor
import Voting

/// `/scrutins`: secret ballots (design/voting.md).
struct PollsController {
    func list(request: Request) async throws -> HTML {
        let polls = try await Poll.query(on: request.db).sort(\.$createdAt, .descending).limit(PollLimits.listed).all()
        let now = Date()
        let canManage = request.member?.roles.isDisjoint(with: Role.organisers) == false
        return PollPages.list(polls.map { PollSummary($0, asOf: now) }.filter { canManage || $0.status != .draft },
                              canManage: canManage, context: request.pageContext)
    }

    func show(request: Request) async throws -> Response {
        let poll = try await PollLookup.find(request)
        return PollPages.show(try await PollQueries.showModel(poll, request: request), context: request.pageContext).response(status: .ok)
    }

    // MARK: Managing

    func changeStatus(request: Request) async throws -> Response {
        let poll = try await PollLookup.find(request)
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
        try await request.audit("poll.\(poll.status.rawValue)", about: .poll(id))
        try await request.setFlash(poll.status == .open ? "Le scrutin est ouvert : les membres peuvent voter."
            : poll.awaitsKeyHolders ? "Le scrutin est clos. Les détenteurs de clés doivent maintenant se réunir pour le dépouiller."
            : "Le scrutin est clos et dépouillé.")
        return request.redirect(to: .poll(id))
    }

    func newForm(request: Request) async throws -> HTML {
        PollPages.form(try await PollQueries.formModel(request), context: request.pageContext)
    }

    func create(request: Request) async throws -> Response {
        var model = try await PollQueries.formModel(request)
        let form = (try? request.content.decode(PollFormFields.self)) ?? PollFormFields()
        model.form = form
        let territory = try await UUID(uuidString: form.territoire ?? "").asyncFlatMap { try await Territory.find($0, on: request.db) }
        let item = try await UUID(uuidString: form.point ?? "").asyncFlatMap { try await AgendaItem.find($0, on: request.db) }
        let proposal = try await UUID(uuidString: form.proposition ?? "").asyncFlatMap { try await Proposal.find($0, on: request.db) }
        let draft: PollDraft
        switch PollDraft.check(form, minimumFloor: model.minimumFloor, territory: territory?.id, agendaItem: item?.id,
                               proposal: proposal?.id) {
        case .failure(let errors):
            model.errors = errors
            return PollPages.form(model, context: request.pageContext).response(status: .unprocessableEntity)
        case .success(let checked): draft = checked
        }
        let (poll, shares) = try await PollCreation.store(draft, meetingID: item?.$meeting.id,
                                                          master: request.application.siteKeys.ballotMaster, on: request.db)
        try await request.audit("poll.create", about: .poll(try poll.requireID()), draft.custody == .sealed
            ? ["threshold": String(draft.threshold), "holders": String(draft.holders.count)] : [:])
        guard draft.custody == .sealed else {
            try await request.setFlash("Le scrutin est prêt. Ouvrez-le quand le moment est venu.")
            return request.redirect(to: .poll(try poll.requireID()))
        }
        // The shares exist nowhere else: shown once, never cached.
        return PollPages.shares(PollSummary(poll, asOf: Date()), holders: draft.holders, shares: shares, context: request.pageContext)
            .response(status: .ok).noStore()
    }
}
