import Fluent
import Plot
import Vapor

/// `/moderation/propositions/:id/modifier` and `/moderation/commentaires/:id/modifier`:
/// a moderator rewrites a member's text and the original is destroyed (`Redaction`).
struct RedactionController {
    struct Fields: Content {
        var titre: String?
        var texte: String?
        var motif: String?
        var message: String?
    }

    /// The form shows the original twice: never kept in a cache.
    func proposalForm(request: Request) async throws -> Response {
        let proposal = try await findProposal(request)
        return RedactionPage.view(try await model(proposal: proposal, request: request), context: request.pageContext)
            .response(status: .ok).noStore()
    }

    func commentForm(request: Request) async throws -> Response {
        let (comment, proposal) = try await findComment(request)
        return RedactionPage.view(try await model(comment: comment, proposal: proposal, request: request), context: request.pageContext)
            .response(status: .ok).noStore()
    }

    func redactProposal(request: Request) async throws -> Response {
        let proposal = try await findProposal(request)
        let id = try proposal.requireID()
        var model = try await model(proposal: proposal, request: request)
        guard let (reason, message) = read(request, into: &model) else {
            return RedactionPage.view(model, context: request.pageContext).response(status: .unprocessableEntity).noStore()
        }
        let transaction = try await Redaction.apply(.proposal(id), title: model.title, body: model.body, reason: reason,
                                                    by: request.member?.id, on: request.db, now: request.now)
        try await Notifier.notify(proposal.$author.id ?? proposal.$claimedAuthor.id,
                                  "L'équipe de modération a modifié votre proposition « \(model.title ?? proposal.title) » "
                                    + "(\(reason.label))." + (message.isEmpty ? "" : " \(message)"),
                                  link: .proposal(id), at: request.now, on: request.db)
        try await finish(request, after: transaction, what: "Le texte")
        return request.redirect(to: .proposal(id))
    }

    func redactComment(request: Request) async throws -> Response {
        let (comment, proposal) = try await findComment(request)
        let id = try comment.requireID()
        var model = try await model(comment: comment, proposal: proposal, request: request)
        guard let (reason, message) = read(request, into: &model) else {
            return RedactionPage.view(model, context: request.pageContext).response(status: .unprocessableEntity).noStore()
        }
        let transaction = try await Redaction.apply(.comment(id), title: nil, body: model.body, reason: reason,
                                                    by: request.member?.id, on: request.db, now: request.now)
        try await Notifier.notify(comment.$author.id,
                                  "L'équipe de modération a modifié votre commentaire sur « \(proposal.title) » "
                                    + "(\(reason.label))." + (message.isEmpty ? "" : " \(message)"),
                                  link: .proposal(proposal.id!), fragment: "commentaire-\(id)", at: request.now, on: request.db)
        try await finish(request, after: transaction, what: "Le commentaire")
        return request.redirect(to: .proposal(proposal.id!), fragment: "commentaire-\(id)")
    }

    /// Scrubs the files, and says honestly whether the original is gone from them yet.
    private func finish(_ request: Request, after transaction: Int?, what: String) async throws {
        let done = try await FreeSpace.scrub(request.application, tables: Redaction.tables, after: transaction,
                                             what: "Après une modification par la modération")
        try await request.setFlash(done
            ? "\(what) est modifié. Le texte d'origine est détruit ; son auteur est prévenu."
            : "\(what) est modifié et son auteur est prévenu. Le texte d'origine n'est plus nulle part sur le site ; "
                + "son effacement des fichiers de la base se termine dans quelques instants.")
    }

    // MARK: Reading

    /// The new text, the reason and the message, checked; nil with the errors in the model.
    private func read(_ request: Request, into model: inout RedactionPage.Model) -> (ModerationReason, String)? {
        let form = (try? request.content.decode(Fields.self)) ?? Fields()
        let limit = model.kind == .proposal ? Proposal.maximumBodyLength : ProposalComment.maximumLength
        if model.title != nil { model.title = TextInput.clean(String((form.titre ?? "").prefix(Proposal.maximumTitleLength * 2)), multiline: false) }
        model.body = TextInput.clean(String((form.texte ?? "").prefix(limit * 2)), multiline: true)
        model.reason = form.motif ?? ""
        model.message = TextInput.clean(String((form.message ?? "").prefix(ProposalLimits.note * 2)), multiline: true)
        if let title = model.title {
            if title.isEmpty { model.errors.add("titre", "Le titre ne peut pas être vide.") }
            if title.count > Proposal.maximumTitleLength {
                model.errors.add("titre", "Le titre est trop long : \(Proposal.maximumTitleLength) caractères au plus.")
            }
        }
        if model.body.isEmpty { model.errors.add("texte", "Le texte ne peut pas être vide : pour le retirer, masquez-le.") }
        if model.body.count > limit { model.errors.add("texte", "Le texte est trop long : \(limit) caractères au plus.") }
        let reason = ModerationReason(rawValue: model.reason)
        if reason == nil { model.errors.add("motif", "Choisissez la raison dans la liste : l'auteur la lira.") }
        if model.message.count > ProposalLimits.note {
            model.errors.add("message", "Le message est trop long : \(ProposalLimits.note) caractères au plus.")
        }
        guard model.errors.isEmpty, let reason else { return nil }
        return (reason, model.message)
    }

    private func model(proposal: Proposal, request: Request) async throws -> RedactionPage.Model {
        let id = try proposal.requireID()
        return RedactionPage.Model(kind: .proposal, action: .proposalRedaction(id), back: .proposal(id), contextTitle: proposal.title,
                                   title: proposal.title, body: proposal.body, originalTitle: proposal.title,
                                   originalBody: proposal.body, csrf: try await request.csrfToken())
    }

    private func model(comment: ProposalComment, proposal: Proposal, request: Request) async throws -> RedactionPage.Model {
        RedactionPage.Model(kind: .comment, action: .commentRedaction(try comment.requireID()), back: .proposal(try proposal.requireID()),
                            contextTitle: proposal.title, title: nil, body: comment.body, originalTitle: nil,
                            originalBody: comment.body, csrf: try await request.csrfToken())
    }

    // MARK: Finding

    private func findProposal(_ request: Request) async throws -> Proposal {
        guard let id = request.id(.proposal), let proposal = try await Proposal.find(id, on: request.db),
              proposal.status != .withdrawn
        else { throw Abort(.notFound) }
        try refuseOwn(proposal.$author.id ?? proposal.$claimedAuthor.id, request: request)
        return proposal
    }

    private func findComment(_ request: Request) async throws -> (ProposalComment, Proposal) {
        guard let id = request.id(.comment),
              let comment = try await ProposalComment.query(on: request.db).filter(\.$id == id).with(\.$proposal).first()
        else { throw Abort(.notFound) }
        try refuseOwn(comment.$author.id, request: request)
        return (comment, comment.proposal)
    }

    private func refuseOwn(_ authorID: UUID?, request: Request) throws {
        if let authorID, authorID == request.member?.id {
            throw PageError(.forbidden, title: "Vous ne pouvez pas modifier votre propre texte en tant que modérateur",
                            message: "Une autre modératrice ou un autre modérateur s'en chargera.")
        }
    }
}
