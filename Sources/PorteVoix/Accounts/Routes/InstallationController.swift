import Fluent
import Plot
import Vapor

struct InstallationController {
    struct Form: Content {
        var jeton: String?
        var pseudonyme: String?
        var motDePasse: String?
        var confirmation: String?
    }

    func checkToken(_ token: String?, request: Request) async throws {
        guard try await InstallationLinks.matches(token, on: request.db, now: request.now),
              try await !Administrators.exist(on: request.db)
        else {
            throw PageError(
                .notFound, title: "Ce lien d'installation n'est plus valable",
                message: "Il a déjà servi, ou il a plus de 24 heures. Si aucun administrateur n'existe, "
                    + "redémarrez le site : un nouveau lien s'affiche au démarrage. Sur le serveur, la commande "
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
        let hash = try await SecretHasher.hash(form.motDePasse ?? "", application: request.application)
        let token = form.jeton ?? ""
        // The link is used up in the same transaction that creates the account.
        let admin: Member?
        do {
            admin = try await createFirstAdministrator(pseudonym: pseudonym, passwordHash: hash, token: token, request: request)
        } catch {
            // Another link won at the same instant (SQLite answers "busy" to
            // the loser): that person sees the link is no longer valid.
            guard try await Administrators.exist(on: request.db) else { throw error }
            admin = nil
        }
        guard let admin else {
            try await checkToken(nil, request: request)
            return request.redirect(to: .home)
        }
        try await admin.$roleRows.load(on: request.db)
        try await request.signIn(admin)
        try await request.audit(.installation, about: .member(try admin.requireID()))
        try await request.setFlash("Votre compte administrateur est créé. Commencez par créer des cartes d'accès.")
        return request.redirect(to: .admin(.dashboard))
    }

    /// Uses the link up and creates the administrator, in one transaction.
    private func createFirstAdministrator(pseudonym: Pseudonym, passwordHash hash: String, token: String,
                                          request: Request) async throws -> Member? {
        try await request.db.transaction { database in
            // Two links of two instances used at the same moment: one at a time.
            if database.sql.dialect.name != "sqlite" {
                try await database.sql.raw("SELECT pg_advisory_xact_lock(\(bind: InstallationLinks.lockKey))").run()
            }
            // The link is consumed first: on SQLite that write takes the lock
            // before anything is read, so the loser waits and then reads the
            // winner's commit instead of failing to upgrade a stale snapshot.
            guard try await InstallationLinks.consume(token, on: database, now: request.now),
                  try await !Administrators.exist(on: database) else { return nil }
            return try await Administrators.create(pseudonym: pseudonym, passwordHash: hash, now: request.now, on: database)
        }
    }
}
