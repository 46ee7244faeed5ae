import Fluent
import Plot
import Vapor

/// Submitting a proposal, typing in a paper one, editing one's own before review.
struct ProposalFormController {
    // MARK: Submitting and editing

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
    func read(_ request: Request, into model: inout ProposalPages.FormModel) async throws -> ProposalDraft? {
        let form = (try? request.content.decode(ProposalFields.self)) ?? ProposalFields()
        model.title = form.titre ?? ""
        model.body = form.texte ?? ""
        model.theme = form.theme ?? ""
        model.territory = form.territoire ?? ""
        model.anonymous = form.anonyme == "oui"
        model.paperAuthor = form.pseudonyme ?? ""
        let theme = try await UUID(uuidString: model.theme).asyncFlatMap { try await Theme.find($0, on: request.db) }
        let territory = try await UUID(uuidString: model.territory).asyncFlatMap { try await Territory.find($0, on: request.db) }
        var paperAuthor: Member?
        if model.mode == .paper, !model.paperAuthor.trimmingCharacters(in: .whitespaces).isEmpty {
            paperAuthor = try await Member.query(on: request.db)
                .filter(\.$pseudonymKey == Pseudonym.key(for: model.paperAuthor))
                .filter(\.$status != .deleted).first()
        }
        switch ProposalDraft.check(form, paper: model.mode == .paper, theme: theme?.id, territory: territory?.id,
                                   paperAuthor: paperAuthor?.id) {
        case .success(let draft): return draft
        case .failure(let errors):
            model.errors = errors
            return nil
        }
    }

    /// The form again, nothing saved: with the preview on top when the
    /// person asked for it, or with the personal-data warning when the
    /// detectors found something and the author has not chosen to send anyway.
    func pause(_ request: Request, model: ProposalPages.FormModel, draft: ProposalDraft) -> Response? {
        let action = try? request.content.get(String.self, at: "action")
        var model = model
        if action == "apercu" {
            model.preview = true
        } else if action != Screening.sendAnyway, !Screening.kinds(in: draft.title, draft.body).isEmpty {
            model.screened = true
        } else {
            return nil
        }
        return ProposalPages.form(model, context: request.pageContext).response(status: .ok)
    }

    func create(request: Request) async throws -> Response {
        let member = try request.requireMember()
        var model = try await formModel(request, mode: .new)
        let valid = try await read(request, into: &model)
        guard let valid else {
            return ProposalPages.form(model, context: request.pageContext).response(status: .unprocessableEntity)
        }
        if let paused = pause(request, model: model, draft: valid) { return paused }
        let memberID = try member.requireID()
        return try await request.keepingText(form: { ProposalPages.form(model, context: request.pageContext) }) {
            let outcome = try await ContributionLimit.send(.proposals, memberID: memberID, clock: request.application.clock, on: request.db) { database, now in
                try await ProposalWorkflow.create(valid, authorID: memberID, fromPaper: false, enteredBy: nil, now: now, on: database)
            }
            guard case .saved(let proposal) = outcome else {
                if case .paused(let until) = outcome { model.paused = Pause(until: until, now: request.now) }
                return ProposalPages.form(model, context: request.pageContext).response(status: .tooManyRequests)
            }
            try await request.setFlash(proposal.status == .published
                ? "Votre proposition est publiée. Une modératrice ou un modérateur la relira aussi."
                : "Votre proposition est envoyée. Une modératrice ou un modérateur va la relire "
                    + "avant de la publier : vous recevrez une notification.")
            return request.redirect(to: .proposal(try proposal.requireID()))
        }
    }

    func createPaper(request: Request) async throws -> Response {
        let facilitator = try request.requireMember()
        var model = try await formModel(request, mode: .paper)
        let valid = try await read(request, into: &model)
        guard let valid else {
            return ProposalPages.form(model, context: request.pageContext).response(status: .unprocessableEntity)
        }
        if let paused = pause(request, model: model, draft: valid) { return paused }
        return try await request.keepingText(form: { ProposalPages.form(model, context: request.pageContext) }) {
            // Named, the member is asked to confirm: until then nobody's name is on it.
            // The proposal, its journal line and the notice are saved together, or none of them.
            let facilitatorID = try facilitator.requireID(), now = request.now
            let proposal = try await request.db.retryingTransaction { database in
                let proposal = try await ProposalWorkflow.create(valid, authorID: nil, claimedAuthorID: valid.paperAuthorID, fromPaper: true,
                                                                 enteredBy: facilitatorID, now: now, on: database)
                try await AuditLog.append(actorID: facilitatorID, action: .proposalPaper, subject: .proposal(try proposal.requireID()),
                                          details: valid.paperAuthorID == nil ? [:] : ["claimed": "1"], at: now, on: database)
                try await Notifier.notify(valid.paperAuthorID, "Une proposition écrite sur papier, « \(valid.title) », porte votre pseudonyme. "
                    + "Dites-nous si c'est bien vous qui l'avez écrite.", link: .paperToConfirm, at: now, on: database)
                return proposal
            }
            try await request.setFlash("La proposition sur papier est enregistrée. Elle sera relue avant publication."
                + (valid.paperAuthorID == nil ? "" : " Elle sera au nom du membre indiqué quand il l'aura confirmé, à sa prochaine connexion."))
            return request.redirect(to: .proposal(try proposal.requireID()))
        }
    }

    func editForm(request: Request) async throws -> HTML {
        let proposal = try await ProposalLookup.findEditable(request)
        var model = try await formModel(request, mode: .edit(try proposal.requireID()))
        model.title = proposal.title
        model.body = proposal.body
        model.theme = proposal.$theme.id.uuidString
        model.territory = proposal.$territory.id?.uuidString ?? ""
        model.anonymous = proposal.anonymous
        return ProposalPages.form(model, context: request.pageContext)
    }

    func update(request: Request) async throws -> Response {
        let proposal = try await ProposalLookup.findEditable(request)
        let id = try proposal.requireID()
        var model = try await formModel(request, mode: .edit(id))
        guard let valid = try await read(request, into: &model) else {
            return ProposalPages.form(model, context: request.pageContext).response(status: .unprocessableEntity)
        }
        if let paused = pause(request, model: model, draft: valid) { return paused }
        return try await request.keepingText(form: { ProposalPages.form(model, context: request.pageContext) }) {
            let outcome = try await ProposalWorkflow.saveEdit(proposal, valid, clock: request.application.clock, on: request.db)
            let flash: String
            switch outcome {
            case nil:
                // What was typed stays on the form; nothing is overwritten.
                model.errors.add("texte", "L'équipe de modération vient de prendre une décision sur cette proposition : "
                    + "rien n'est enregistré. Copiez votre texte si vous voulez le garder, puis rouvrez la proposition.")
                return ProposalPages.form(model, context: request.pageContext).response(status: .conflict)
            case .resubmitted?: flash = "Vos modifications sont enregistrées. La proposition retourne à l'équipe de modération."
            case .published?: flash = "Vos modifications sont enregistrées et la proposition est publiée. Une modératrice ou un modérateur la relira aussi."
            case .unchanged?: flash = "Vos modifications sont enregistrées."
            }
            try await request.setFlash(flash)
            return request.redirect(to: .proposal(id))
        }
    }
}
