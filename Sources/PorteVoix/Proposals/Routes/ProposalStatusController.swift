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
        var motif: String?
        var original: String?
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
        var errors = ProposalWorkflow.checkTexts(of: action, note: note, answer: answer)
        let reason = action.needsReason ? form.motif.flatMap(ModerationReason.init(rawValue:)) : nil
        var duplicateOf: UUID?
        if action.needsReason && reason == nil {
            errors.add("motif-\(action.rawValue)", "Choisissez la raison dans la liste : l'auteur la lira.")
        }
        if action == .reject, reason == .duplicate {
            duplicateOf = try await ProposalLookup.original(named: form.original ?? "", for: id, on: request.db)
            if duplicateOf == nil {
                errors.add("original-reject", "Collez l'adresse de la proposition d'origine (elle commence par "
                    + "/propositions/) : elle doit être publiée, et ne pas être celle-ci.")
            }
        }
        /// The proposal's page with the action's form as it was sent.
        func page() async throws -> HTML {
            var model = try await ProposalShowModel.make(proposal, request: request)
            model.actionErrors = errors
            model.typedNote = form.note ?? ""
            model.typedAnswer = form.reponse ?? ""
            model.typedReason = form.motif ?? ""
            model.typedOriginal = String((form.original ?? "").prefix(200))
            model.failedAction = action
            return ProposalPages.show(model, context: request.pageContext)
        }
        guard errors.isEmpty else {
            return try await page().response(status: .unprocessableEntity)
        }

        let original = duplicateOf
        return try await request.keepingText(form: page) {
            try await request.db.transaction { database in
                try await ProposalWorkflow.apply(action, to: proposal, by: member, note: note,
                                                 answer: action == .answer ? answer : nil, reason: reason,
                                                 duplicateOf: original, on: database, now: request.now)
            }
            try await request.setFlash(ProposalMessages.confirmation(action))
            return request.redirect(to: .proposal(id))
        }
    }
}
