import Fluent
import Foundation
import HTTPTypes
import OpenAPIRuntime
import Testing
import Vapor
import VaporTesting
@testable import PorteVoix

/// The read API, played by the people it serves and the ones it must keep
/// out: staff with a token, a member with a session, a token whose holder
/// lost the staff role, someone holding a copy of the database.
@Suite("Read API and personal tokens")
struct ReadAPITests {
    /// Signs `name` in and creates a token through `/mon-compte/jetons`; returns the token shown.
    static func createToken(_ app: Application, as name: String, label: String = "Tableau de bord",
                            days: String = "90") async throws -> (token: String, page: String, browser: Browser) {
        var browser = Browser(app)
        try await browser.signIn(name)
        let form = try await browser.get("/mon-compte/jetons")
        let csrf = try #require(form.csrfToken)
        let response = try await browser.post("/mon-compte/jetons", form: ["_csrf": csrf, "nom": label, "jours": days])
        #expect(response.status == .ok)
        #expect(response.headers.first(name: .cacheControl)?.contains("no-store") == true)
        let text = response.text
        let start = try #require(text.range(of: "value=\"pv_"))
        let token = String(text[text.index(start.lowerBound, offsetBy: 7)...].prefix { $0 != "\"" })
        return (token, text, browser)
    }

    static func call(_ app: Application, _ path: String, token: String?) async throws -> TestingHTTPResponse {
        var headers = HTTPHeaders()
        if let token { headers.replaceOrAdd(name: .authorization, value: "Bearer \(token)") }
        return try await app.testing().performTest(request: TestingHTTPRequest(method: .GET, url: URI(string: path), headers: headers, body: ByteBuffer()))
    }

