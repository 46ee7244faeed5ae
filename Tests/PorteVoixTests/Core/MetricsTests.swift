import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
@testable import PorteVoix

/// `/metrics`, the operators' figures: only with their token, and never
/// what an observer of one poll could use (design/voting.md, "Insiders").
@Suite("Operators' metrics")
struct MetricsTests {
    static let token = String(repeating: "t0k3n-", count: 8)

    static func scrape(_ app: Application, token: String? = MetricsTests.token) async throws -> TestingHTTPResponse {
        var browser = Browser(app)
        var headers = HTTPHeaders()
        if let token { headers.add(name: .authorization, value: "Bearer \(token)") }
        return try await browser.get("/metrics", headers: headers)
    }

    @Test func withoutItsTokenTheAddressDoesNotExist() async throws {
        try await withTestApp { app in
            let status = try await Self.scrape(app).status
            #expect(status == .notFound, "no token configured: nothing to scrape")
        }
        try await withTestApp(adjust: { $0.metricsToken = Self.token }) { app in
            #expect(try await Self.scrape(app, token: nil).status == .notFound)
            #expect(try await Self.scrape(app, token: Self.token + "x").status == .notFound)
            #expect(try await Self.scrape(app, token: String(Self.token.dropLast())).status == .notFound)
            let figures = try await Self.scrape(app)
            #expect(figures.status == .ok)
            #expect(figures.headers.contentType?.description.hasPrefix("text/plain") == true)
            #expect(figures.headers.first(name: .cacheControl) == "no-store")
        }
    }

    @Test func aShortTokenIsRefusedAtStartUp() throws {
        #expect(throws: SettingsError.self) {
            try Settings.load(from: ["PORTEVOIX_METRICS_TOKEN": "court"], workingDirectory: "/tmp")
        }
        #expect((try? Settings.load(from: ["PORTEVOIX_METRICS_TOKEN": Self.token], workingDirectory: "/tmp"))?.metricsToken == Self.token)
    }

    /// Plays the operator who scrapes every few seconds while a poll is open
    /// in the room: they learn how many ballots the site took in all, never
    /// which poll took one, nor who voted, nor any address with an id.
    @Test func theFiguresNameRoutesNeverAPollAMemberOrAnId() async throws {
        try await withTestApp(adjust: { $0.metricsToken = Self.token }) { app in
            let poll = try await makePoll(app, kind: .yesNo)
            let other = try await makePoll(app, kind: .yesNo)
            let proposal = try await makeProposal(app, author: nil)
            var visitor = Browser(app)
            _ = try await visitor.get(proposal.path)
            _ = try await visitor.get(proposal.path)
            _ = try await visitor.get("/propositions/\(UUID().uuidString)")
            _ = try await voteThroughTheSite(app, as: "Marie-Claire Votante", poll: poll, fields: ["choix": "P"])
            let text = try await Self.scrape(app).text
            #expect(text.contains(#"portevoix_ballots_cast_total{channel="web"} 1"#))
            #expect(text.contains(#"portevoix_http_requests_total{method="POST",route="/scrutins/:pollID/vote",status="200"} 1"#))
            #expect(text.contains(#"route="/propositions/:proposalID",status="404"} 1"#))
            #expect(text.contains(#"portevoix_http_request_duration_seconds_bucket{method="GET",route="/propositions/:proposalID""#))
            #expect(text.contains("portevoix_startup_seconds"))
            #expect(text.contains("portevoix_page_cache_hits"))
            for secret in [poll.id!.uuidString, other.id!.uuidString, proposal.id!.uuidString, "Marie-Claire", "Votante"] {
                #expect(!text.lowercased().contains(secret.lowercased()), "\(secret) in the figures")
            }
            // Nothing in them moves with one poll: a second ballot elsewhere reads the same as one here.
            _ = try await voteThroughTheSite(app, as: "Ahmed", poll: other, fields: ["choix": "C"])
            let after = try await Self.scrape(app).text
            #expect(after.contains(#"portevoix_ballots_cast_total{channel="web"} 2"#))
            #expect(!after.contains("poll_id") && !after.contains("scrutin="))
        }
    }
}
