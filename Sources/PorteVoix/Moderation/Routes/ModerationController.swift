import Fluent
import Plot
import Vapor

/// `/moderation`: what waits for a decision, and the decision on a comment.
struct ModerationController {
    func moderationQueue(request: Request) async throws -> HTML {
        let filters = ModerationFilters(request.query)
        let viewer = request.member?.id
        var queue = ModerationQueue(filters: filters, csrf: try await request.csrfToken())
        // The oldest first, a page of each at a time, with how many wait in all.
        var waitingProposals = Proposal.query(on: request.db).filter(\.$status == .submitted)
        var waitingComments = ProposalComment.query(on: request.db).filter(\.$status == .submitted)
        if filters.flaggedOnly {
            waitingProposals = waitingProposals.filter(\.$personalData != nil)
            waitingComments = waitingComments.filter(\.$personalData != nil)
        }
        if filters.shows(.proposals) {
            let page = try await waitingProposals.copy().with(\.$theme).sort(\.$createdAt).sort(\.$id)
                .paginateWithinRange(page: filters.page, per: filters.perPage(.proposals))
            queue.proposals = QueueSection(items: page.items.map(ProposalSummary.init), total: page.metadata.total,
                                           page: page.metadata.page, perPage: filters.perPage(.proposals))
        }
        if filters.shows(.comments) {
            let page = try await waitingComments.copy().with(\.$proposal).sort(\.$createdAt).sort(\.$id)
                .paginateWithinRange(page: filters.page, per: filters.perPage(.comments))
            queue.comments = QueueSection(items: page.items.map(CommentSummary.init), total: page.metadata.total,
                                          page: page.metadata.page, perPage: filters.perPage(.comments))
        }
        if filters.shows(.reports) {
            let reported = try await ReportedItems.waiting(for: viewer, on: request.db)
                .filter { item in filters.reason.map { item.reasons.contains($0) } ?? true }
            queue.reported = QueueSection(all: reported, page: filters.page, perPage: filters.perPage(.reports))
        }
        if filters.shows(.published) {
            queue.afterPublication = QueueSection(all: try await ReportedItems.afterPublication(for: viewer, on: request.db),
                                                  page: filters.page, perPage: filters.perPage(.published))
        }
        if filters.shows(.debate) {
            queue.debate = QueueSection(all: try await DebateQueue.waiting(for: viewer, on: request.db),
                                        page: filters.page, perPage: filters.perPage(.debate))
        }
        return queue.page(context: request.pageContext)
    }

    struct DecisionForm: Content {
        var decision: String?
        var motif: String?
        var message: String?
    }

    func moderateComment(request: Request) async throws -> Response {
        let proposal = try await ProposalLookup.findVisible(request)
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
        let form = (try? request.content.decode(DecisionForm.self)) ?? DecisionForm()
        let message = TextInput.clean(form.message ?? "", multiline: true)
        let reason = form.motif.flatMap(ModerationReason.init(rawValue:))
        let decision: CommentWorkflow.Decision
        switch form.decision {
        case "publier":
            decision = .publish
        case "refuser", "modifier":
            let sendsBack = form.decision == "modifier"
            let tooLong = TextInput.tooLong(message, limit: ProposalLimits.note, what: "Le message")
            guard let reason, tooLong == nil, !(sendsBack && message.isEmpty) else {
                var model = try await ProposalShowModel.make(proposal, request: request)
                model.commentDecisionErrors[commentID] = tooLong ?? (reason == nil
                    ? "Choisissez la raison dans la liste : l'auteur la lira."
                    : "Écrivez ce qu'il faut changer : l'auteur le lira.")
                return ProposalPages.show(model, context: request.pageContext).response(status: .unprocessableEntity)
            }
            let told = message.isEmpty ? nil : message
            decision = sendsBack ? .sendBack(reason, message: told) : .refuse(reason, message: told)
        default:
            throw Abort(.badRequest)
        }
        try await request.db.transaction { database in
            guard try await CommentWorkflow.decide(comment, decision, now: request.now, on: database) else {
                throw PageError(.conflict, title: "Ce commentaire a déjà été relu",
                                message: "Une autre personne a pris la décision. Rechargez la page.")
            }
            let refusal = [comment.moderationReason?.label, comment.refusalReason].compactMap { $0 }.joined(separator: ". ")
            try await request.audit(CommentWorkflow.auditAction(decision),
                                    about: .comment(commentID), comment.moderationReason.map { ["reason": $0.rawValue] } ?? [:],
                                    on: database)
            try await Notifier.notify(
                comment.$author.id,
                comment.status == .published
                    ? "Votre commentaire sur « \(proposal.title) » est publié."
                    : comment.status == .changesRequested
                    ? "L'équipe de modération vous demande de modifier votre commentaire sur « \(proposal.title) » avant de le publier. "
                        + "Raison : \(refusal)"
                    : "Votre commentaire sur « \(proposal.title) » n'a pas été publié. Raison : \(refusal)",
                link: .proposal(id), fragment: "commentaires", at: request.now, on: database
            )
        }
        try await request.setFlash(comment.status == .published ? "Le commentaire est publié."
            : comment.status == .changesRequested ? "Le commentaire est renvoyé à son auteur. Il reviendra ici quand il l'aura modifié."
            : "Le commentaire est refusé.")
        return request.redirect(to: .proposal(id), fragment: "commentaires")
    }

    // MARK: Read after publication (post-moderation)

    func markProposalReviewed(request: Request) async throws -> Response {
        guard let id = request.id(.proposal), let proposal = try await Proposal.find(id, on: request.db) else { throw Abort(.notFound) }
        try await markReviewed(.proposal, id: id, authorID: proposal.$author.id, request: request)
        return request.redirect(to: .moderation, fragment: "apres-publication")
    }

    func markCommentReviewed(request: Request) async throws -> Response {
        guard let id = request.id(.comment), let comment = try await ProposalComment.find(id, on: request.db) else { throw Abort(.notFound) }
        try await markReviewed(.comment, id: id, authorID: comment.$author.id, request: request)
        return request.redirect(to: .moderation, fragment: "apres-publication")
    }

    /// Claimed once: two moderators clicking together write one entry.
    private func markReviewed(_ kind: ReportedKind, id: UUID, authorID: UUID?, request: Request) async throws {
        if let authorID, authorID == request.member?.id {
            throw PageError(.forbidden, title: "Vous ne pouvez pas relire votre propre texte",
                            message: "Une autre modératrice ou un autre modérateur le relira.")
        }
        try await request.db.transaction { database in
            if try await AfterPublication.markReviewed(kind, id: id, on: database) {
                try await request.audit(.reviewed(kind), about: kind.subject(id), on: database)
            }
        }
        try await request.setFlash("C'est noté : le texte est relu et reste publié.")
    }
}
