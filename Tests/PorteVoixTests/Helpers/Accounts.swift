import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
@testable import PorteVoix

let defaultTestPassword = "une phrase assez longue"

/// Long enough ago for an account to hold a key of a sealed box.
let aMonthAgo = Date().addingTimeInterval(-30 * 86_400)

/// A member straight in the database, as if they had activated a card.
@discardableResult
func makeMember(
    _ app: Application, _ name: String, password: String = defaultTestPassword, roles: [Role] = [.participant],
    status: MemberStatus = .active, territory: Territory? = nil, activatedAt: Date? = nil
) async throws -> Member {
    let member = Member(
        pseudonym: try Pseudonym(name),
        passwordHash: try await SecretHasher.hash(password, application: app),
        status: status, territoryID: territory?.id, at: app.clock.now()
    )
    if status != .pending { member.acceptCharter(at: activatedAt ?? app.clock.now()) }
    try await member.create(on: app.db)
    for role in roles {
        try await MemberRole(memberID: member.requireID(), role: role).create(on: app.db)
    }
    return member
}

extension Browser {
    /// Signs in through the real form.
    @discardableResult
    mutating func signIn(_ pseudonym: String, password: String = defaultTestPassword) async throws -> TestingHTTPResponse {
        let token = try #require(try await get("/connexion").csrfToken)
        return try await post("/connexion", form: ["_csrf": token, "pseudonyme": pseudonym, "motDePasse": password])
    }

    /// Gets `path`, then posts `form` with the page's token to `action`.
    @discardableResult
    mutating func submit(_ form: [String: String], on path: String, to action: String? = nil) async throws -> TestingHTTPResponse {
        let token = try #require(try await get(path).csrfToken, "no form on \(path)")
        var fields = form
        fields["_csrf"] = token
        return try await post(action ?? path, form: fields)
    }
}

extension TestingHTTPResponse {
    var location: String? { headers.first(name: .location) }

    /// The codes of a page of printed access cards.
    var printedCodes: [String] {
        let pattern = #"<p class="carte-code">([A-Z0-9 ]+)</p>"#
        let regex = try! NSRegularExpression(pattern: pattern)
        let range = NSRange(text.startIndex..., in: text)
        return regex.matches(in: text, range: range).compactMap { match in
            Range(match.range(at: 1), in: text).map { String(text[$0]) }
        }
    }
}
