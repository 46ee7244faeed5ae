import Fluent
import Foundation
import Plot
import SQLKit
import Testing
import Vapor
import VaporTesting
@testable import PorteVoix

/// Routes that only tests register: a form, and what it answers.
func registerTestForm(_ app: Application) {
    app.get("essai-formulaire") { request async throws -> HTML in
        let token = try await request.csrfToken()
        return Layout.page(
            request.pageContext, title: "Essai",
            content: .group(.h1("Essai"), .form(.method(.post), .action("/essai-formulaire"), .csrfField(token)))
        )
    }
    app.post("essai-formulaire") { _ in "reçu" }
    app.put("essai-formulaire") { _ in "reçu" }
    app.delete("essai-formulaire") { _ in "reçu" }
    app.post("essai-connexion") { request async throws -> String in
        try await request.rotateSession()
        return "connecté"
    }
    app.post("essai-deconnexion") { request async throws -> String in
        try await request.endSession()
        return "déconnecté"
    }
    app.get("essai-panne") { _ async throws -> String in
        struct Breakdown: Error, CustomStringConvertible { var description: String { "secret interne 42" } }
        throw Breakdown()
    }
    app.get("api", "v1", "essai-panne") { _ async throws -> String in
        throw Abort(.notFound)
    }
}

extension Browser {
    /// A visitor's form token (stateless), then a session, as signing in gives one.
    mutating func startSession() async throws {
        let token = try #require(try await get("/essai-formulaire").csrfToken)
        let started = try await post("/essai-connexion", form: ["_csrf": token])
        #expect(started.status == .ok)
    }
}

@Suite("Security baseline")
struct SecurityTests {
    static let expectedPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"

    @Test func everyResponseCarriesTheSecurityHeaders() async throws {
        try await withTestApp { app in
            var browser = Browser(app)
            for path in ["/", "/aide", "/introuvable", "/css/portevoix.css", "/healthz"] {
                let response = try await browser.get(path)
                #expect(response.headers.first(name: "Content-Security-Policy") == Self.expectedPolicy, "\(path)")
                #expect(response.headers.first(name: "X-Content-Type-Options") == "nosniff", "\(path)")
                #expect(response.headers.first(name: "Referrer-Policy") == "same-origin", "\(path)")
                #expect(response.headers.first(name: "X-Frame-Options") == "DENY", "\(path)")
                #expect(response.headers.first(name: "Strict-Transport-Security") == nil, "no HSTS over plain HTTP")
            }
        }
    }

    @Test func httpsDeploymentsGetHSTS() async throws {
        try await withTestApp(adjust: { $0.publicURL = URL(string: "https://conseil.example.fr") }) { app in
            var browser = Browser(app)
            let response = try await browser.get("/")
            #expect(response.headers.first(name: "Strict-Transport-Security") == "max-age=31536000")
        }
    }

    @Test func aPostWithoutTokenIsRefusedWithAnExplainingPage() async throws {
        try await withTestApp(beforeConfigure: { _ in }) { app in
            registerTestForm(app)
            var browser = Browser(app)
            let refused = try await browser.post("/essai-formulaire", form: ["titre": "Bonjour"])
            #expect(refused.status == .forbidden)
            #expect(refused.text.contains("Ce formulaire a expiré"))
            #expect(refused.text.contains("bouton « Retour »"))
            #expect(!refused.text.contains("reçu"))
        }
    }

    @Test func aPostWithTheSessionsTokenIsAccepted() async throws {
        try await withTestApp { app in
            registerTestForm(app)
            var browser = Browser(app)
            try await browser.startSession()
            let form = try await browser.get("/essai-formulaire")
            let token = try #require(form.csrfToken)
            #expect(browser.cookies["portevoix"] != nil)

            let missing = try await browser.post("/essai-formulaire", form: ["titre": "Bonjour"])
            #expect(missing.status == .forbidden, "a session alone is not enough")

            let wrong = try await browser.post("/essai-formulaire", form: ["_csrf": token + "x", "titre": "Bonjour"])
            #expect(wrong.status == .forbidden)

            let accepted = try await browser.post("/essai-formulaire", form: ["_csrf": token, "titre": "Bonjour"])
            #expect(accepted.status == .ok)
            #expect(accepted.text == "reçu")

            var header = HTTPHeaders()
            header.add(name: "X-CSRF-Token", value: token)
            for method in [HTTPMethod.PUT, .DELETE] {
                let viaHeader = try await browser.send(method, "/essai-formulaire", headers: header, body: nil)
                #expect(viaHeader.status == .ok, "\(method)")
                let without = try await browser.send(method, "/essai-formulaire", headers: [:], body: nil)
                #expect(without.status == .forbidden, "\(method)")
            }
        }
    }

