import Fluent
import NIOConcurrencyHelpers
import Plot
import Vapor

/// The first administrator. On a database without one, `portevoix` prints a
/// one-time link (`/installation?jeton=…`); the token lives in memory only
/// and dies with its first use or the process.
final class InstallationToken: Sendable {
    private let hash = NIOLockedValueBox<String?>(nil)

    /// A new token; only its hash is kept.
    func make() -> String {
        let token = SecureToken.make()
        hash.withLockedValue { $0 = SecureToken.hash(token) }
        return token
    }

    func matches(_ token: String?) -> Bool {
        guard let token, let expected = hash.withLockedValue({ $0 }) else { return false }
        return SecureToken.constantTimeEquals(SecureToken.hash(token), expected)
    }

    /// Uses the token up; true for the one caller that did.
    func consume(_ token: String) -> Bool {
        hash.withLockedValue { current in
            guard let expected = current, SecureToken.constantTimeEquals(SecureToken.hash(token), expected) else {
                return false
            }
            current = nil
            return true
        }
    }

    var isActive: Bool { hash.withLockedValue { $0 != nil } }
}

extension Application {
    private struct InstallationTokenKey: StorageKey { typealias Value = InstallationToken }

    var installationToken: InstallationToken {
        if let token = storage[InstallationTokenKey.self] { return token }
        let token = InstallationToken()
        storage[InstallationTokenKey.self] = token
        return token
    }
}

enum Administrators {
    static func exist(on database: any Database) async throws -> Bool {
        try await MemberRole.query(on: database)
            .filter(\.$role == .admin)
            .join(Member.self, on: \MemberRole.$member.$id == \Member.$id)
            .filter(Member.self, \.$status != .deleted)
            .count() > 0
    }

    /// Creates an active administrator who has accepted the charter.
    static func create(pseudonym: Pseudonym, password: String, application: Application, on database: any Database)
        async throws -> Member {
        let hash = try await SecretHasher.hash(password, application: application)
        return try await database.transaction { database in
            let member = Member(pseudonym: pseudonym, passwordHash: hash, status: .active, territoryID: nil)
            member.charterAcceptedAt = Date()
            try await member.create(on: database)
            try await MemberRole(memberID: member.requireID(), role: .admin).create(on: database)
            return member
        }
    }

    /// The address `serve` will listen on, reading its flags as it will.
    static func localAddress(_ app: Application) -> String {
        var hostname = app.http.server.configuration.hostname
        var port = app.http.server.configuration.port
        let arguments = app.environment.arguments
        for (index, argument) in arguments.enumerated() where index + 1 < arguments.count {
            if argument == "--hostname" || argument == "-H" { hostname = arguments[index + 1] }
            if argument == "--port" || argument == "-p", let value = Int(arguments[index + 1]) { port = value }
        }
        return "http://\(hostname):\(port)"
    }

    /// At start-up: if nobody can administer the site, print the way in.
    static func announceInstallationLink(_ app: Application) async throws {
        guard try await !exist(on: app.db) else { return }
        let token = app.installationToken.make()
        guard app.environment != .testing else { return }
        let base = app.settings.publicURL?.absoluteString ?? localAddress(app)
        let link = base.trimmingCharacters(in: CharacterSet(charactersIn: "/")) + "/installation?jeton=" + token
        // Printed on the terminal, not written to the logs: it is a secret.
        print("""

            Aucun compte administrateur n'existe encore.
            Pour créer le premier, ouvrez ce lien (il ne sert qu'une fois) :
              \(link)
            Ou tapez : swift run portevoix create-admin

            """)
    }
}

struct InstallationController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("installation", use: show)
        routes.post("installation", use: install)
    }

    struct Form: Content {
        var jeton: String?
        var pseudonyme: String?
        var motDePasse: String?
        var confirmation: String?
    }

    func checkToken(_ token: String?, request: Request) async throws {
        guard request.application.installationToken.matches(token),
              try await !Administrators.exist(on: request.db)
        else {
            throw PageError(
                .notFound, title: "Ce lien d'installation n'est plus valable",
                message: "Il a déjà servi, ou le site a redémarré depuis. Si aucun administrateur n'existe, "
                    + "le nouveau lien est affiché au démarrage. Sur le serveur, la commande "
                    + "« swift run portevoix create-admin » crée aussi un administrateur."
            )
        }
    }

    func show(request: Request) async throws -> Response {
        let token: String? = request.query["jeton"]
        try await checkToken(token, request: request)
        let model = InstallationPage.Model(csrf: try await request.csrfToken(), token: token ?? "", pseudonym: "")
        return InstallationPage.view(model, context: request.pageContext).response(status: .ok)
    }

    func install(request: Request) async throws -> Response {
        let form = (try? request.content.decode(Form.self)) ?? Form()
        try await checkToken(form.jeton, request: request)
        var model = InstallationPage.Model(
            csrf: try await request.csrfToken(), token: form.jeton ?? "", pseudonym: form.pseudonyme ?? ""
        )
        var pseudonym: Pseudonym?
        do throws(Pseudonym.Problem) {
            pseudonym = try Pseudonym(form.pseudonyme ?? "")
        } catch {
            model.errors.add("pseudonyme", error.message)
        }
        PasswordRules.check(form.motDePasse ?? "", confirmation: form.confirmation ?? "", into: &model.errors)
        guard let pseudonym, model.errors.isEmpty else {
            return InstallationPage.view(model, context: request.pageContext).response(status: .unprocessableEntity)
        }
        guard request.application.installationToken.consume(form.jeton ?? "") else {
            try await checkToken(nil, request: request)
            return request.redirect(to: "/")
        }
        let admin = try await Administrators.create(
            pseudonym: pseudonym, password: form.motDePasse ?? "", application: request.application, on: request.db
        )
        try await admin.$roleRows.load(on: request.db)
        try await request.signIn(admin)
        try await request.audit("installation", "Premier compte administrateur « \(pseudonym.display) » créé par le lien d'installation.")
        try await request.setFlash("Votre compte administrateur est créé. Commencez par créer des cartes d'accès.")
        return request.redirect(to: "/admin")
    }
}

enum InstallationPage {
    struct Model {
        var csrf: String
        var token: String
        var pseudonym: String
        var errors = FormErrors()
    }

    static func view(_ model: Model, context: PageContext) -> HTML {
        Layout.page(
            context,
            title: model.errors.isEmpty ? "Installation" : "Erreur — Installation",
            content: .group(
                .h1("Créer le premier compte administrateur"),
                .p(.text("Ce compte gère le site : les rôles, les territoires, les thèmes et les cartes d'accès. "),
                   .text("Choisissez un pseudonyme qui ne dit pas votre nom si vous le souhaitez.")),
                Forms.errorSummary(model.errors),
                Forms.post(
                    action: "/installation", csrf: model.csrf, class: "formulaire",
                    Forms.input([("type", "hidden"), ("name", "jeton"), ("value", model.token)]),
                    Forms.field("pseudonyme", label: "Pseudonyme", value: model.pseudonym,
                                error: model.errors["pseudonyme"], required: true, autocomplete: "username",
                                maxLength: Pseudonym.maximumLength),
                    Forms.field("motDePasse", label: "Mot de passe", kind: .password, help: PasswordRules.help,
                                error: model.errors["motDePasse"], required: true, autocomplete: "new-password"),
                    Forms.field("confirmation", label: "Le même mot de passe, une deuxième fois", kind: .password,
                                error: model.errors["confirmation"], required: true, autocomplete: "new-password"),
                    Forms.submit("Créer le compte administrateur")
                )
            )
        )
    }
}
