import Fluent
import Plot
import Vapor

/// `/propositions/:id/commentaires/:id/modifier`: the author changes a
/// comment a moderator sent back; it is screened again and returns to the queue.
struct CommentEditController {
    func form(request: Request) async throws -> HTML {
        let (comment, proposal) = try await find(request)
        return CommentEditPage.view(try await model(comment, proposal, typed: comment.body, request: request), context: request.pageContext)
    }

    func update(request: Request) async throws -> Response {
        let (comment, proposal) = try await find(request)
        let form = (try? request.content.decode(CommentForm.self)) ?? CommentForm()
        let typed = String((form.commentaire ?? "").prefix(ProposalComment.maximumLength * 2))
        let text = TextInput.clean(typed, multiline: true)
        var model = try await model(comment, proposal, typed: typed, request: request)
        if text.count < 2 {
            model.errors.add("commentaire", "Écrivez votre commentaire avant de l'envoyer.")
        } else if text.count > ProposalComment.maximumLength {
            model.errors.add("commentaire", "Le commentaire a \(text.count) caractères : raccourcissez-le à \(ProposalComment.maximumLength) au plus.")
        }
        guard model.errors.isEmpty else {
            return CommentEditPage.view(model, context: request.pageContext).response(status: .unprocessableEntity)
        }
        let found = Screening.kinds(in: text)
        if !found.isEmpty && form.action != Screening.sendAnyway {
            model.screened = true
            return CommentEditPage.view(model, context: request.pageContext).response(status: .ok)
        }
        let id = try comment.requireID()
        return try await request.keepingText(form: { CommentEditPage.view(model, context: request.pageContext) }) {
            guard try await CommentWorkflow.resubmit(id, text: text, personalData: Screening.stored(found), on: request.db) else {
                model.errors.add("commentaire", "Ce commentaire a déjà été renvoyé. Rien n'est enregistré.")
                return CommentEditPage.view(model, context: request.pageContext).response(status: .conflict)
            }
            try await request.setFlash("Votre commentaire est renvoyé. Il sera publié après relecture.")
            return request.redirect(to: .proposal(try proposal.requireID()), fragment: "commentaires")
        }
    }

    private func model(_ comment: ProposalComment, _ proposal: Proposal, typed: String,
                       request: Request) async throws -> CommentEditPage.Model {
        CommentEditPage.Model(proposal: PageLink(url: .proposal(try proposal.requireID()), title: proposal.title),
                              action: .commentEdit(try proposal.requireID(), try comment.requireID()),
                              reason: comment.moderationReason, message: comment.refusalReason, typed: typed,
                              csrf: try await request.csrfToken())
    }

    /// The signed-in author's own comment, sent back by a moderator; anything else is not found.
    private func find(_ request: Request) async throws -> (ProposalComment, Proposal) {
        let member = try request.requireMember()
        let proposal = try await ProposalLookup.findVisible(request)
        guard let commentID = request.id(.comment),
              let comment = try await ProposalComment.query(on: request.db).filter(\.$id == commentID)
                .filter(\.$proposal.$id == proposal.requireID()).first(),
              comment.$author.id == member.id
        else { throw Abort(.notFound) }
        guard comment.status == .changesRequested else {
            throw PageError(.conflict, title: "Ce commentaire ne se modifie plus",
                            message: "Un commentaire se modifie seulement quand l'équipe de modération le demande.")
        }
        return (comment, proposal)
    }
}
