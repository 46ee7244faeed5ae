import Fluent
import SQLKit
import Plot
import Vapor

/// `/admin/cartes`: facilitators and admins create access cards and print
/// them at once. The codes are shown on that one page and never again.
struct AccessCardsController {
    struct BatchForm: Content {
        var nombre: String?
        var territoire: String?
    }

    func show(request: Request) async throws -> HTML {
        AccessCardPages.form(try await AccessCardQueries.pageModel(request), context: request.pageContext)
    }

    /// Saved from the cards page, before the first print.
    func saveAddress(request: Request) async throws -> Response {
        let typed = String(((try? request.content.get(String.self, at: "adresse")) ?? "").prefix(AccountLimits.keptAddress))
        guard try await PublicAddress.save(typed, request: request) != nil else {
            var model = try await AccessCardQueries.pageModel(request)
            model.typedAddress = typed
            model.errors.add("adresse", PublicAddress.typingHelp)
            return AccessCardPages.form(model, context: request.pageContext).response(status: .unprocessableEntity)
        }
        try await request.setFlash("L'adresse du site est enregistrée : elle sera imprimée sur les cartes.")
        return request.redirect(to: .admin(.cards))
    }

    func create(request: Request) async throws -> Response {
        let form = (try? request.content.decode(BatchForm.self)) ?? BatchForm()
        var model = try await AccessCardQueries.pageModel(request)
        model.typedCount = form.nombre ?? ""
        model.typedTerritory = form.territoire ?? ""
        let count = Int((form.nombre ?? "").trimmingCharacters(in: .whitespaces))
        if count == nil || !(1...AccessCard.maximumBatch).contains(count!) {
            model.errors.add("nombre", "Indiquez un nombre de cartes entre 1 et \(AccessCard.maximumBatch).")
        }
        var territory: Territory?
        if let raw = form.territoire, !raw.isEmpty {
            if let id = UUID(uuidString: raw) {
                territory = try await Territory.find(id, on: request.db)
            }
            if territory == nil { model.errors.add("territoire", "Choisissez un territoire de la liste.") }
        }
        guard let count, model.errors.isEmpty else {
            return AccessCardPages.form(model, context: request.pageContext).response(status: .unprocessableEntity)
        }
        guard let address = model.publicAddress else { return AccessCardQueries.missingAddress(model, request: request) }
        let prepared = try await CardIssuing.prepareCodes(count: count, request: request)
        let creator = request.member?.id
        let chosen = territory
        // Cards printed while a vote is open are marked in the journal, with
        // their number, so that a burst during a session's vote shows.
        let openPolls = try await Poll.query(on: request.db).filter(\.$status == .open).count()
        let issued = try await request.db.transaction { database in
            let issued = try await CardIssuing.store(prepared, territory: chosen, member: nil, createdBy: creator, now: request.now, on: database)
            var details = ["count": String(count), "territory": chosen?.id?.uuidString ?? ""]
            if openPolls > 0 { details["openPolls"] = String(openPolls) }
            try await request.audit(.cardsCreate, details, on: database)
            return issued
        }
        return AccessCardPages.print(issued, context: request.pageContext, siteAddress: address)
            .response(status: .ok)
    }

}
