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
        try await AuditLog.append(actorID: nil, action: "admin.create", subject: .member(try admin.requireID()), on: app.db)
        context.console.success("Le compte administrateur « \(pseudonym.display) » est créé. Connectez-vous sur /connexion.")
    }
}

/// A command that failed after saying why in French.
public struct CommandFailure: Error, CustomStringConvertible {
    public var description: String { "La commande n'a pas abouti." }
}
