import Fluent
import Plot
import Vapor

/// Supports and comments on a published proposal.
extension ProposalsController {
    // MARK: Supports

    func toggleSupport(request: Request) async throws -> Response {
        let member = try request.requireMember()
        let memberID = try member.requireID()
        let proposal = try await findVisible(request)
        let id = try proposal.requireID()
        guard proposal.status.isPublic else {
            throw PageError(.conflict, title: "Cette proposition ne peut pas être soutenue",
                            message: "Seules les propositions publiées peuvent recevoir des soutiens.")
        }
        let wantsSupport = (try? request.content.get(String.self, at: "action")) != "retirer"
        try await request.db.transaction { database in
            let existing = try await ProposalSupport.query(on: database)
                .filter(\.$proposal.$id == id).filter(\.$member.$id == memberID).first()
            if wantsSupport, existing == nil {
                do {
                    try await ProposalSupport(proposalID: id, memberID: memberID).create(on: database)
                } catch let error as any DatabaseError where error.isConstraintFailure {
                    // Two clicks at once: the first one counted.
                }
            } else if !wantsSupport, let existing {
                try await existing.delete(on: database)
            }
            // Counted again rather than incremented: right even when clicks race.
            proposal.supportsCount = try await ProposalSupport.query(on: database).filter(\.$proposal.$id == id).count()
            try await proposal.save(on: database)
        }
        try await request.setFlash(wantsSupport ? "Votre soutien est enregistré. Sur le site, seul le nombre de soutiens est affiché."
                                                : "Votre soutien est retiré.")
        return request.redirect(to: .proposal(id), fragment: "soutiens")
    }

    // MARK: Comments

    struct CommentForm: Content {
        var commentaire: String?
        var decision: String?
        var motif: String?
    }

    func addComment(request: Request) async throws -> Response {
        let member = try request.requireMember()
        let proposal = try await findVisible(request)
        let id = try proposal.requireID()
        guard proposal.status.isPublic else {
            throw PageError(.conflict, title: "On ne peut pas encore commenter cette proposition",
                            message: "Les commentaires s'ouvrent quand la proposition est publiée.")
        }
        let typed = (try? request.content.decode(CommentForm.self))?.commentaire ?? ""
        let text = TextInput.clean(typed, multiline: true)
        var errors = FormErrors()
        if text.count < 2 {
            errors.add("commentaire", "Écrivez votre commentaire avant de l'envoyer.")
        } else if text.count > ProposalComment.maximumLength {
            errors.add("commentaire", "Le commentaire a \(text.count) caractères : raccourcissez-le à \(ProposalComment.maximumLength) au plus.")
        }
        guard errors.isEmpty else {
            var model = try await ProposalShowModel.make(proposal, request: request)
            model.commentErrors = errors
            model.typedComment = typed
            return ProposalPages.show(model, context: request.pageContext).response(status: .unprocessableEntity)
        }
        let memberID = try member.requireID()
        let outcome = try await ContributionLimit.send(.comments, memberID: memberID, on: request.db) { database in
            try await ProposalComment(proposalID: id, authorID: memberID, body: text).create(on: database)
        }
        if case .paused(let until) = outcome {
            var model = try await ProposalShowModel.make(proposal, request: request)
            model.commentPausedUntil = until
            model.typedComment = typed
            return ProposalPages.show(model, context: request.pageContext).response(status: .tooManyRequests)
        }
        try await request.setFlash("Votre commentaire est envoyé. Il sera publié après relecture.")
        return request.redirect(to: .proposal(id), fragment: "commentaires")
    }

    func moderateComment(request: Request) async throws -> Response {
        let proposal = try await findVisible(request)
        let id = try proposal.requireID()
        guard let commentID = request.id(.comment),
              let comment = try await ProposalComment.query(on: request.db)
                .filter(\.$id == commentID).filter(\.$proposal.$id == id).first()
        else { throw Abort(.notFound) }
        guard comment.status == .submitted else {
            throw PageError(.conflict, title: "Ce commentaire a déjà été relu",
                            message: "Une autre personne a pris la décision. Rechargez la page.")
        }
        if comment.$author.id != nil, comment.$author.id == request.member?.id {
            throw PageError(.forbidden, title: "Vous ne pouvez pas relire votre propre commentaire",
                            message: "Une autre modératrice ou un autre modérateur prendra la décision.")
        }
        let form = (try? request.content.decode(CommentForm.self)) ?? CommentForm()
        let reason = TextInput.clean(form.motif ?? "", multiline: true)
        switch form.decision {
        case "publier":
            comment.status = .published
        case "refuser":
            let tooLong = TextInput.tooLong(reason, limit: ProposalLimits.note, what: "La raison")
            guard !reason.isEmpty, tooLong == nil else {
                var model = try await ProposalShowModel.make(proposal, request: request)
                model.commentDecisionErrors[commentID] = tooLong ?? "Écrivez la raison du refus : l'auteur la lira."
                return ProposalPages.show(model, context: request.pageContext).response(status: .unprocessableEntity)
            }
            comment.status = .rejected
            comment.refusalReason = reason
        default:
            throw Abort(.badRequest)
        }
        comment.decidedAt = Date()
        try await request.db.transaction { database in
            try await comment.save(on: database)
            try await request.audit(
                comment.status == .published ? "comment.publish" : "comment.reject",
                "Commentaire sur « \(proposal.title) » \(comment.status == .published ? "publié" : "refusé").",
                on: database
            )
            try await Notifier.notify(
                comment.$author.id,
                comment.status == .published
                    ? "Votre commentaire sur « \(proposal.title) » est publié."
                    : "Votre commentaire sur « \(proposal.title) » n'a pas été publié. Raison : \(reason)",
                link: .proposal(id), fragment: "commentaires", on: database
            )
        }
        try await request.setFlash(comment.status == .published ? "Le commentaire est publié." : "Le commentaire est refusé.")
        return request.redirect(to: .proposal(id), fragment: "commentaires")
    }
}
