import Fluent
import Plot
import Vapor
import Voting

/// `/scrutins`: secret ballots (design/voting.md).
struct PollsController {
    /// The open polls (and, for organisers, those in preparation), then the
    /// closed ones page by page, the newest first: the page stays light
    /// however many votes the council held.
    func list(request: Request) async throws -> HTML {
        let now = request.now
        let canManage = request.member?.roles.isDisjoint(with: Role.organisers) == false
        var current = Poll.query(on: request.db).filter(\.$status != .closed)
        if !canManage { current = current.filter(\.$status != .draft) }
        let currentPolls = try await current.sort(\.$createdAt, .descending).limit(PollLimits.listed).all()
        let closed = try await Poll.query(on: request.db).filter(\.$status == .closed)
            .sort(\.$createdAt, .descending).sort(\.$id)
            .paginateWithinRange(page: Pagination.number(request.query[String.self, at: "page"]), per: PollLimits.closedPerPage)
        return PollPages.list((currentPolls + closed.items).map { PollSummary($0, asOf: now) }.filter { canManage || $0.status != .draft },
                              canManage: canManage, page: closed.metadata.page, pageCount: closed.metadata.pageCount,
                              context: request.pageContext)
    }

    func show(request: Request) async throws -> Response {
        let (poll, reader) = try await PollLookup.findWithReader(request, memberID: request.member?.id)
        return PollPages.show(try await PollQueries.showModel(poll, request: request, reader: reader), context: request.pageContext)
            .response(status: .ok)
    }

    // MARK: Managing

    func changeStatus(request: Request) async throws -> Response {
        let poll = try await PollLookup.find(request)
        let id = try poll.requireID()
        switch ((try? request.content.get(String.self, at: "action")), poll.status) {
        case ("ouvrir", .draft):
            guard poll.keySharesPending == 0 else {
                throw PageError(.conflict, title: "Des parts de clé attendent encore leurs détenteurs",
                                message: "Le vote s'ouvrira quand chaque détenteur de clé aura ouvert sa part : \(poll.keySharesPending) "
                                    + "\(poll.keySharesPending > 1 ? "parts attendent" : "part attend") encore. Chacun a reçu un avis "
                                    + "dans ses notifications.")
            }
            guard try await PollSchedule.open(poll, now: request.now, on: request.db) else {
                try await request.setFlash("Le vote était déjà ouvert.")
                return request.redirect(to: .poll(id))
            }
        case ("clore", .open):
            try await PollCount.close(poll, at: request.now, app: request.application)
        case ("clore", .closed):
            // Its closing time came, or someone else closed it, a moment before.
            try await request.setFlash("Le scrutin était déjà clos.")
            return request.redirect(to: .poll(id))
        default:
            throw PageError(.conflict, title: "Ce changement n'est pas possible",
                            message: "Un scrutin s'ouvre une fois et se ferme une fois ; un scrutin clos ne rouvre jamais.")
        }
        try await request.audit(.poll(poll.status), about: .poll(id))
        try await request.setFlash(poll.status == .open ? "Le scrutin est ouvert : les membres peuvent voter."
            : poll.awaitsKeyHolders ? "Le scrutin est clos. Chaque détenteur de clé est prévenu : l'urne s'ouvrira quand "
                + "assez d'entre eux auront donné leur part, chacun depuis son compte."
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
        var holders: [Member] = []
        if draft.custody == .sealed {
            switch try await keyHolders(draft, now: request.now, on: request.db) {
            case .failure(let problem):
                model.errors.add("detenteurs", problem.message)
                return PollPages.form(model, context: request.pageContext).response(status: .unprocessableEntity)
            case .success(let found): holders = found
            }
        }
        let poll = try await PollCreation.store(draft, meetingID: item?.$meeting.id, holders: holders,
                                                master: request.application.siteKeys.ballotMaster, now: request.now, on: request.db)
        var details = ["channel": draft.channel.rawValue]
        if draft.custody == .sealed {
            details["threshold"] = String(draft.threshold)
            details["holders"] = String(holders.count)
        }
        try await request.audit(.pollCreate, about: .poll(try poll.requireID()), details)
        try await request.setFlash(draft.custody == .sealed
            ? "Le scrutin est prêt. Chaque détenteur de clé a reçu un avis : le vote pourra s'ouvrir quand tous auront ouvert leur part."
            : "Le scrutin est prêt. Ouvrez-le quand le moment est venu.")
        return request.redirect(to: .poll(try poll.requireID()))
    }

    /// The key holders' accounts, from the pseudonyms typed one per line.
    func keyHolders(_ draft: PollDraft, now: Date, on database: any Database) async throws -> Result<[Member], PollHoldersProblem> {
        var found: [Member] = []
        var unknown: [String] = []
        for typed in draft.holders {
            if let member = try await Member.query(on: database).filter(\.$pseudonymKey == Pseudonym.key(for: typed))
                .filter(\.$status == .active).with(\.$roleRows).first() {
                found.append(member)
            } else {
                unknown.append(typed)
            }
        }
        if !unknown.isEmpty {
            return .failure(PollHoldersProblem(message: "Aucun compte actif n'a \(unknown.count > 1 ? "ces pseudonymes" : "ce pseudonyme") : "
                + unknown.map { "« \($0) »" }.joined(separator: ", ") + ". Chaque détenteur de clé est un compte du site, "
                + "qui ouvrira sa part en se connectant."))
        }
        if Set(found.compactMap(\.id)).count != found.count {
            return .failure(PollHoldersProblem(message: "Le même compte est écrit deux fois : chaque détenteur est une personne différente."))
        }
        if let problem = KeyCustody.holdersProblem(found, threshold: draft.threshold, now: now) {
            return .failure(PollHoldersProblem(message: problem))
        }
        let replaced = try await KeyCustody.recentlyReplaced(found, now: now, on: database)
        if !replaced.isEmpty {
            return .failure(PollHoldersProblem(message: "Un détenteur de clé ne doit pas avoir reçu de carte de remplacement "
                + "depuis 7 jours : ce n'est pas le cas de " + replaced.map { "« \($0.publicName) »" }.joined(separator: ", ") + "."))
        }
        return .success(found)
    }
}

/// Why the key holders typed on the poll form cannot hold the shares, in French.
struct PollHoldersProblem: Error {
    var message: String
}
