import Fluent
import Plot
import Vapor

/// Members report published proposals and comments; moderators hide or
/// restore what was reported. Nobody but the moderators learns that a
/// report exists, and nobody at all learns who sent it.
struct ReportsController {
    struct ReportForm: Content {
        var raison: String?
        var commentaire: String?
    }

    func reportProposal(request: Request) async throws -> Response {
        let proposal = try await ProposalLookup.findVisible(request)
        let id = try proposal.requireID()
        guard proposal.status.isPublic else { throw Abort(.notFound) }
        return try await file(.proposal, id: id, proposal: proposal, request: request, fragment: nil)
    }

    func reportComment(request: Request) async throws -> Response {
        let proposal = try await ProposalLookup.findVisible(request)
        guard let commentID = request.id(.comment),
              let comment = try await ProposalComment.query(on: request.db).filter(\.$id == commentID)
                .filter(\.$proposal.$id == proposal.requireID()).filter(\.$status == .published).first()
        else { throw Abort(.notFound) }
        // Already hidden (the page was open a while): nothing more to count.
        if comment.hiddenAt != nil {
            try await request.setFlash("Merci : ce commentaire est déjà masqué. L'équipe de modération va le relire.")
            return request.redirect(to: .proposal(try proposal.requireID()), fragment: "commentaires")
        }
        return try await file(.comment, id: try comment.requireID(), proposal: proposal, request: request,
                              fragment: "commentaire-\(commentID)")
    }

    /// - Parameter fragment: where the page goes back to: the comment reported, or the top for a proposal.
    private func file(_ kind: ReportedKind, id: UUID, proposal: Proposal, request: Request, fragment: String?) async throws -> Response {
        let member = try request.requireMember()
        let form = (try? request.content.decode(ReportForm.self)) ?? ReportForm()
        let typed = String((form.commentaire ?? "").prefix(Reports.commentLimit * 2))
        let comment = TextInput.clean(typed, multiline: true)
        let reason = form.raison.flatMap(ReportReason.init(rawValue:))
        guard let reason, comment.count <= Reports.commentLimit else {
            var model = try await ProposalShowModel.make(proposal, request: request)
            var errors = FormErrors()
            if reason == nil { errors.add("raison", "Choisissez la raison du signalement.") }
            if comment.count > Reports.commentLimit {
                errors.add("commentaire", "L'explication a \(comment.count) caractères : raccourcissez-la à \(Reports.commentLimit) au plus.")
            }
            model.reportError = .init(target: id, typed: typed, reason: form.raison ?? "", errors: errors)
            return ProposalPages.show(model, context: request.pageContext).response(status: .unprocessableEntity)
        }
        let outcome = try await Reports.file(kind, id: id, by: member.requireID(), reason: reason, comment: comment, on: request.db, now: request.now)
        if outcome == .recorded(hidden: true) {
            let authorID = kind == .proposal ? proposal.$author.id
                : try await ProposalComment.find(id, on: request.db)?.$author.id
            // The author learns that the text is hidden, never by whom it was reported.
            try await Notifier.notify(authorID, kind == .proposal
                ? "Votre proposition « \(proposal.title) » est masquée : plusieurs membres l'ont signalée. Une personne de l'équipe de modération va la relire."
                : "Votre commentaire sur « \(proposal.title) » est masqué : plusieurs membres l'ont signalé. Une personne de l'équipe de modération va le relire.",
                link: .proposal(try proposal.requireID()), at: request.now, on: request.db)
        }
        try await request.setFlash(outcome == .alreadyReported
            ? "Vous l'aviez déjà signalé : l'équipe de modération va le relire."
            : "Merci, votre signalement est transmis à l'équipe de modération. La personne qui a écrit ce texte ne saura pas qui l'a signalé.")
        return request.redirect(to: .proposal(try proposal.requireID()), fragment: outcome == .recorded(hidden: true) ? nil : fragment)
    }

    // MARK: Moderators' decisions

    struct DecisionForm: Content {
        var decision: String?
        var raison: String?
    }

    func decideOnProposal(request: Request) async throws -> Response {
        // A withdrawn proposal's reports are still decided, so that none waits forever.
        guard let id = request.id(.proposal), let proposal = try await Proposal.find(id, on: request.db),
              proposal.status != .submitted
        else { throw Abort(.notFound) }
        return try await decide(.proposal, id: id, title: proposal.title, authorID: proposal.$author.id, proposalID: id, request: request)
    }

    func decideOnComment(request: Request) async throws -> Response {
        guard let id = request.id(.comment),
              let comment = try await ProposalComment.query(on: request.db).filter(\.$id == id).with(\.$proposal).first(),
              comment.status == .published
        else { throw Abort(.notFound) }
        return try await decide(.comment, id: id, title: comment.proposal.title, authorID: comment.$author.id,
                                proposalID: comment.$proposal.id, request: request)
    }

    private func decide(_ kind: ReportedKind, id: UUID, title: String, authorID: UUID?, proposalID: UUID,
                        request: Request) async throws -> Response {
        let form = (try? request.content.decode(DecisionForm.self)) ?? DecisionForm()
        let hide: ReportReason?
        switch form.decision {
        case "retablir": hide = nil
        case "masquer":
            guard let reason = form.raison.flatMap(ReportReason.init(rawValue:)) else {
                throw PageError(.unprocessableEntity, title: "Choisissez la raison",
                                message: "Pour masquer un contenu, choisissez la raison que son auteur lira. Revenez en arrière et réessayez.")
            }
            hide = reason
        default: throw Abort(.badRequest)
        }
        if let authorID, authorID == request.member?.id {
            throw PageError(.forbidden, title: "Vous ne pouvez pas décider pour votre propre texte",
                            message: "Une autre modératrice ou un autre modérateur prendra la décision.")
        }
        // The decision, the author's notice and the journal entry: all or nothing.
        try await request.db.transaction { database in
            let wasHidden = try await Reports.decide(kind, id: id, hide: hide, on: database, now: request.now)
            // The author hears of a change they can see, never of reports left without effect.
            if hide != nil || wasHidden {
                let what = kind == .proposal ? "Votre proposition « \(title) »" : "Votre commentaire sur « \(title) »"
                let ending = kind == .proposal ? "e" : ""
                try await Notifier.notify(authorID, hide.map { "\(what) est masqué\(ending) par l'équipe de modération. Raison : \($0.label)." }
                    ?? "\(what) est de nouveau visible : l'équipe de modération l'a relu\(ending).",
                    link: .proposal(proposalID), at: request.now, on: database)
            }
            // Reports on a text that stays as it was are "dismissed", not a restoration.
            let decision: AuditAction.ReportDecision = hide != nil ? .hide : wasHidden ? .restore : .dismiss
            try await request.audit(.moderation(kind, decision), about: kind.subject(id),
                                    hide.map { ["reason": $0.rawValue] } ?? [:], on: database)
        }
        try await request.setFlash(hide == nil ? "Le contenu est de nouveau visible." : "Le contenu est masqué.")
        return request.redirect(to: .moderation, fragment: "signalements")
    }
}
