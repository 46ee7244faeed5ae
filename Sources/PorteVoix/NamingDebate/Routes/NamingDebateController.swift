import Fluent
import Plot
import Vapor
import Voting

/// `/debat-denomination`: the page, the names, the opinions.
struct NamingDebateController {
    func show(request: Request) async throws -> HTML {
        DebatePage.view(try await DebateQueries.model(request), context: request.pageContext)
    }


    // MARK: Names

    struct NameForm: Content {
        var nom: String?
        var explication: String?
        var anonyme: String?
    }

    func proposeName(request: Request) async throws -> Response {
        let member = try request.requireMember()
        let form = (try? request.content.decode(NameForm.self)) ?? NameForm()
        let name = TextInput.clean(String((form.nom ?? "").prefix(ProposedName.maximumNameLength * 2)), multiline: false)
        let explanation = TextInput.clean(String((form.explication ?? "").prefix(ProposedName.maximumExplanationLength * 2)),
                                          multiline: true)
        var errors = NamingContributions.checkName(name, explanation: explanation)
        var duplicateOf: UUID?
        func page() async throws -> HTML {
            var model = try await DebateQueries.model(request)
            model.errors = errors
            model.typedName = form.nom ?? ""
            model.typedExplanation = form.explication ?? ""
            model.typedAnonymous = form.anonyme == "oui"
            model.duplicateOf = duplicateOf
            return DebatePage.view(model, context: request.pageContext)
        }
        if errors.isEmpty {
            return try await request.keepingText(form: page) {
                switch try await NamingContributions.proposeName(name, explanation: explanation, authorID: member.requireID(),
                                                                 anonymous: form.anonyme == "oui", now: request.now, on: request.db) {
                case .saved:
                    try await request.setFlash("Merci ! Votre nom est envoyé : une personne de l'équipe de modération va le relire.")
                    return request.redirect(to: .namingDebate, fragment: "noms")
                case .duplicate(let original):
                    duplicateOf = original
                    errors.add("nom", original == nil
                        ? "Ce nom a déjà été proposé : il attend sa relecture."
                        : "Ce nom a déjà été proposé : donnez plutôt votre avis sur lui.")
                    return try await page().response(status: .unprocessableEntity)
                }
            }
        }
        return try await page().response(status: .unprocessableEntity)
    }

    func showName(request: Request) async throws -> HTML {
        NamePage.view(try await nameModel(request), context: request.pageContext)
    }

    func nameModel(_ request: Request) async throws -> NamePage.Model {
        guard let id = request.id(.proposedName),
              let name = try await ProposedName.query(on: request.db).filter(\.$id == id).with(\.$author).first(),
              name.status == .published
        else { throw Abort(.notFound) }
        let opinions = try await NameOpinion.query(on: request.db).filter(\.$proposedName.$id == id).filter(\.$status == .published)
            .filter(\.$text != "").with(\.$member).sort(\.$updatedAt).all()
        var model = NamePage.Model(id: id, name: name.name, explanation: name.explanation, authorName: name.authorName,
                                   isCurrent: name.isCurrent, counts: try await NamingContributions.counts(on: request.db)[id] ?? [:],
                                   opinions: opinions.map {
                                       NamePage.Opinion(stance: $0.stance, text: $0.text, authorName: $0.authorName, id: $0.id,
                                                        version: NamingModeration.version(of: $0))
                                   })
        model.isModerator = request.member?.roles.contains(.moderator) == true
        if let member = request.member {
            model.csrf = try await request.csrfToken()
            if let own = try await NameOpinion.query(on: request.db).filter(\.$proposedName.$id == id)
                .filter(\.$member.$id == member.requireID()).first() {
                model.own = (own.stance, own.text, own.anonymous, own.status)
            }
        }
        return model
    }

    struct OpinionForm: Content {
        var position: String?
        var texte: String?
        var anonyme: String?
    }

    func giveOpinion(request: Request) async throws -> Response {
        let member = try request.requireMember()
        var model = try await nameModel(request)
        let form = (try? request.content.decode(OpinionForm.self)) ?? OpinionForm()
        let text = TextInput.clean(String((form.texte ?? "").prefix(NameOpinion.maximumTextLength * 2)), multiline: true)
        let stance = form.position.flatMap(OpinionStance.init(rawValue:))
        if stance == nil { model.errors.add("position", "Choisissez pour, contre ou partagé.") }
        if text.count > NameOpinion.maximumTextLength {
            model.errors.add("texte", "Le texte a \(text.count) caractères : \(NameOpinion.maximumTextLength) au plus.")
        }
        guard let stance, model.errors.isEmpty else {
            model.typedStance = form.position ?? "-"
            model.typedText = form.texte ?? ""
            model.typedAnonymous = form.anonyme == "oui"
            return NamePage.view(model, context: request.pageContext).response(status: .unprocessableEntity)
        }
        let memberID = try member.requireID(), anonymous = form.anonyme == "oui", nameID = model.id
        func save() async throws -> DebateTextStatus {
            try await NamingContributions.giveOpinion(on: nameID, by: memberID, stance: stance, text: text, anonymous: anonymous,
                                                      on: request.db, now: request.now)
        }
        return try await request.keepingText(form: {
            model.typedStance = form.position ?? "-"
            model.typedText = form.texte ?? ""
            model.typedAnonymous = form.anonyme == "oui"
            return NamePage.view(model, context: request.pageContext)
        }) {
            let status: DebateTextStatus
            do {
                status = try await save()
            } catch let error as any DatabaseError where error.isConstraintFailure {
                // The same member's first opinion sent twice at once: the second one updates the first.
                status = try await save()
            }
            try await request.setFlash(status == .published ? "Votre avis est enregistré et compté."
                                       : "Votre avis est enregistré. Il sera compté et publié quand son texte aura été relu.")
            return request.redirect(to: .namingName(model.id), fragment: "mon-avis")
        }
    }
}