    static func json(_ response: TestingHTTPResponse) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any])
    }

    @Test func aTokenIsShownOnceKeptOnlyAsAHashAndReadsWhatThePublicReads() async throws {
        try await withTestApp { app in
            _ = try await makeMember(app, "Agent", roles: [.staff])
            let (shown, _) = try await ExportsTests.fill(app)
            let (token, _, browserAfter) = try await Self.createToken(app, as: "Agent")
            #expect(token.hasPrefix("pv_") && token.count > 40)

            // Shown once: not on the list page afterwards, not in the database, not in its files.
            var browser = browserAfter
            #expect(!(try await browser.get("/mon-compte/jetons").text.contains(token)))
            #expect(try await browser.get("/mon-compte/jetons").text.contains("Tableau de bord"))
            #expect(!(try await everyStoredText(app).contains(token)))
            for (file, bytes) in try await databaseFileBytes(app) {
                #expect(bytes.range(of: Data(token.utf8)) == nil, "the token in clear in \(file)")
            }
            let myData = try await browser.get("/mon-compte/donnees").text
            #expect(myData.contains("Tableau de bord") && !myData.contains(token), "my data lists the token by its name only")
            let entries = try await auditSentences(app, action: "api_token.create")
            #expect(entries.count == 1 && !entries[0].contains(token))

            let page = try await Self.call(app, "/api/v1/propositions", token: token)
            #expect(page.status == .ok)
            #expect(page.headers.contentType?.description.hasPrefix("application/json") == true)
            let items = try #require(try Self.json(page)["elements"] as? [[String: Any]])
            #expect(Set(items.compactMap { $0["id"] as? String }) == Set(shown.map { $0.id!.uuidString }))
            #expect(!page.text.contains("Camille Secrète") && !page.text.contains("En attente") && !page.text.contains("Masquée"))
            let sunday = try #require(items.first { $0["titre"] as? String == "Des bus le dimanche" })
            #expect(sunday["texte"] as? String == ExportsTests.tricky)

            // One by one, the cursor walks the same three and ends.
            var seen: [String] = []
            var cursor: String?
            repeat {
                let response = try await Self.call(app, "/api/v1/propositions?limite=1" + (cursor.map { "&apres=\($0)" } ?? ""), token: token)
                let body = try Self.json(response)
                seen += (body["elements"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
                cursor = body["suivant"] as? String
            } while cursor != nil && seen.count < 10
            #expect(seen.count == 3 && Set(seen) == Set(shown.map { $0.id!.uuidString }))

            let one = try await Self.call(app, "/api/v1/propositions/\(shown[0].id!.uuidString)", token: token)
            #expect(one.status == .ok)
            #expect(try Self.json(one)["titre"] as? String == "Des bus le dimanche")
            let waiting = try await Proposal.query(on: app.db).filter(\.$status == .submitted).first()!
            let hidden = try await Self.call(app, "/api/v1/propositions/\(waiting.id!.uuidString)", token: token)
            #expect(hidden.status == .notFound)
            #expect(hidden.headers.first(name: .contentType)?.hasPrefix("application/problem+json") == true)
        }
    }

    @Test func aTokenDiesWithTheStaffRoleSuspensionANewPasswordRevocationAndItsEnd() async throws {
        try await withTestApp { app in
            let agent = try await makeMember(app, "Agent", roles: [.staff])
            let (token, _, _) = try await Self.createToken(app, as: "Agent")
            #expect(try await Self.call(app, "/api/v1/seances", token: token).status == .ok)

            // The administrator removes the staff role: the same token no longer opens anything, even once the role is back.
            _ = try await makeMember(app, "Admin", roles: [.admin])
            var admin = Browser(app)
            try await admin.signIn("Admin")
            let path = "/admin/membres/\(agent.id!.uuidString)"
            #expect(try await admin.submit(["roles[]": "participant"], on: path, to: path + "/roles").status == .seeOther)
            let refused = try await Self.call(app, "/api/v1/seances", token: token)
            #expect(refused.status == .unauthorized)
            #expect(refused.headers.first(name: .contentType)?.hasPrefix("application/problem+json") == true)
            #expect(refused.headers.first(name: .wwwAuthenticate)?.hasPrefix("Bearer") == true)
            #expect(try Self.json(refused)["status"] as? Int == 401)
            #expect(try await admin.submit(["roles[]": "staff"], on: path, to: path + "/roles").status == .seeOther)
            #expect(try await Self.call(app, "/api/v1/seances", token: token).status == .unauthorized, "a token never comes back")

            // Suspension ends every token too, and reactivation does not bring them back.
            let (fresh, _, _) = try await Self.createToken(app, as: "Agent", label: "Après le retour du rôle")
            #expect(try await Self.call(app, "/api/v1/seances", token: fresh).status == .ok)
            #expect(try await admin.submit(["action": "suspendre"], on: path, to: path + "/statut").status == .seeOther)
            #expect(try await admin.submit(["action": "reactiver"], on: path, to: path + "/statut").status == .seeOther)
            #expect(try await Self.call(app, "/api/v1/seances", token: fresh).status == .unauthorized)

            // A new password ends them as well: the remedy for a stolen session.
            let (beforePassword, _, passwordBrowser) = try await Self.createToken(app, as: "Agent", label: "Avant le mot de passe")
            var owner = passwordBrowser
            let changed = try await owner.submit(["motDePasseActuel": defaultTestPassword, "motDePasse": "une toute nouvelle phrase secrète",
                                                  "confirmation": "une toute nouvelle phrase secrète"],
                                                 on: "/mon-compte", to: "/mon-compte/mot-de-passe")
            #expect(changed.status == .seeOther)
            #expect(try await Self.call(app, "/api/v1/seances", token: beforePassword).status == .unauthorized)
            try await APIToken.query(on: app.db).delete()
            let member = try #require(try await Member.find(agent.id, on: app.db))
            member.passwordHash = try await SecretHasher.hash(defaultTestPassword, application: app)
            try await member.save(on: app.db)
            let (token2, _, browserAfter) = try await Self.createToken(app, as: "Agent")
            #expect(try await Self.call(app, "/api/v1/seances", token: token2).status == .ok)

            // Revoked from "Mon compte".
            var browser = browserAfter
            let record = try #require(try await APIToken.query(on: app.db).first())
            let csrf = try #require(try await browser.get("/mon-compte/jetons").csrfToken)
            let revoked = try await browser.post("/mon-compte/jetons/\(record.id!.uuidString)/revocation", form: ["_csrf": csrf])
            #expect(revoked.status == .seeOther)
            #expect(try await Self.call(app, "/api/v1/seances", token: token2).status == .unauthorized)
            #expect(try await browser.get("/mon-compte/jetons").text.contains("révoqué le"))

            // Expired: 90 days by default, and then nothing.
            let (second, _, _) = try await Self.createToken(app, as: "Agent", label: "Deuxième")
            let stored = try #require(try await APIToken.query(on: app.db).filter(\.$label == "Deuxième").first())
            #expect(abs(stored.expiresAt.timeIntervalSince(stored.createdAt) - 90 * 86_400) < 1)
            stored.expiresAt = Date().addingTimeInterval(-1)
            try await stored.save(on: app.db)
            let expired = try await Self.call(app, "/api/v1/seances", token: second)
            #expect(expired.status == .unauthorized && expired.text.contains("expiré"))

            // Nobody else's token can be revoked through the form.
            let other = try await makeMember(app, "Autre agent", roles: [.staff])
            let (third, _, _) = try await Self.createToken(app, as: "Autre agent", label: "Le sien")
            let theirs = try #require(try await APIToken.query(on: app.db).filter(\.$member.$id == other.requireID()).first())
            let csrf2 = try #require(try await browser.get("/mon-compte/jetons").csrfToken)
            #expect(try await browser.post("/mon-compte/jetons/\(theirs.id!.uuidString)/revocation", form: ["_csrf": csrf2]).status == .notFound)
            #expect(try await Self.call(app, "/api/v1/seances", token: third).status == .ok)
        }
    }

    @Test func membersCannotHoldATokenNorReadTheAPIWithTheirSession() async throws {
        try await withTestApp { app in
            _ = try await makeMember(app, "Camille")
            var member = Browser(app)
            try await member.signIn("Camille")
            #expect(try await member.get("/mon-compte/jetons").status == .forbidden)
            #expect(!(try await member.get("/mon-compte").text.contains("Gérer mes jetons")))
            let csrf = try #require(try await member.get("/mon-compte").csrfToken)
            #expect(try await member.post("/mon-compte/jetons", form: ["_csrf": csrf, "nom": "x", "jours": "90"]).status == .forbidden)
            #expect(try await APIToken.query(on: app.db).count() == 0)
            // A session is not a token.
            #expect(try await member.get("/api/v1/propositions").status == .unauthorized)
            #expect(try await Self.call(app, "/api/v1/propositions", token: "pv_invente").status == .unauthorized)
            #expect(try await Self.call(app, "/api/v1/propositions", token: nil).status == .unauthorized)
        }
    }

    @Test func mistakesAreExplainedAsProblemsAndTheFormKeepsWhatWasTyped() async throws {
        try await withTestApp { app in
            _ = try await makeMember(app, "Agent", roles: [.staff])
            var browser = Browser(app)
            try await browser.signIn("Agent")
            let csrf = try #require(try await browser.get("/mon-compte/jetons").csrfToken)
            let wrong = try await browser.post("/mon-compte/jetons", form: ["_csrf": csrf, "nom": "Mon tableau", "jours": "900"])
            #expect(wrong.status == .unprocessableEntity)
            #expect(wrong.text.contains("entre 1 et 365") && wrong.text.contains("value=\"Mon tableau\""))
            #expect(try await APIToken.query(on: app.db).count() == 0)

            let (token, _, _) = try await Self.createToken(app, as: "Agent")
            for path in ["/api/v1/propositions?limite=0", "/api/v1/propositions?limite=abc", "/api/v1/propositions?apres=pas-un-curseur",
                         "/api/v1/propositions?apres=\(UUID().uuidString)", "/api/v1/seances?territoire=nulle-part",
                         "/api/v1/propositions/pas-un-id"] {
                let response = try await Self.call(app, path, token: token)
                #expect(response.status == .badRequest, "\(path): \(response.status)")
                #expect(response.headers.first(name: .contentType)?.hasPrefix("application/problem+json") == true, "\(path)")
                #expect(try Self.json(response)["title"] as? String != nil, "\(path)")
            }
            let unknown = try await Self.call(app, "/api/v1/nulle-part", token: token)
            #expect(unknown.status == .notFound && unknown.headers.first(name: .contentType)?.hasPrefix("application/problem+json") == true)

            let document = try await Self.call(app, "/api/openapi.json", token: nil)
            #expect(document.status == .ok)
            let spec = try Self.json(document)
            #expect(spec["openapi"] as? String == "3.1.0")
            #expect(Set((spec["paths"] as? [String: Any] ?? [:]).keys)
                == ["/propositions", "/propositions/{id}", "/seances", "/scrutins", "/debat-denomination"])
        }
    }

    @Test func pollsAndTheDebateGiveResultsOnlyWhereThePublicSeesThem() async throws {
        try await withTestApp { app in
            _ = try await makeMember(app, "Agent", roles: [.staff])
            try await ExportsTests.closeAFollowedAndASmallVote(app)
            let (token, _, _) = try await Self.createToken(app, as: "Agent")
            let polls = try Self.json(try await Self.call(app, "/api/v1/scrutins", token: token))["elements"] as? [[String: Any]] ?? []
            let followed = try #require(polls.first { $0["question"] as? String == "Un vote suivi" })
            #expect(followed["resultat_publie"] as? Bool == true && followed["bulletins"] as? Int == 6)
            let options = followed["options"] as? [[String: Any]] ?? []
            #expect(options.first { $0["option"] as? String == "pour" }?["voix"] as? Int == 4)
            let small = try #require(polls.first { $0["question"] as? String == "Un vote trop petit" })
            #expect(small["resultat_publie"] as? Bool == false && (small["options"] as? [Any])?.isEmpty == true)
            #expect(!(try await Self.call(app, "/api/v1/scrutins", token: token).text.contains("Un vote suivi 0")), "no voter named")

            let debate = try await Self.call(app, "/api/v1/debat-denomination", token: token)
            #expect(debate.status == .ok)
            let body = try Self.json(debate)
            #expect(body["question_ressenti"] as? String == FeelingQuestion.question)
            let names = body["noms"] as? [[String: Any]] ?? []
            #expect(names.first?["nom_actuel"] as? Bool == true, "the current name is always a candidate")
        }
    }

    @Test func clientsAskingForJSONGetTheProblemsAndNoTokenReachesTheLogs() async throws {
        try await withTestApp { app in
            _ = try await makeMember(app, "Agent", roles: [.staff])
            let (token, _, _) = try await Self.createToken(app, as: "Agent")
            var headers = HTTPHeaders()
            headers.replaceOrAdd(name: .authorization, value: "Bearer \(token)")
            headers.replaceOrAdd(name: .accept, value: "application/json")
            let request = TestingHTTPRequest(method: .GET, url: URI(string: "/api/v1/propositions/\(UUID().uuidString)"),
                                             headers: headers, body: ByteBuffer())
            let missing = try await app.testing().performTest(request: request)
            #expect(missing.status == .notFound, "not a 406")
            #expect(missing.headers.first(name: .contentType)?.hasPrefix("application/problem+json") == true)

            // A failure inside a handler: its log line must not carry the request's headers.
            struct Failure: Error {}
            let wrapped = ServerError(operationID: "listProposals",
                                      request: HTTPRequest(method: .get, scheme: nil, authority: nil, path: "/propositions",
                                                           headerFields: [.authorization: "Bearer \(token)", .cookie: "portevoix=secret"]),
                                      requestBody: nil, requestMetadata: .init(), causeDescription: "x", underlyingError: Failure())
            let line = SafeErrorDescription.of(wrapped)
            #expect(!line.contains(token) && !line.contains("secret") && line.contains("listProposals"))
        }
    }

    /// Someone who reads the server's logs (trace level) after staff used the API,
    /// with good and bad requests, learns no token.
    @Test func theLogsNeverHoldAToken() async throws {
        let capture = LogCapture()
        try await withTestApp(beforeConfigure: { app in app.logger = capture.logger(level: .trace) }) { app in
            _ = try await makeMember(app, "Agent", roles: [.staff])
            let (token, _, _) = try await Self.createToken(app, as: "Agent")
            for path in ["/api/v1/propositions", "/api/v1/propositions?limite=0", "/api/v1/propositions/\(UUID().uuidString)",
                         "/api/v1/scrutins?apres=x", "/api/v1/debat-denomination", "/api/v1/nulle-part"] {
                _ = try await Self.call(app, path, token: token)
            }
            _ = try await Self.call(app, "/api/v1/seances", token: token + "x")
            let lines = capture.all
            #expect(!lines.isEmpty, "the requests were logged")
            #expect(!lines.contains { $0.contains(token) || $0.contains(String(token.dropFirst(3).prefix(20))) })
        }
    }
}
