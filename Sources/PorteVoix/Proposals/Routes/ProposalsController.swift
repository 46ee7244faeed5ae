import Fluent
import Plot
import Vapor

/// `/propositions`: from a member's idea to the département's answer.
struct ProposalsController {
    static let pageSize = 20


    // MARK: Listing

    func list(request: Request) async throws -> HTML {
        let filters = (try? request.query.decode(ProposalFilters.self)) ?? ProposalFilters()
        let result = try await ProposalQueries.publicListing(
            filters: filters, page: Pagination.number(filters.page), per: Self.pageSize, on: request.db
        )
        return ProposalPages.list(
            .init(
                proposals: result.items.map(ProposalSummary.init), total: result.metadata.total, page: result.metadata.page,
                pageCount: result.metadata.pageCount, filters: filters,
                themes: try await Theme.query(on: request.db).sort(\.$position).all().map(\.choice),
                territories: try await Territory.query(on: request.db).sort(\.$position).all().map(\.choice),
                canPropose: request.member != nil,
                canEnterPaper: request.member?.roles.isDisjoint(with: Role.organisers) == false
            ),
            context: request.pageContext
        )
    }

    func mine(request: Request) async throws -> HTML {
        let member = try request.requireMember()
        let result = try await Proposal.query(on: request.db)
            .filter(\.$author.$id == member.requireID())
            .with(\.$theme).with(\.$territory)
            .sort(\.$createdAt, .descending)
            .paginateWithinRange(page: Pagination.number(request.query[String.self, at: "page"]), per: Self.pageSize)
        return ProposalPages.mine(result.items.map(ProposalSummary.init), page: result.metadata.page, pageCount: result.metadata.pageCount,
                                  context: request.pageContext)
    }

    func followUp(request: Request) async throws -> HTML {
        let result = try await Proposal.query(on: request.db)
            .filter(\.$status ~~ ProposalStatus.answeredStatuses)
            .with(\.$theme).with(\.$territory)
            .sort(\.$answeredAt, .descending)
            .paginateWithinRange(page: Pagination.number(request.query[String.self, at: "page"]), per: Self.pageSize)
        return ProposalPages.followUp(result.items.map(ProposalSummary.init), page: result.metadata.page, pageCount: result.metadata.pageCount,
                                      context: request.pageContext)
    }

    func moderationQueue(request: Request) async throws -> HTML {
        // The oldest first, a batch of each at a time, with how many wait in all.
        let waitingProposals = Proposal.query(on: request.db).filter(\.$status == .submitted)
        let waitingComments = ProposalComment.query(on: request.db).filter(\.$status == .submitted)
        let proposals = try await waitingProposals.copy().with(\.$theme).sort(\.$createdAt).limit(ProposalLimits.moderationBatch).all()
        let comments = try await waitingComments.copy().with(\.$proposal).sort(\.$createdAt).limit(ProposalLimits.moderationBatch).all()
        return ProposalPages.moderationQueue(proposals: proposals.map(ProposalSummary.init), comments: comments.map(CommentSummary.init),
                                             totalProposals: try await waitingProposals.count(),
                                             totalComments: try await waitingComments.count(), context: request.pageContext)
    }

    // MARK: One proposal

    /// The proposal, if the visitor may see it; 404 otherwise (nobody learns
    /// that an unpublished proposal exists).
    func findVisible(_ request: Request) async throws -> Proposal {
        guard let id = request.id(.proposal),
              let proposal = try await Proposal.query(on: request.db).filter(\.$id == id)
                .with(\.$theme).with(\.$territory).with(\.$author).first()
        else { throw Abort(.notFound) }
        if proposal.status.isPublic { return proposal }
        if let member = request.member {
            let isAuthor = proposal.$author.id != nil && proposal.$author.id == member.id
            let enteredIt = proposal.$enteredBy.id == member.id
            if isAuthor || enteredIt || member.roles.contains(.moderator) { return proposal }
        }
        throw Abort(.notFound)
    }

    func show(request: Request) async throws -> Response {
        let proposal = try await findVisible(request)
        let model = try await ProposalShowModel.make(proposal, request: request)
        return ProposalPages.show(model, context: request.pageContext).response(status: .ok)
    }