    @Test func anotherVisitorsTokenIsRefused() async throws {
        try await withTestApp { app in
            registerTestForm(app)
            var alice = Browser(app)
            var mallory = Browser(app)
            let alicesToken = try #require(try await alice.get("/essai-formulaire").csrfToken)
            let mallorysToken = try #require(try await mallory.get("/essai-formulaire").csrfToken)
            #expect(alicesToken != mallorysToken)
            let forged = try await mallory.post("/essai-formulaire", form: ["_csrf": alicesToken])
            #expect(forged.status == .forbidden)
        }
    }

    @Test func anOversizedBodyGetsThe413Page() async throws {
        try await withTestApp(adjust: { $0.maxBodyBytes = 16 * 1024 }) { app in
            registerTestForm(app)
            var browser = Browser(app)
            let token = try #require(try await browser.get("/essai-formulaire").csrfToken)
            let tooLong = String(repeating: "é", count: 20_000)
            let refused = try await browser.post("/essai-formulaire", form: ["_csrf": token, "texte": tooLong])
            #expect(refused.status == .payloadTooLarge)
            #expect(refused.text.contains("Ce que vous avez envoyé est trop long"))
            let fine = try await browser.post("/essai-formulaire", form: ["_csrf": token, "texte": "court"])
            #expect(fine.status == .ok)
        }
    }

    @Test func errorPagesHideTheirCauseOutsideDevelopment() async throws {
        try await withTestApp { app in
            registerTestForm(app)
            var browser = Browser(app)
            let page = try await browser.get("/essai-panne")
            #expect(page.status == .internalServerError)
            #expect(page.text.contains("Une erreur s&#39;est produite de notre côté"))
            #expect(!page.text.contains("secret interne"))

            let api = try await browser.get("/api/v1/essai-panne")
            #expect(api.status == .notFound)
            #expect(api.headers.first(name: .contentType) == "application/problem+json; charset=utf-8", "RFC 9457")
            #expect(api.text.contains("\"status\":404") && api.text.contains("\"title\""))
            #expect(!api.text.contains("secret interne"))
        }
        try await withTestApp(adjust: { $0.showErrorDetails = true }) { app in
            registerTestForm(app)
            var browser = Browser(app)
            let page = try await browser.get("/essai-panne")
            #expect(page.text.contains("secret interne 42"), "developers see the cause")
        }
    }

    @Test func frenchPagesForEachErrorStatus() {
        for status in [HTTPStatus.badRequest, .forbidden, .notFound, .conflict, .gone, .payloadTooLarge, .unsupportedMediaType,
                       .internalServerError] {
            let model = ErrorPage.model(for: Abort(status, reason: "internal detail"), showDetails: false)
            #expect(model.status == status)
            #expect(!model.title.isEmpty)
            #expect(model.detail == nil)
            #expect(!model.paragraphs.joined().contains("internal detail"))
        }
    }
}

@Suite("Sessions")
struct SessionTests {
    @Test func theCookieIsHttpOnlyAndSameSiteLax() async throws {
        try await withTestApp { app in
            registerTestForm(app)
            var browser = Browser(app)
            let visitor = try await browser.get("/essai-formulaire")
            let visitorHeader = try #require(visitor.headers.first(name: .setCookie))
            #expect(visitorHeader.hasPrefix("portevoix-visiteur="))
            #expect(visitorHeader.contains("HttpOnly") && visitorHeader.contains("SameSite=Lax") && visitorHeader.contains("Max-Age=75600"))
            let token = try #require(visitor.csrfToken)
            let response = try await browser.post("/essai-connexion", form: ["_csrf": token])
            let header = try #require(response.headers.first(name: .setCookie))
            #expect(header.hasPrefix("portevoix="))
            #expect(header.contains("HttpOnly"))
            #expect(header.contains("SameSite=Lax"))
            #expect(header.contains("Path=/"))
            #expect(!header.contains("Secure"))
            #expect(!header.contains("Expires"), "ends with the browser")
        }
    }

