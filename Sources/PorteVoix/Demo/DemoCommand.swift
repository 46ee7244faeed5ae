import Fluent
import Vapor

/// `portevoix demo`: fills an empty database with realistic content for
/// every feature, so that a new team member or a council meeting can see
/// the platform at work. Refuses a database that already has members.
struct DemoCommand: AsyncCommand {
    struct Signature: CommandSignature { init() {} }

    var help: String { "Remplit une base vide avec des données de démonstration." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        if try await Member.query(on: app.db).count() > 0 {
            context.console.error("La base contient déjà des membres : la démonstration ne remplit qu'une base vide.")
            throw CommandFailure()
        }
        let accounts = try await DemoData.fill(app)
        context.console.success("Données de démonstration créées.")
        context.console.print("Comptes (les mots de passe ne s'affichent qu'une fois) :")
        for account in accounts {
            context.console.print("  \(account.pseudonym.padding(toLength: 18, withPad: " ", startingAt: 0)) "
                + "\(account.password)   \(account.roles)")
        }
    }
}

enum DemoData {
    struct Account {
        let pseudonym: String
        let password: String
        let roles: String
    }

    /// The demo members: (pseudonym, roles, territory index or nil).
    static let members: [(String, [Role], Int?)] = [
        ("Admin Démo", [.admin], nil),
        ("Nadia animatrice", [.facilitator, .participant], 0),
        ("Julien anime", [.facilitator], 1),
        ("Sam modère", [.moderator], nil),
        ("Agent Département", [.staff], nil),
        ("Camille", [.participant], 0),
        ("Yanis59", [.participant], 0),
        ("Sandrine R.", [.participant], 1),
        ("Mamadou", [.participant], 2),
        ("Lucie des Prés", [.participant], 3),
        ("Gérard", [.participant], 4),
        ("Fatou", [.participant, .moderator], 2),
    ]

    static func fill(_ app: Application) async throws -> [Account] {
        let database = app.db
        let territories = try await Territory.query(on: database).sort(\.$position).all()
        var accounts: [Account] = []
        var createdMembers: [Member] = []
        for (name, roles, territoryIndex) in members {
            let password = demoPassword()
            let pseudonym = try Pseudonym(name)
            let member = Member(
                pseudonym: pseudonym,
                passwordHash: try await SecretHasher.hash(password, application: app),
                status: .active,
                territoryID: territoryIndex.flatMap { territories.indices.contains($0) ? territories[$0].id : nil },
                at: Date()
            )
            member.createdAt = Date().addingTimeInterval(-Double.random(in: 30...300) * 86_400)
            member.acceptCharter(at: member.createdAt)
            try await member.create(on: database)
            for role in roles {
                try await MemberRole(memberID: member.requireID(), role: role).create(on: database)
            }
            createdMembers.append(member)
            accounts.append(Account(pseudonym: pseudonym.display, password: password,
                                    roles: roles.map(\.label).joined(separator: ", ")))
        }
        // One suspended member, so the administration pages show the case.
        let suspended = Member(
            pseudonym: try Pseudonym("Compte suspendu"),
            passwordHash: try await SecretHasher.hash(demoPassword(), application: app),
            status: .suspended, territoryID: territories.first?.id, at: Date()
        )
        suspended.acceptCharter(at: Date())
        try await suspended.create(on: database)
        try await MemberRole(memberID: suspended.requireID(), role: .participant).create(on: database)

        let admin = createdMembers[0]
        try await AuditLog.append(actorID: nil, action: .demo, at: app.clock.now(), on: database)
        try await AuditLog.append(actorID: admin.id, action: .memberSuspend, subject: .member(try suspended.requireID()),
                                  at: app.clock.now(), on: database)
        for member in createdMembers {
            try await member.$roleRows.load(on: database)
        }
        try await DemoProposals.fill(app, members: createdMembers)
        try await DemoMeetings.fill(app, members: createdMembers)
        let voters = try await DemoPolls.fill(app, members: createdMembers)
        try await DemoNamingDebate.fill(app, voters: voters)
        // Unused cards, so the cards page has a history.
        for index in 0..<3 {
            let code = ActivationCode.make()
            try await AccessCard(
                lookup: ActivationCode.lookup(of: code),
                codeHash: try await SecretHasher.hash(code, application: app),
                territoryID: territories[index % territories.count].id, memberID: nil,
                createdByID: createdMembers[1].id, now: Date().addingTimeInterval(-Double(index) * 86_400)
            ).create(on: database)
        }
        return accounts
    }

    /// Four short French words: easy to type during a demonstration.
    static func demoPassword() -> String {
        let words = ["soleil", "riviere", "jardin", "velo", "pomme", "bateau", "montagne", "cahier",
                     "lumiere", "orange", "tisane", "musique", "nuage", "chemin", "etoile", "fenetre"]
        var generator = SystemRandomNumberGenerator()
        return (0..<4).map { _ in words.randomElement(using: &generator)! }.joined(separator: "-")
    }
}
