import Fluent
import Plot
import Vapor

/// Moving a proposal along its workflow (design/README.md, proposal lifecycle).
struct ProposalStatusController {
    // MARK: Status changes

    struct StatusForm: Content {
        var action: String?
        var note: String?
        var reponse: String?
    }

    func changeStatus(request: Request) async throws -> Response {
        let member = try request.requireMember()
        let proposal = try await ProposalLookup.findVisible(request)
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
        let errors = ProposalWorkflow.checkTexts(of: action, note: note, answer: answer)
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