    // MARK: Submitting and editing

    struct ProposalForm: Content {
        var titre: String?
        var texte: String?
        var theme: String?
        var territoire: String?
        var anonyme: String?
        var pseudonyme: String?
        var action: String?
    }

    func formModel(_ request: Request, mode: ProposalPages.FormMode) async throws -> ProposalPages.FormModel {
        ProposalPages.FormModel(
            mode: mode, csrf: try await request.csrfToken(),
            themes: try await Theme.query(on: request.db).sort(\.$position).all().map(\.choice),
            territories: try await Territory.query(on: request.db).sort(\.$position).all().map(\.choice)
        )
    }

    func newForm(request: Request) async throws -> HTML {
        var model = try await formModel(request, mode: .new)
        model.territory = request.member?.$territory.id?.uuidString ?? ""
        return ProposalPages.form(model, context: request.pageContext)
    }

    func paperForm(request: Request) async throws -> HTML {
        ProposalPages.form(try await formModel(request, mode: .paper), context: request.pageContext)
    }

    /// Reads and checks the form; the model comes back with what was typed
    /// and every error at once.
    func read(_ request: Request, into model: inout ProposalPages.FormModel) async throws -> ValidProposal? {
        let form = (try? request.content.decode(ProposalForm.self)) ?? ProposalForm()
        model.title = form.titre ?? ""
        model.body = form.texte ?? ""
        model.theme = form.theme ?? ""
        model.territory = form.territoire ?? ""
        model.anonymous = form.anonyme == "oui"
        model.paperAuthor = form.pseudonyme ?? ""

        let title = TextInput.clean(model.title, multiline: false)
        let body = TextInput.clean(model.body, multiline: true)
        if title.isEmpty {
            model.errors.add("titre", "Donnez un titre à votre proposition.")
        } else if title.count > Proposal.maximumTitleLength {
            model.errors.add("titre", "Le titre a \(title.count) caractères : raccourcissez-le à \(Proposal.maximumTitleLength) au plus.")
        }
        if body.count < 10 {
            model.errors.add("texte", "Expliquez votre idée en quelques phrases.")
        } else if body.count > Proposal.maximumBodyLength {
            model.errors.add("texte", "Le texte a \(body.count) caractères : raccourcissez-le à \(Proposal.maximumBodyLength) au plus.")
        }
        let theme = try await UUID(uuidString: model.theme).asyncFlatMap { try await Theme.find($0, on: request.db) }
        if theme == nil { model.errors.add("theme", "Choisissez le thème qui correspond le mieux.") }
        var territoryID: UUID?
        if !model.territory.isEmpty {
            territoryID = try await UUID(uuidString: model.territory).asyncFlatMap { try await Territory.find($0, on: request.db) }?.id
            if territoryID == nil { model.errors.add("territoire", "Choisissez un territoire de la liste.") }
        }
        var paperAuthor: Member?
        if model.mode == .paper, !model.paperAuthor.trimmingCharacters(in: .whitespaces).isEmpty {
            paperAuthor = try await Member.query(on: request.db)
                .filter(\.$pseudonymKey == Pseudonym.key(for: model.paperAuthor))
                .filter(\.$status != .deleted).first()
            if paperAuthor == nil {
                model.errors.add("pseudonyme", "Aucun membre n'a ce pseudonyme. Laissez vide pour « un membre du conseil ».")
            }
        }
        guard model.errors.isEmpty, let theme else { return nil }
        return ValidProposal(title: title, body: body, themeID: try theme.requireID(), territoryID: territoryID,
                             anonymous: model.anonymous, paperAuthorID: paperAuthor?.id)
    }

    /// The form again with the preview on top, when the person asked for it.
    func previewIfAsked(_ request: Request, model: ProposalPages.FormModel) -> Response? {
        guard (try? request.content.get(String.self, at: "action")) == "apercu" else { return nil }
        var model = model
        model.preview = true
        return ProposalPages.form(model, context: request.pageContext).response(status: .ok)
    }

