import Fluent
import Plot
import Vapor

/// `/connexion` and `/deconnexion`: pseudonym and password, for everyone.
struct SignInController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("connexion", use: show)
        routes.post("connexion", use: signIn)
        routes.post("deconnexion", use: signOut)
    }

    struct Form: Content {
        var pseudonyme: String?
        var motDePasse: String?
        var retour: String?
    }

    func show(request: Request) async throws -> Response {
        let back = SignInPage.safeReturnPath(request.query[String.self, at: "retour"])
        if request.member != nil {
            return request.redirect(to: back ?? "/")
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
        let member = model.errors.isEmpty ? try await Member.query(on: request.db)
            .filter(\.$pseudonymKey == Pseudonym.key(for: typed))
            .filter(\.$status != .deleted)
            .with(\.$roleRows)
            .first() : nil

        // On a browser where this member signed in before, failures count for
        // that browser alone: a stranger guessing elsewhere cannot lock it out.
        let keys: [AttemptKey]
        if let device = request.knownDevice(of: member) {
            keys = [AttemptKey("connexion-appareil", device, limit: .perAccount)]
        } else {
            keys = [AttemptKey("connexion-compte", Pseudonym.key(for: typed), limit: .perAccount),
                    AttemptKey("connexion-adresse", request.clientAddress, limit: .perAddress)]
        }
        if let until = try await AttemptThrottle.blockedUntil(keys, on: request.db) {
            model.blockedUntil = until
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
        } catch where HashingGate.isBusy(error) {
            // Nothing was checked: not a failure, and the pseudonym stays in the form.
            model.busy = true
            return SignInPage.view(model, context: request.pageContext).response(status: .tooManyRequests).retryAfter(5)
        }
        guard let member, matches else {
            try await AttemptThrottle.recordFailure(keys, on: request.db)
            // A replaced card ended the password: whoever tries it learns when, and whom to ask.
            if let member, member.passwordHash == nil,
               let replaced = try await CardReplacement.query(on: request.db).filter(\.$member.$id == member.requireID())
                .filter(\.$confirmedAt != nil).sort(\.$confirmedAt, .descending).first() {
                model.replacedAt = replaced.confirmedAt
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
        var next = member.status == .pending ? "/activation/charte" : back ?? "/"
        // A paper proposal names this member: they say whether they wrote it.
        if member.status == .active, try await PaperAttributionController.hasWaiting(for: member.requireID(), on: request.db) {
            next = PaperAttributionController.path + (back.map { "?retour=" + ($0.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "") } ?? "")
        }
        let response = request.redirect(to: next)
        request.rememberDevice(for: member, on: response)
        return response
    }

    func signOut(request: Request) async throws -> Response {
        try await request.signOut()
        // No session for a flash message: the cookie is expired, not replaced.
        let response = request.redirect(to: "/?au-revoir=1")
        // A shared computer keeps no copy of the pages seen while signed in.
        response.headers.replaceOrAdd(name: "Clear-Site-Data", value: "\"cache\"")
        return response
    }
}

enum SignInPage {
    static let path = "/connexion"

    static func path(returningTo target: String?) -> String {
        guard let target = safeReturnPath(target), target != "/" else { return path }
        let encoded = target.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(.init(charactersIn: "/-_.~"))) ?? ""
        return path + "?retour=" + encoded
    }

    /// A path on this site only: never another site after signing in.
    static func safeReturnPath(_ candidate: String?) -> String? {
        guard let candidate, candidate.hasPrefix("/"), !candidate.hasPrefix("//"), !candidate.hasPrefix("/\\"),
              !candidate.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }),
              candidate.count < 500
        else { return nil }
        return candidate
    }

    struct Model {
        var csrf: String
        var pseudonym: String
        var returnPath: String?
        var errors = FormErrors()
        var blockedUntil: Date?
        /// Every place for checking a password was taken: try again in a moment.
        var busy = false
        var suspended = false
        /// The account's card was replaced: its old password no longer works.
        var replacedAt: Date?
        var replacedBy: String?
    }

    static func view(_ model: Model, context: PageContext) -> HTML {
        Layout.page(
            context,
            title: model.errors.isEmpty && !model.busy ? "Se connecter" : "Erreur — Se connecter",
            content: .group(
                .h1("Se connecter"),
                message(model),
                Forms.errorSummary(model.errors),
                Forms.post(
                    action: path, csrf: model.csrf, class: "formulaire",
                    .unwrap(model.returnPath) { Forms.input([("type", "hidden"), ("name", "retour"), ("value", $0)]) },
                    Forms.field("pseudonyme", label: "Pseudonyme", value: model.pseudonym,
                                error: model.errors["pseudonyme"], required: true, autocomplete: "username",
                                maxLength: 60),
                    Forms.field("motDePasse", label: "Mot de passe", kind: .password,
                                error: model.errors["motDePasse"], required: true, autocomplete: "current-password"),
                    Forms.submit("Me connecter")
                ),
                .h2("Première visite ?"),
                .p(.text("Avec la carte d'accès remise par l'animatrice ou l'animateur du conseil, "),
                   .a(.href("/activation"), .text("activez votre compte")), .text(".")),
                .h2("Mot de passe oublié ?"),
                .p(.text("Ce n'est pas grave. Demandez une nouvelle carte d'accès à l'animatrice ou l'animateur "),
                   .text("du conseil : vous gardez votre pseudonyme et tout ce que vous avez fait."))
            )
        )
    }

    static func message(_ model: Model) -> Node<HTML.BodyContext> {
        if model.busy { return HashingGate.busyNotice }
        if let until = model.blockedUntil {
            return .div(
                .class("resume-erreurs"), .attribute(named: "role", value: "alert"),
                .h2("Trop d'essais d'un coup"),
                .p(.plain("Pour protéger les comptes, la connexion est en pause. Vous pourrez réessayer à "
                    + "\(FrenchDates.time(until)) (\(FrenchDates.wait(until: until))).")),
                .p(.text("Si vous avez oublié votre mot de passe, demandez une nouvelle carte d'accès."))
            )
        }
        if let replacedAt = model.replacedAt {
            return .div(
                .class("resume-erreurs"), .attribute(named: "role", value: "alert"),
                .h2("La carte de ce compte a été remplacée"),
                .p(.plain("Une nouvelle carte d'accès a été faite pour ce compte le \(FrenchDates.dayAndTime(replacedAt)), "
                    + "confirmée par \(model.replacedBy ?? "l'équipe du conseil"). L'ancien mot de passe ne marche plus : "
                    + "activez la nouvelle carte pour en choisir un.")),
                .p(.text("Si vous n'avez pas demandé de nouvelle carte, parlez-en tout de suite à la personne qui anime le conseil "),
                   .text("ou à un administrateur du site : chaque carte de remplacement est écrite dans le journal des actions."))
            )
        }
        if model.suspended {
            return .div(
                .class("resume-erreurs"), .attribute(named: "role", value: "alert"),
                .h2("Votre compte est suspendu"),
                .p(.text("Vous ne pouvez pas vous connecter pour le moment. "),
                   .text("Pour en savoir plus, parlez-en à l'animatrice ou l'animateur du conseil."))
            )
        }
        return .empty
    }
}