    @Test func secureDeploymentsUseASecureHostOnlyCookie() async throws {
        try await withTestApp(adjust: { $0.secureCookies = true }) { app in
            registerTestForm(app)
            var browser = Browser(app)
            let visitor = try await browser.get("/essai-formulaire")
            #expect(visitor.headers.first(name: .setCookie)?.hasPrefix("__Host-portevoix-visiteur=") == true)
            let response = try await browser.post("/essai-connexion", form: ["_csrf": try #require(visitor.csrfToken)])
            let header = try #require(response.headers.first(name: .setCookie))
            #expect(header.hasPrefix("__Host-portevoix="))
            #expect(header.contains("Secure"))
        }
    }

    @Test func theDatabaseKeepsOnlyAHashOfTheSessionToken() async throws {
        try await withTestApp { app in
            registerTestForm(app)
            var browser = Browser(app)
            try await browser.startSession()
            let token = try #require(browser.cookies["portevoix"])
            let records = try await WebSessionRecord.query(on: app.db).all()
            #expect(records.count == 1)
            #expect(records.first?.id == SecureToken.hash(token))
            #expect(records.first?.id != token)
        }
    }

    @Test func signingInChangesTheSessionIdAndTheOldOneStopsWorking() async throws {
        try await withTestApp { app in
            registerTestForm(app)
            var browser = Browser(app)
            try await browser.startSession()
            let firstToken = try #require(try await browser.get("/essai-formulaire").csrfToken)
            let before = try #require(browser.cookies["portevoix"])

            let signedIn = try await browser.post("/essai-connexion", form: ["_csrf": firstToken])
            #expect(signedIn.status == .ok)
            let after = try #require(browser.cookies["portevoix"])
            #expect(after != before)

            var thief = Browser(app)
            thief.cookies["portevoix"] = before
            let stale = try await thief.post("/essai-formulaire", form: ["_csrf": firstToken])
            #expect(stale.status == .forbidden, "the old session is gone")
            #expect(thief.cookies["portevoix"] == nil, "and its cookie is cleared")

            let secondToken = try #require(try await browser.get("/essai-formulaire").csrfToken)
            #expect(secondToken != firstToken, "the form token changes too")
            #expect(try await browser.post("/essai-formulaire", form: ["_csrf": secondToken]).status == .ok)
            #expect(try await WebSessionRecord.query(on: app.db).count() == 1)
        }
    }

    @Test func signingOutEndsTheSession() async throws {
        try await withTestApp { app in
            registerTestForm(app)
            var browser = Browser(app)
            try await browser.startSession()
            let token = try #require(try await browser.get("/essai-formulaire").csrfToken)
            #expect(try await browser.post("/essai-deconnexion", form: ["_csrf": token]).status == .ok)
            #expect(browser.cookies["portevoix"] == nil)
            #expect(try await WebSessionRecord.query(on: app.db).count() == 0)
        }
    }

    @Test func anIdleSessionEnds() async throws {
        try await withTestApp { app in
            registerTestForm(app)
            var browser = Browser(app)
            try await browser.startSession()
            let token = try #require(try await browser.get("/essai-formulaire").csrfToken)
            let record = try #require(try await WebSessionRecord.query(on: app.db).first())
            record.lastSeenAt = Date().addingTimeInterval(-3 * 3600)
            try await record.update(on: app.db)

            let refused = try await browser.post("/essai-formulaire", form: ["_csrf": token])
            #expect(refused.status == .forbidden)
            #expect(browser.cookies["portevoix"] == nil)
            #expect(try await WebSessionRecord.query(on: app.db).count() == 0)
        }
    }

    @Test func anActiveSessionStaysAliveAcrossTheIdleLimit() async throws {
        try await withTestApp { app in
            try await makeMember(app, "Camille")
            var browser = Browser(app)
            try await browser.signIn("Camille")
            let record = try #require(try await WebSessionRecord.query(on: app.db).first())
            record.lastSeenAt = app.clock.now().addingTimeInterval(-110 * 60)
            try await record.update(on: app.db)
            // Seen now: its time is written with the others' a few seconds later.
            #expect(try await browser.get("/mon-compte").status == .ok)
            await app.sessionTouches.flush()
            let seen = try #require(try await WebSessionRecord.find(record.id, on: app.db)).lastSeenAt
            #expect(app.clock.now().timeIntervalSince(seen) < 60)
            // Half an hour later, past two hours since the old time: still signed in.
            app.testClock.advance(by: 30 * 60)
            let page = try await browser.get("/mon-compte")
            #expect(page.status == .ok && page.text.contains("Se déconnecter"))
        }
    }

    @Test func anUnknownCookieIsClearedWithoutStartingASession() async throws {
        try await withTestApp { app in
            var browser = Browser(app)
            browser.cookies["portevoix"] = "n'importe quoi"
            let page = try await browser.get("/")
            #expect(page.status == .ok)
            #expect(browser.cookies["portevoix"] == nil)
            #expect(try await WebSessionRecord.query(on: app.db).count() == 0)
        }
    }

    @Test func endedSessionsAreCleanedUp() async throws {
        try await withTestApp { app in
            let old = WebSessionRecord(
                tokenHash: SecureToken.hash(SecureToken.make()), csrfSecret: "x",
                now: Date().addingTimeInterval(-86_400), lifetime: 3600
            )
            try await old.create(on: app.db)
            registerTestForm(app)
            var browser = Browser(app)
            try await browser.startSession()
            let remaining = try await WebSessionRecord.query(on: app.db).all()
            #expect(remaining.count == 1)
            #expect(remaining.first?.id != old.id)
        }
    }

    @Test func tokensAreComparedWhole() {
        #expect(SecureToken.constantTimeEquals("abc", "abc"))
        #expect(!SecureToken.constantTimeEquals("abc", "abd"))
        #expect(!SecureToken.constantTimeEquals("abc", "abcd"))
        #expect(!SecureToken.constantTimeEquals("", "a"))
        let token = SecureToken.make()
        #expect(SecureToken.isWellFormed(token))
        #expect(token != SecureToken.make())
    }
}

@Suite("Nothing private in logs, caches or cookies left behind")
struct PrivateLeftoversTests {
    @Test func aDatabaseErrorIsDescribedWithoutItsStatementOrValues() async throws {
        try await withTestApp { app in
            let sql = app.db as! any SQLDatabase
            do {
                try await sql.raw("INSERT INTO table_inexistante (x) VALUES (\(bind: "valeur-tres-secrete"))").run()
                Issue.record("the statement should fail")
            } catch {
                let safe = SafeErrorDescription.of(error)
                #expect(!safe.contains("valeur-tres-secrete"))
                #expect(!safe.contains("table_inexistante"))
                #expect(!safe.contains("INSERT"))
            }
        }
    }

    @Test func signingOutClearsTheCacheAndTheCookieWithItsAttributes() async throws {
        try await withTestApp(adjust: { $0.secureCookies = true }) { app in
            try await makeMember(app, "Marie")
            var browser = Browser(app)
            try await browser.signIn("Marie")
            let account = try await browser.get("/mon-compte")
            #expect(account.headers.first(name: .cacheControl) == "no-store", "my own data is never cached")
            let token = try #require(account.csrfToken)
            let out = try await browser.post("/deconnexion", form: ["_csrf": token])
            #expect(out.headers.first(name: "Clear-Site-Data") == "\"cache\"")
            let cleared = out.headers[.setCookie].first { $0.hasPrefix("__Host-portevoix=") }
            #expect(cleared?.contains("Secure") == true, "expired with the attributes it was set with")
            #expect(cleared?.contains("Max-Age=0") == true || cleared?.contains("Expires=Thu, 01 Jan 1970") == true)
        }
    }
}
