import Fluent
import Vapor

/// The first administrator. On a database without one, `portevoix` prints a
/// one-time link (`/installation?jeton=…`). Only the token's hash is kept, in
/// the database, so that the link works on whichever instance the load
/// balancer picks; it dies with its first use, when any administrator
/// exists, or after a day.
enum InstallationLinks {
    static let lifetime: TimeInterval = 24 * 3600
    /// PostgreSQL advisory lock taken while a link creates the first administrator.
    static let lockKey: Int64 = 0x506F_7274_6541_646D

    /// A new link's token, valid on every instance for a day.
    static func make(on database: any Database, now: Date) async throws -> String {
        let token = SecureToken.make()
        let sql = database.sql
        try await sql.raw("DELETE FROM installation_links WHERE expires_at <= \(bind: now)").run()
        try await sql.raw("""
            INSERT INTO installation_links (token_hash, expires_at) VALUES (\(bind: SecureToken.hash(token)), \(bind: now.addingTimeInterval(lifetime)))
            """).run()
        return token
    }

    static func matches(_ token: String?, on database: any Database, now: Date) async throws -> Bool {
        guard let token, !token.isEmpty else { return false }
        return try await database.sql.raw("""
            SELECT token_hash FROM installation_links WHERE token_hash = \(bind: SecureToken.hash(token)) AND expires_at > \(bind: now)
            """).first() != nil
    }

    /// Uses up every link at once if `token` is one of them; true for the one
    /// caller that did. One statement: of two people using two instances'
    /// links at the same moment, the second finds nothing left to delete.
    static func consume(_ token: String, on database: any Database, now: Date) async throws -> Bool {
        try await !database.sql.raw("""
            DELETE FROM installation_links WHERE EXISTS (
                SELECT 1 FROM installation_links AS link WHERE link.token_hash = \(bind: SecureToken.hash(token)) AND link.expires_at > \(bind: now)
            ) RETURNING token_hash
            """).all().isEmpty
    }
}

struct CreateInstallationLinks: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("installation_links")
            .field("token_hash", .string, .identifier(auto: false))
            .field("expires_at", .datetime, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("installation_links").delete()
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
            try await create(pseudonym: pseudonym, passwordHash: hash, now: application.clock.now(), on: database)
        }
    }

    /// The same inside the caller's transaction; every installation link dies with it.
    static func create(pseudonym: Pseudonym, passwordHash: String, now: Date, on database: any Database) async throws -> Member {
        let member = Member(pseudonym: pseudonym, passwordHash: passwordHash, status: .active, territoryID: nil, at: now)
        member.acceptCharter(at: now)
        try await member.create(on: database)
        try await MemberRole(memberID: member.requireID(), role: .admin).create(on: database)
        try await database.sql.raw("DELETE FROM installation_links").run()
        return member
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
        guard app.environment != .testing else { return }
        // Output that is not a terminal usually ends up in a log (journald,
        // docker logs), readable by more people than the operator: no link there.
        guard isatty(STDOUT_FILENO) != 0 else {
            print("""

                Aucun compte administrateur n'existe encore. Pour créer le premier, tapez sur le serveur :
                  portevoix create-admin
                (Le lien d'installation ne s'affiche que dans un terminal, pour ne pas finir dans un journal.)

                """)
            return
        }
        let token = try await InstallationLinks.make(on: app.db, now: app.clock.now())
        let base = app.settings.publicURL?.absoluteString ?? localAddress(app)
        let link = base.trimmingCharacters(in: CharacterSet(charactersIn: "/")) + SiteURL.installation.path(query: [("jeton", token)])
        // Printed on the terminal, not written to the logs: it is a secret.
        print("""

            Aucun compte administrateur n'existe encore.
            Pour créer le premier, ouvrez ce lien (il ne sert qu'une fois, pendant 24 heures) :
              \(link)
            Ou tapez : swift run portevoix create-admin

            """)
    }
}
