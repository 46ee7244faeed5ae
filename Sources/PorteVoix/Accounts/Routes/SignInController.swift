import Fluent
import Plot
import Vapor

/// `/connexion` and `/deconnexion`: pseudonym and password, for everyone.
struct SignInController {
    struct Form: Content {
        var pseudonyme: String?
        var motDePasse: String?
        var retour: String?
    }

    func show(request: Request) async throws -> Response {
        let back = SignInPage.safeReturnPath(request.query[String.self, at: "retour"])
        if request.member != nil {
            return request.redirect(to: back ?? SiteURL.home.path)
        }
        let model = SignInPage.Model(csrf: try await request.csrfToken(), pseudonym: "", returnPath: back)
        return SignInPage.view(model, context: request.pageContext).response(status: .ok)
    }

    func signIn(request: Request) async throws -> Response {
        let form = (try? request.content.decode(Form.self)) ?? Form()
        let typed = form.pseudonyme ?? ""
        let password = form.motDePasse ?? ""
        let back = SignInPage.safeReturnPath(form.retour)
        var model = SignInPage.Model(csrf: try await request.csrfToken(), pseudonym: typed, returnPath: back)

        if typed.trimmingCharacters(in: .whitespaces).isEmpty { model.errors.add("pseudonyme", "Indiquez votre pseudonyme.") }
        if password.isEmpty { model.errors.add("motDePasse", "Indiquez votre mot de passe.") }
        // The database may fail at any step: the pseudonym stays, the password is typed again.
        return try await request.keepingText(form: { SignInPage.view(model, context: request.pageContext) }) {
            let member = model.errors.isEmpty ? try await Member.query(on: request.db)
                .filter(\.$pseudonymKey == Pseudonym.key(for: typed))
                .filter(\.$status != .deleted)
                .with(\.$roleRows)
                .first() : nil

            // At a kiosk, per account and per kiosk: the room shares one address.
            let keys = request.kiosk.map { Kiosks.attemptKeys(pseudonymKey: Pseudonym.key(for: typed), kiosk: $0) }
                ?? AttemptKey.password(pseudonymKey: Pseudonym.key(for: typed), member: member, request: request)
            if let until = try await AttemptThrottle.blockedUntil(keys, on: request.db, now: request.now) {
                model.blocked = Pause(until: until, now: request.now)
                return SignInPage.view(model, context: request.pageContext).response(status: .tooManyRequests)
            }
            guard model.errors.isEmpty else {
                return SignInPage.view(model, context: request.pageContext).response(status: .unprocessableEntity)
            }
            var matches = false
            do {
                if let hash = member?.passwordHash {
                    matches = try await SecretHasher.verify(password, against: hash, application: request.application)
                } else {
                    try await SecretHasher.verifyNothing(application: request.application)
                }
            } catch is HashingBusy {
                // Nothing was checked: not a failure, and the pseudonym stays in the form.
                model.busy = true
                return SignInPage.view(model, context: request.pageContext).response(status: .tooManyRequests).retryAfter(5)
            }
            guard let member, matches else {
                try await AttemptThrottle.recordFailure(keys, on: request.db, now: request.now)
                // A replaced card ended the password: whoever tries it learns when, and whom to ask.
                if let member, member.passwordHash == nil,
                   let replaced = try await CardReplacement.query(on: request.db).filter(\.$member.$id == member.requireID())
                    .filter(\.$printedAt != nil).sort(\.$printedAt, .descending).first() {
                    model.replacedAt = replaced.printedAt
                    model.replacedBy = CardReplacement.who(replaced.confirmedByRoles)
                }
                // The same words whether the pseudonym or the password is wrong.
                model.errors.add("pseudonyme", "Ce pseudonyme et ce mot de passe ne vont pas ensemble. Vérifiez-les et réessayez.")
                return SignInPage.view(model, context: request.pageContext).response(status: .unprocessableEntity)
            }
            // The per-account and per-device counts start again; the address's does not.
            try await AttemptThrottle.reset(keys[0], on: request.db)
            if member.status == .suspended {
                model.suspended = true
                return SignInPage.view(model, context: request.pageContext).response(status: .forbidden)
            }
            try await request.signIn(member)
            let home = request.kiosk == nil ? SiteURL.home.path : SiteURL.kiosk(.welcome).path
            var next = member.status == .pending ? SiteURL.activationCharter.path : back ?? home
            // A paper proposal names this member: they say whether they wrote it.
            // Signed in now (a new session and form token): a fault here only skips the question.
            if request.kiosk == nil, member.status == .active, (try? await PaperAttribution.hasWaiting(for: member.requireID(), on: request.db)) == true {
                next = SignInPage.path(returningTo: back, from: .paperToConfirm)
            }
            let response = request.redirect(to: next)
            request.rememberDevice(for: member, on: response)
            return response
        }
    }

    func signOut(request: Request) async throws -> Response {
        try await request.signOut()
        // No session for a flash message: the cookie is expired, not replaced.
        let response = request.redirect(to: .home, query: [("au-revoir", "1")])
        // A shared computer keeps no copy of the pages seen while signed in.
        response.headers.replaceOrAdd(name: "Clear-Site-Data", value: "\"cache\"")
        return response
    }
}
