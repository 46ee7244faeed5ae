import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
@testable import PorteVoix

@Suite("Secrets stay out of logs and pages")
struct LogSafetyTests {
    @Test func noPasswordCodeOrHashReachesALogLineOrAPage() async throws {
        let capture = LogCapture()
        // Trace, the most verbose level: the application must hold the line itself.
        try await withTestApp(beforeConfigure: { app in app.logger = capture.logger(level: .trace) }) { app in
            var pages: [String] = []

            try await makeMember(app, "Nadia anime", roles: [.facilitator])
            var facilitator = Browser(app)
            pages.append(try await facilitator.signIn("Nadia anime").text)
            let printed = try await facilitator.submit(["nombre": "1"], on: "/admin/cartes")
            let code = try #require(printed.printedCodes.first)

            var newcomer = Browser(app)
            pages.append(try await newcomer.submit(["code": code.lowercased()], on: "/activation").text)
            let password = "ma phrase secrète du matin"
            pages.append(try await newcomer.submit(
                ["pseudonyme": "Camille", "motDePasse": password, "confirmation": password + "x"],
                on: "/activation/compte").text)
            pages.append(try await newcomer.submit(
                ["pseudonyme": "Camille", "motDePasse": password, "confirmation": password],
                on: "/activation/compte").text)
            pages.append(try await newcomer.submit(["accepte": "oui"], on: "/activation/charte").text)
            var other = Browser(app)
            let wrong = "une autre phrase fausse"
            pages.append(try await other.signIn("Camille", password: wrong).text)
            pages.append(try await other.signIn("Camille", password: password).text)
            pages.append(try await other.get("/essai-inexistant").text)

            let hashes = try await Member.query(on: app.db).all().compactMap(\.passwordHash)
                + (try await AccessCard.query(on: app.db).all().map(\.codeHash))
            let tokens = Array(newcomer.cookies.values) + Array(other.cookies.values)
            let secrets = [password, wrong, code, code.replacingOccurrences(of: " ", with: ""),
                           code.lowercased()] + hashes + tokens
            let lines = capture.all
            #expect(!lines.isEmpty, "the capture works")
            for secret in secrets {
                for line in lines {
                    #expect(!line.contains(secret), "a log line holds a secret: \(line)")
                }
                for page in pages {
                    #expect(!page.contains(secret), "a page holds a secret")
                }
            }
        }
    }
}

@Suite("SafeLogHandler")
struct SafeLogHandlerTests {
    @Test func dropsTraceAndQueryValues() {
        let capture = LogCapture()
        let logger = capture.logger(level: .trace).madeSafe
        logger.trace("bind $1 = secret")
        logger.debug("Running query", metadata: ["schema": "members", "input": "$2b$12$hash"])
        logger.info("GET / 200")
        let lines = capture.all
        #expect(lines.count == 2)
        #expect(!lines.joined().contains("secret"))
        #expect(!lines.joined().contains("$2b$"))
        #expect(lines.first?.contains("members") == true)
        #expect(logger.madeSafe.handler is SafeLogHandler)
    }
}
