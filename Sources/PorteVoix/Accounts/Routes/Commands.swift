import Fluent
import Foundation
import Vapor

/// `portevoix create-admin`: an administrator from the server's terminal,
/// for the first installation or when every administrator has lost access.
struct CreateAdminCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "pseudonyme", help: "Le pseudonyme du compte (demandé s'il manque).")
        var pseudonym: String?

        init() {}
    }

    var help: String {
        "Crée un compte administrateur. Le mot de passe est demandé sans s'afficher, ou lu sur l'entrée standard."
    }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let interactive = isatty(STDIN_FILENO) != 0
        func read(_ prompt: String, secret: Bool) -> String {
            if interactive {
                context.console.output(prompt, style: .plain, newLine: false)
                return context.console.input(isSecure: secret)
            }
            return readLine(strippingNewline: true) ?? ""
        }

        let typed = signature.pseudonym ?? read("Pseudonyme : ", secret: false)
        let pseudonym: Pseudonym
        do throws(Pseudonym.Problem) {
            pseudonym = try Pseudonym(typed)
        } catch {
            context.console.error(error.message)
            throw CommandFailure()
        }
        if try await Member.isTaken(pseudonym, on: app.db) {
            context.console.error("Le pseudonyme « \(pseudonym.display) » est déjà pris.")
            throw CommandFailure()
        }
        let password = read("Mot de passe : ", secret: true)
        let confirmation = interactive ? read("Le même mot de passe, une deuxième fois : ", secret: true) : password
        var errors = FormErrors()
        PasswordRules.check(password, confirmation: confirmation, into: &errors)
        if let problem = errors.items.first {
            context.console.error(problem.message)
            throw CommandFailure()
        }
        let admin = try await Administrators.create(pseudonym: pseudonym, password: password, application: app, on: app.db)
        try await AuditLog.append(actorID: nil, action: .adminCreate, subject: .member(try admin.requireID()), at: app.clock.now(), on: app.db)
        context.console.success("Le compte administrateur « \(pseudonym.display) » est créé. Connectez-vous sur /connexion.")
    }
}

/// A command that failed after saying why in French.
public struct CommandFailure: Error, CustomStringConvertible {
    public var description: String { "La commande n'a pas abouti." }
}

/// `portevoix carte-de-remplacement --pseudonyme X`: a replacement card from
/// the server's terminal. For an account with a role on a site with a single
/// administrator, who cannot get a second administrator's confirmation on the
/// web: whoever runs the server already holds this power. Journaled like the
/// web's cards; the code is printed here once, and stored only hashed.
struct ReplacementCardCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "pseudonyme", help: "Le pseudonyme du compte qui a perdu son mot de passe.")
        var pseudonym: String?

        init() {}
    }

    var help: String {
        "Imprime dans le terminal une carte de remplacement pour un compte (son ancien mot de passe et ses sessions s'arrêtent)."
    }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let typed = signature.pseudonym ?? {
            context.console.output("Pseudonyme du compte : ", style: .plain, newLine: false)
            return context.console.input()
        }()
        guard let member = try await Member.query(on: app.db).filter(\.$pseudonymKey == Pseudonym.key(for: typed))
            .filter(\.$status != .deleted).with(\.$territory).with(\.$roleRows).first()
        else {
            context.console.error("Aucun compte n'a le pseudonyme « \(typed) ».")
            throw CommandFailure()
        }
        guard let address = try await PublicAddress.current(app, on: app.db) else {
            context.console.error("L'adresse publique du site n'est pas encore réglée : indiquez-la d'abord "
                + "(PORTEVOIX_PUBLIC_URL, ou Administration › Cartes d'accès).")
            throw CommandFailure()
        }
        let prepared = try await CardIssuing.prepareCodes(count: 1, application: app, on: app.db)
        let issued = try await app.db.transaction { database in
            let issued = try await CardIssuing.replace(for: member, with: prepared[0], createdBy: nil, now: app.clock.now(), on: database)
            try await AuditLog.append(actorID: nil, action: .cardsReplacementCLI, subject: .member(try member.requireID()),
                                      at: app.clock.now(), on: database)
            return issued
        }
        guard let card = issued.first else { throw CommandFailure() }
        context.console.success("Carte de remplacement pour « \(member.publicName) ». Son ancien mot de passe ne marche plus.")
        context.console.output("Adresse : \(address)/activation", style: .plain)
        context.console.output("Code : \(card.code)", style: .plain)
        context.console.output("Valable jusqu'au \(FrenchDates.day(card.expiresAt)). Remettez ce code en main propre ; "
            + "il ne sera plus jamais affiché.", style: .plain)
    }
}
