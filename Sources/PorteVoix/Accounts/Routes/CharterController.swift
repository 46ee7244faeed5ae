import Fluent
import Plot
import Vapor

/// `/activation/charte`: the last step of activation, accepting the charter.
struct CharterController {
    func showCharter(request: Request) async throws -> Response {
        guard let member = request.member else { return request.redirect(to: .signIn) }
        if member.status == .active { return request.redirect(to: .home) }
        let model = ActivationPages.CharterModel(
            csrf: try await request.csrfToken(),
            charterHTML: try request.application.contentStore.page("charte")?.html ?? ""
        )
        return ActivationPages.charter(model, context: request.pageContext).response(status: .ok)
    }

    struct CharterForm: Content { var accepte: String? }

    func acceptCharter(request: Request) async throws -> Response {
        guard let member = request.member else { return request.redirect(to: .signIn) }
        if member.status == .active { return request.redirect(to: .home) }
        guard (try? request.content.decode(CharterForm.self))?.accepte == "oui" else {
            var model = ActivationPages.CharterModel(
                csrf: try await request.csrfToken(),
                charterHTML: try request.application.contentStore.page("charte")?.html ?? ""
            )
            model.errors.add("accepte", "Cochez la case pour accepter la charte. Sans cela, vous ne pouvez pas participer.")
            return ActivationPages.charter(model, context: request.pageContext).response(status: .unprocessableEntity)
        }
        try await MemberStatusRules.acceptCharter(member, now: request.now, on: request.db)
        try await request.setFlash("Bienvenue, \(member.pseudonym ?? "") ! Votre compte est prêt.")
        return request.redirect(to: .home)
    }
}
