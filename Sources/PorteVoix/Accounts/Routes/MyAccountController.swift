import Fluent
import SQLKit
import Plot
import Vapor

/// `/mon-compte`: a member's pseudonym, password, data and account deletion.
struct MyAccountController {
    struct Form: Content {
        var pseudonyme: String?
        var motDePasseActuel: String?
        var motDePasse: String?
        var confirmation: String?
        var confirme: String?
    }

    func model(_ request: Request, member: Member) async throws -> MyAccountPage.Model {
        try await member.$territory.load(on: request.db)
        var model = MyAccountPage.Model(
            csrf: try await request.csrfToken(),
            pseudonym: member.pseudonym ?? "",
            roles: member.roles.sorted(),
            territory: member.territory?.name,
            memberSince: member.createdAt
        )
        model.replacements = try await CardReplacement.query(on: request.db).filter(\.$member.$id == member.requireID())
            .filter(\.$printedAt != nil).sort(\.$printedAt, .descending).limit(AccountLimits.replacementsShown).all()
            .map { ($0.printedAt ?? $0.requestedAt, CardReplacement.who($0.requestedByRoles), CardReplacement.who($0.confirmedByRoles)) }
        return model
    }

    func show(request: Request) async throws -> Response {
        let member = try request.requireMember()
        return MyAccountPage.view(try await model(request, member: member), context: request.pageContext).response(status: .ok)
    }

    /// Checks the current password, with the same limits as signing in.
    func currentPasswordMatches(_ password: String, member: Member, request: Request, errors: inout FormErrors) async throws -> Bool {
        let keys = AttemptKey.password(pseudonymKey: member.pseudonymKey ?? "", member: member, request: request)
        if let until = try await AttemptThrottle.blockedUntil(keys, on: request.db, now: request.now) {
            errors.add("motDePasseActuel", "Trop d'essais d'un coup. Réessayez à \(FrenchDates.pause(Pause(until: until, now: request.now))).")
            return false
        }
        guard let hash = member.passwordHash,
              try await SecretHasher.verify(password, against: hash, application: request.application)
        else {
            try await AttemptThrottle.recordFailure(keys, on: request.db, now: request.now)
            errors.add("motDePasseActuel", "Ce n'est pas votre mot de passe actuel. Retapez-le.")
            return false
        }
        return true
    }

    func changePseudonym(request: Request) async throws -> Response {
        let member = try request.requireMember()
        let form = (try? request.content.decode(Form.self)) ?? Form()
        var page = try await model(request, member: member)
        page.newPseudonym = form.pseudonyme ?? ""
        page.section = .pseudonym
        var pseudonym: Pseudonym?
        do throws(Pseudonym.Problem) {
            pseudonym = try Pseudonym(form.pseudonyme ?? "")
        } catch {
            page.errors.add("pseudonyme", error.message)
        }
        if let pseudonym, try await Member.isTaken(pseudonym, except: member.id, on: request.db) {
            page.errors.add("pseudonyme", "Ce pseudonyme est déjà pris. Choisissez-en un autre.")
        }
        if page.errors.isEmpty {
            _ = try await currentPasswordMatches(form.motDePasseActuel ?? "", member: member, request: request, errors: &page.errors)
        }
        guard let pseudonym, page.errors.isEmpty else {
            return MyAccountPage.view(page, context: request.pageContext).response(status: .unprocessableEntity)
        }
        member.pseudonym = pseudonym.display
        member.pseudonymKey = pseudonym.key
        try await member.save(on: request.db)
        try await request.setFlash("Votre pseudonyme est maintenant « \(pseudonym.display) ».")
        return request.redirect(to: .myAccount(.show))
    }

    func changePassword(request: Request) async throws -> Response {
        let member = try request.requireMember()
        let form = (try? request.content.decode(Form.self)) ?? Form()
        var page = try await model(request, member: member)
        page.section = .password
        if try await currentPasswordMatches(form.motDePasseActuel ?? "", member: member, request: request, errors: &page.errors) {
            PasswordRules.check(form.motDePasse ?? "", confirmation: form.confirmation ?? "", into: &page.errors)
        }
        guard page.errors.isEmpty else {
            return MyAccountPage.view(page, context: request.pageContext).response(status: .unprocessableEntity)
        }
        member.passwordHash = try await SecretHasher.hash(form.motDePasse ?? "", application: request.application)
        try await member.save(on: request.db)
        // Other sessions opened with the old password end; this one gets a new id.
        try await WebSessionRecord.query(on: request.db).filter(\.$memberID == member.id).delete()
        try await APITokens.revokeAll(of: member.requireID(), now: request.now, on: request.db)
        try await request.signIn(member)
        try await request.setFlash("Votre mot de passe est changé.")
        // The new password ends every remembered browser's token: this one gets a new one.
        let response = request.redirect(to: .myAccount(.show))
        request.rememberDevice(for: member, on: response)
        return response
    }

    func downloadData(request: Request) async throws -> Response {
        let member = try request.requireMember()
        let export = try await MemberDataExport.make(for: member, now: request.now, on: request.db)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(FrenchDates.iso(date))
        }
        let body = try encoder.encode(export)
        var headers = HTTPHeaders()
        headers.contentType = .json
        headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"mes-donnees-portevoix.json\"")
        headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return Response(status: .ok, headers: headers, body: .init(data: body))
    }

    func deleteAccount(request: Request) async throws -> Response {
        let member = try request.requireMember()
        let form = (try? request.content.decode(Form.self)) ?? Form()
        var page = try await model(request, member: member)
        page.section = .deletion
        if form.confirme != "oui" {
            page.errors.add("confirme", "Cochez la case pour confirmer que vous voulez supprimer votre compte.")
        }
        _ = try await currentPasswordMatches(form.motDePasseActuel ?? "", member: member, request: request, errors: &page.errors)
        guard page.errors.isEmpty else {
            return MyAccountPage.view(page, context: request.pageContext).response(status: .unprocessableEntity)
        }
        if member.roles.contains(.admin), try await Administrators.count(on: request.db) <= 1 {
            page.errors.add("confirme", "Vous êtes le seul administrateur. Donnez d'abord ce rôle à une autre personne.")
            return MyAccountPage.view(page, context: request.pageContext).response(status: .unprocessableEntity)
        }
        try await member.anonymise(at: request.now, on: request.db)
        try await request.signOut()
        try await request.setFlash("Votre compte est supprimé. Merci pour votre participation au conseil.")
        return request.redirect(to: .home)
    }
}

