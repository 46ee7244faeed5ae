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
        let link = base.trimmingCharacters(in: CharacterSet(charactersIn: "/")) + SiteURL.installation.path(query: [("jeton", token)])
        // Printed on the terminal, not written to the logs: it is a secret.
        print("""

            Aucun compte administrateur n'existe encore.
            Pour créer le premier, ouvrez ce lien (il ne sert qu'une fois) :
              \(link)
            Ou tapez : swift run portevoix create-admin

            """)
    }
}
