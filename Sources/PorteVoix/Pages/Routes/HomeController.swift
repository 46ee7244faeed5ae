import Fluent
import Plot
import Vapor

/// `/`: what the council is and how to take part.
struct HomeController {
    func show(request: Request) async throws -> HTML {
        let model = try await HomePage.model(on: request.db, now: Date())
        var context = request.pageContext
        if request.query[String.self, at: "au-revoir"] != nil, context.member == nil {
            context.flash = "Vous êtes déconnecté. À bientôt !"
        }
        return HomePage.View(context: context, model: model).render()
    }
}
