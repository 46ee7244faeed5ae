import Plot
import Vapor

/// `/admin/reglages`: settings administrators change in the interface.
struct SiteSettingsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let settings = routes.grouped("admin", "reglages").requiring(.role(.admin))
        settings.get(use: show)
        settings.post(use: save)
    }

    func show(request: Request) async throws -> HTML {
        let current = try await SiteSettingsStore.minimumBallots(on: request.db)
        return SiteSettingsPage.view(.init(csrf: try await request.csrfToken(), minimumBallots: String(current)),
                                     context: request.pageContext)
    }

    func save(request: Request) async throws -> Response {
        let typed = String(((try? request.content.get(String.self, at: "minimum")) ?? "").prefix(20))
        let range = SiteSettingsStore.minimumBallotsRange
        guard let value = Int(typed.trimmingCharacters(in: .whitespaces)), range.contains(value) else {
            var model = SiteSettingsPage.Model(csrf: try await request.csrfToken(), minimumBallots: typed)
            model.errors.add("minimum", "Indiquez un nombre entier entre \(range.lowerBound) et \(range.upperBound).")
            return SiteSettingsPage.view(model, context: request.pageContext).response(status: .unprocessableEntity)
        }
        let old = try await SiteSettingsStore.minimumBallots(on: request.db)
        try await SiteSettingsStore.setMinimumBallots(value, on: request.db)
        try await request.audit("settings.minimum_ballots", "Nombre minimum de bulletins pour publier un résultat : \(old) → \(value).")
        try await request.setFlash("Le réglage est enregistré.")
        return request.redirect(to: "/admin/reglages")
    }
}

enum SiteSettingsPage {
    struct Model {
        var csrf: String
        var minimumBallots: String
        var errors = FormErrors()
    }

    static func view(_ model: Model, context: PageContext) -> HTML {
        Layout.page(
            context,
            title: (model.errors.isEmpty ? "" : "Erreur — ") + "Réglages du site",
            content: .group(
                .p(.a(.href("/admin"), .text("Administration"))),
                .h1("Réglages du site"),
                Forms.errorSummary(model.errors),
                Forms.post(
                    action: "/admin/reglages", csrf: model.csrf, class: "formulaire",
                    Forms.field("minimum", label: "Nombre minimum de bulletins pour publier le résultat d'un vote",
                                value: model.minimumBallots, kind: .number,
                                help: "En dessous, les résultats d'un vote ne sont pas publiés : on risquerait de reconnaître "
                                    + "qui a voté quoi. Les animateurs peuvent demander plus pour un vote, jamais moins. "
                                    + "5 par défaut.",
                                error: model.errors["minimum"], required: true),
                    Forms.submit("Enregistrer")
                )
            )
        )
    }
}
