import Fluent
import Plot
import Vapor

/// `/mon-compte/jetons`: staff create and revoke their personal API tokens.
struct APITokensController {
    func model(_ request: Request, member: Member) async throws -> APITokensPage.Model {
        var model = APITokensPage.Model(csrf: try await request.csrfToken(), now: request.now)
        model.tokens = try await APIToken.query(on: request.db).filter(\.$member.$id == member.requireID())
            .sort(\.$createdAt, .descending).all().map {
                APITokensPage.Token(id: try $0.requireID(), label: $0.label, createdAt: $0.createdAt, expiresAt: $0.expiresAt,
                                    lastUsedOn: $0.lastUsedOn, revokedAt: $0.revokedAt)
            }
        return model
    }

    func show(request: Request) async throws -> Response {
        let member = try request.requireMember()
        return APITokensPage.view(try await model(request, member: member), context: request.pageContext).response(status: .ok)
    }

    struct CreateForm: Content {
        var nom: String?
        var jours: String?
    }

    func create(request: Request) async throws -> Response {
        let member = try request.requireMember()
        let form = (try? request.content.decode(CreateForm.self)) ?? CreateForm()
        let label = TextInput.clean(String((form.nom ?? "").prefix(APITokens.maximumLabelLength * 2)), multiline: false)
        let typedDays = String((form.jours ?? "").prefix(8)).trimmingCharacters(in: .whitespaces)
        var errors = FormErrors()
        if label.isEmpty { errors.add("nom", "Dites à quoi servira ce jeton : vous le reconnaîtrez dans la liste.") }
        if label.count > APITokens.maximumLabelLength {
            errors.add("nom", "Ce nom est trop long : \(APITokens.maximumLabelLength) caractères au plus.")
        }
        let days = Int(typedDays)
        if days.map({ !APITokens.allowedDays.contains($0) }) ?? true {
            errors.add("jours", "Écrivez un nombre de jours entre 1 et 365.")
        }
        let live = try await APIToken.query(on: request.db).filter(\.$member.$id == member.requireID())
            .filter(\.$revokedAt == nil).filter(\.$expiresAt > request.now).count()
        if live >= APITokens.maximumLive {
            errors.add("nom", "Vous avez déjà \(APITokens.maximumLive) jetons valables : révoquez-en un avant d'en créer un autre.")
        }
        var model = try await model(request, member: member)
        guard errors.isEmpty, let days else {
            model.errors = errors
            model.typedLabel = label
            model.typedDays = typedDays
            return APITokensPage.view(model, context: request.pageContext).response(status: .unprocessableEntity)
        }
        let (token, _) = try await APITokens.create(for: member, label: label, days: days, now: request.now, on: request.db)
        model = try await self.model(request, member: member)
        model.newToken = token
        let response = APITokensPage.view(model, context: request.pageContext).response(status: .ok)
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }

    func revoke(request: Request) async throws -> Response {
        let member = try request.requireMember()
        guard let id = request.id(.apiToken),
              let token = try await APIToken.query(on: request.db).filter(\.$id == id)
                .filter(\.$member.$id == member.requireID()).first() else {
            throw Abort(.notFound)
        }
        if token.revokedAt == nil {
            token.revokedAt = request.now
            try await token.save(on: request.db)
            try await AuditLog.append(actorID: member.id, action: .apiTokenRevoke, subject: .member(try member.requireID()),
                                      at: request.now, on: request.db)
        }
        return request.redirect(to: .apiTokens)
    }
}
