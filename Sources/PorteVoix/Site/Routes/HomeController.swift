import Fluent
import Plot
import Vapor

/// `/`: what the council is and how to take part.
struct HomeController {
    func show(request: Request) async throws -> HTML {
        // The same for everyone; kept while nothing changes (members' layout is their own).
        let model = try await request.cachedData("accueil", cost: { _ in 4_000 }) {
            try await HomePage.model(on: request.db, now: request.now)
        }
        var context = request.pageContext
        if request.query[String.self, at: "au-revoir"] != nil, context.member == nil {
            context.flash = "Vous êtes déconnecté. À bientôt !"
        }
        return HomePage.View(context: context, model: model).render()
    }
}
