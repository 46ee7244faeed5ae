import Fluent
import Plot
import Vapor

/// A comment as its form sends it (new, or changed after being sent back).
struct CommentForm: Content {
    var commentaire: String?
    var action: String?
}

/// Supports and comments on a published proposal.
struct DiscussionController {
    // MARK: Supports

    func toggleSupport(request: Request) async throws -> Response {
        let member = try request.requireMember()
        let memberID = try member.requireID()
        let proposal = try await ProposalLookup.findVisible(request)
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

    func addComment(request: Request) async throws -> Response {
        let member = try request.requireMember()
        let proposal = try await ProposalLookup.findVisible(request)
        let id = try proposal.requireID()
        guard proposal.status.isPublic else {
            throw PageError(.conflict, title: "On ne peut pas encore commenter cette proposition",
                            message: "Les commentaires s'ouvrent quand la proposition est publiée.")
        }
        let form = (try? request.content.decode(CommentForm.self)) ?? CommentForm()
        let typed = form.commentaire ?? ""
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
        let found = Screening.kinds(in: text)
        if !found.isEmpty && form.action != Screening.sendAnyway {
            var model = try await ProposalShowModel.make(proposal, request: request)
            model.commentScreened = true
            model.typedComment = typed
            return ProposalPages.show(model, context: request.pageContext).response(status: .ok)
        }
        let memberID = try member.requireID()
        return try await request.keepingText(form: { try await commentPage(proposal, typed: typed, request: request) }) {
            let outcome = try await ContributionLimit.send(.comments, memberID: memberID, clock: request.application.clock, on: request.db) { database, now in
                try await CommentWorkflow.create(on: id, by: memberID, text: text, personalData: Screening.stored(found),
                                                 now: now, on: database).status
            }
            if case .paused(let until) = outcome {
                var model = try await ProposalShowModel.make(proposal, request: request)
                model.commentPaused = Pause(until: until, now: request.now)
                model.typedComment = typed
                return ProposalPages.show(model, context: request.pageContext).response(status: .tooManyRequests)
            }
            var published = false
            if case .saved(.published) = outcome { published = true }
            try await request.setFlash(published ? "Votre commentaire est publié."
                                                                     : "Votre commentaire est envoyé. Il sera publié après relecture.")
            return request.redirect(to: .proposal(id), fragment: "commentaires")
        }
    }

    /// The proposal's page with the comment typed still in its form.
    private func commentPage(_ proposal: Proposal, typed: String, request: Request) async throws -> HTML {
        var model = try await ProposalShowModel.make(proposal, request: request)
        model.typedComment = typed
        return ProposalPages.show(model, context: request.pageContext)
    }
}