    struct ValidProposal {
        var title: String
        var body: String
        var themeID: UUID
        var territoryID: UUID?
        var anonymous: Bool
        var paperAuthorID: UUID?
    }

    func create(request: Request) async throws -> Response {
        let member = try request.requireMember()
        var model = try await formModel(request, mode: .new)
        let valid = try await read(request, into: &model)
        guard let valid else {
            return ProposalPages.form(model, context: request.pageContext).response(status: .unprocessableEntity)
        }
        if let preview = previewIfAsked(request, model: model) { return preview }
        let memberID = try member.requireID()
        let outcome = try await ContributionLimit.send(.proposals, memberID: memberID, on: request.db) { database in
            try await save(valid, authorID: memberID, fromPaper: false, enteredBy: nil, on: database)
        }
        guard case .saved(let proposal) = outcome else {
            if case .paused(let until) = outcome { model.pausedUntil = until }
            return ProposalPages.form(model, context: request.pageContext).response(status: .tooManyRequests)
        }
        try await request.setFlash("Votre proposition est envoyée. Une modératrice ou un modérateur va la relire "
            + "avant de la publier : vous recevrez une notification.")
        return request.redirect(to: .proposal(try proposal.requireID()))
    }

    func createPaper(request: Request) async throws -> Response {
        let facilitator = try request.requireMember()
        var model = try await formModel(request, mode: .paper)
        let valid = try await read(request, into: &model)
        guard let valid else {
            return ProposalPages.form(model, context: request.pageContext).response(status: .unprocessableEntity)
        }
        if let preview = previewIfAsked(request, model: model) { return preview }
        // Named, the member is asked to confirm: until then nobody's name is on it.
        let proposal = try await save(valid, authorID: nil, claimedAuthorID: valid.paperAuthorID, fromPaper: true,
                                      enteredBy: facilitator.requireID(), on: request.db)
        try await request.audit("proposal.paper", "Proposition sur papier saisie : « \(valid.title) »"
            + (valid.paperAuthorID == nil ? "." : ", en attente de la confirmation du membre indiqué."))
        try await Notifier.notify(valid.paperAuthorID, "Une proposition écrite sur papier, « \(valid.title) », porte votre pseudonyme. "
            + "Dites-nous si c'est bien vous qui l'avez écrite.", link: .paperToConfirm, on: request.db)
        try await request.setFlash("La proposition sur papier est enregistrée. Elle sera relue avant publication."
            + (valid.paperAuthorID == nil ? "" : " Elle sera au nom du membre indiqué quand il l'aura confirmé, à sa prochaine connexion."))
        return request.redirect(to: .proposal(try proposal.requireID()))
    }

    func save(_ valid: ValidProposal, authorID: UUID?, claimedAuthorID: UUID? = nil, fromPaper: Bool, enteredBy: UUID?,
              on database: any Database) async throws -> Proposal {
        try await database.transaction { database in
            let proposal = Proposal(
                title: valid.title, body: valid.body, themeID: valid.themeID, territoryID: valid.territoryID,
                authorID: authorID, anonymous: valid.anonymous, fromPaper: fromPaper, enteredByID: enteredBy,
                status: .submitted
            )
            proposal.$claimedAuthor.id = claimedAuthorID
            try await proposal.create(on: database)
            try await ProposalEvent(proposalID: proposal.requireID(), status: .submitted,
                                    actorID: enteredBy ?? authorID, note: nil).create(on: database)
            return proposal
        }
    }

    func findEditable(_ request: Request) async throws -> Proposal {
        let member = try request.requireMember()
        let proposal = try await findVisible(request)
        guard ProposalWorkflow.canEdit(status: proposal.status, isAuthor: proposal.$author.id == member.id) else {
            throw PageError(
                .forbidden, title: "Cette proposition ne peut plus être modifiée",
                message: "Une proposition se modifie seulement tant qu'elle attend sa relecture, et seulement par son auteur."
            )
        }
        return proposal
    }

    func editForm(request: Request) async throws -> HTML {
        let proposal = try await findEditable(request)
        var model = try await formModel(request, mode: .edit(try proposal.requireID()))
        model.title = proposal.title
        model.body = proposal.body
        model.theme = proposal.$theme.id.uuidString
        model.territory = proposal.$territory.id?.uuidString ?? ""
        model.anonymous = proposal.anonymous
        return ProposalPages.form(model, context: request.pageContext)
    }

    func update(request: Request) async throws -> Response {
        let proposal = try await findEditable(request)
        let id = try proposal.requireID()
        var model = try await formModel(request, mode: .edit(id))
        guard let valid = try await read(request, into: &model) else {
            return ProposalPages.form(model, context: request.pageContext).response(status: .unprocessableEntity)
        }
        if let preview = previewIfAsked(request, model: model) { return preview }
        proposal.title = valid.title
        proposal.body = valid.body
        proposal.$theme.id = valid.themeID
        proposal.$territory.id = valid.territoryID
        proposal.anonymous = valid.anonymous
        proposal.searchText = Proposal.searchText(title: valid.title, body: valid.body)
        try await proposal.save(on: request.db)
        try await request.setFlash("Vos modifications sont enregistrées.")
        return request.redirect(to: .proposal(id))
    }

    // MARK: Status changes

    struct StatusForm: Content {
        var action: String?
        var note: String?
        var reponse: String?
    }

    func changeStatus(request: Request) async throws -> Response {
        let member = try request.requireMember()
        let proposal = try await findVisible(request)
        let id = try proposal.requireID()
        let form = (try? request.content.decode(StatusForm.self)) ?? StatusForm()
        guard let action = form.action.flatMap(ProposalAction.init(rawValue:)) else { throw Abort(.badRequest) }
        let isAuthor = proposal.$author.id != nil && proposal.$author.id == member.id
        // Named on a paper proposal and not yet confirmed: still their own words.
        let isNamed = proposal.$claimedAuthor.id != nil && proposal.$claimedAuthor.id == member.id
        if ProposalWorkflow.isModeratingOwn(action, isAuthor: isAuthor || isNamed) {
            throw PageError(.forbidden, title: "Vous ne pouvez pas relire votre propre proposition",
                            message: "Une autre modératrice ou un autre modérateur prendra la décision.")
        }
        guard ProposalWorkflow.allows(action, from: proposal.status, roles: member.roles, isAuthor: isAuthor) else {
            if action.sources.contains(proposal.status) { throw Abort(.forbidden) }
            throw PageError(
                .conflict, title: "Cette action n'est plus possible",
                message: "La proposition est maintenant « \(proposal.status.label) ». Rechargez sa page pour voir ce qui a changé."
            )
        }
        let note = TextInput.clean(form.note ?? "", multiline: true)
        let answer = TextInput.clean(form.reponse ?? "", multiline: true)
        var errors = FormErrors()
        if action.needsNote && note.isEmpty {
            errors.add("note-\(action.rawValue)", "Écrivez quelques mots : l'auteur et le public les liront.")
        } else if note.count > ProposalLimits.note {
            errors.add("note-\(action.rawValue)", "Ce texte est trop long : \(ProposalLimits.note) caractères au plus.")
        }
        if action == .answer {
            if answer.count < 10 {
                errors.add("reponse", "Écrivez la réponse du Département.")
            } else if answer.count > ProposalLimits.answer {
                errors.add("reponse", "La réponse est trop longue : \(ProposalLimits.answer) caractères au plus.")
            }
        }
        guard errors.isEmpty else {
            var model = try await ProposalShowModel.make(proposal, request: request)
            model.actionErrors = errors
            model.typedNote = form.note ?? ""
            model.typedAnswer = form.reponse ?? ""
            model.failedAction = action
            return ProposalPages.show(model, context: request.pageContext).response(status: .unprocessableEntity)
        }

        try await request.db.transaction { database in
            try await ProposalWorkflow.apply(action, to: proposal, by: member, note: note,
                                             answer: action == .answer ? answer : nil, on: database)
        }
        try await request.setFlash(ProposalMessages.confirmation(action))
        return request.redirect(to: .proposal(id))
    }
}
