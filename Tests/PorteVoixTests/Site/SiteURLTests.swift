import Foundation
import Plot
import Testing
import Vapor
import VaporTesting
@testable import PorteVoix

/// Every address is built from `SiteURL`: links, form actions and redirects
/// land on a route that exists, and data never leaves the attribute.
@Suite("Site addresses")
struct SiteURLTests {
    @Test func idsQueriesAndFragmentsAreFilledInAndEncoded() throws {
        let id = try #require(UUID(uuidString: "6F9619FF-8B86-D011-B42D-00C04FC964FF"))
        #expect(SiteURL.home.path == "/")
        #expect(SiteURL.poll(id, .paperBallots).path == "/scrutins/\(id)/papier/bulletins")
        #expect(SiteURL.meeting(id, .calendarFile).path == "/seances/\(id).ics")
        #expect(SiteURL.agendaItem(id, id, .move).path == "/seances/\(id)/points/\(id)/deplacer")
        #expect(SiteURL.poll(.key, .vote).path == "/scrutins/:pollID/vote")
        #expect(SiteURL.proposal(id).path(fragment: "commentaires") == "/propositions/\(id)#commentaires")

        let hostile = #"/scrutins?a=1&b="><script>#é"#
        let built = SiteURL.signIn.path(query: [("retour", hostile), ("vide", "")])
        #expect(built.hasPrefix("/connexion?retour=/scrutins%3Fa%3D1%26b%3D%22%3E%3Cscript%3E%23%C3%A9"))
        #expect(!built.contains("vide"), "empty values are left out")
        let read = try #require(URLComponents(string: built)?.queryItems?.first)
        #expect(read.name == "retour" && read.value == hostile)
    }

    @Test func aLinkIsOneEscapedAttribute() {
        let html = Node<HTML.BodyContext>.a(.href(.proposals, query: [("q", #"x" onclick="y"#)], fragment: "'a'"), .text("Voir"))
            .render()
        #expect(!html.contains(#"" onclick"#))
        #expect(html.hasPrefix(#"<a href="/propositions?q="#))
        #expect(html.filter { $0 == "\"" }.count == 2)
    }

    @Test func everyLinkAndFormOnEveryPageLeadsToARoute() async throws {
        try await withTestApp { app in
            _ = try await DemoData.fill(app)
            let router = Self.router(app)
            var browsers: [Browser] = [Browser(app)]
            for role in Role.allCases {
                let name = "Lien \(role.rawValue)"
                try await makeMember(app, name, roles: role == .participant ? [.participant] : [role, .participant])
                var browser = Browser(app)
                try await browser.signIn(name)
                browsers.append(browser)
            }
            let known = try await HostileRequestTests.parameterValues(app)
            var checked = Set<String>()
            var broken: [String] = []
            for index in browsers.indices {
                for route in app.routes.all where route.method == .GET {
                    let page = try await browsers[index].get(HostileRequestTests.path(route, known: known, variant: 0))
                    guard page.headers.contentType?.subType == "html" else { continue }
                    for (method, target) in Self.targets(in: page.text) where checked.insert(method + " " + target).inserted {
                        if !Self.leadsToARoute(method, target, router) {
                            broken.append("\(method) \(target) (on \(route.path.string))")
                        }
                    }
                }
            }
            #expect(checked.count > 100, "\(checked.count) links and forms seen")
            #expect(broken.isEmpty, "\(broken)")
        }
    }

    /// Pages shown in answer to a form (confirmation, tracker, key shares,
    /// printed cards) are crawled by no GET: their views are checked from
    /// their `.mock` models.
    @Test func everyLinkAndFormOfEveryViewLeadsToARoute() async throws {
        try await withTestApp { app in
            let router = Self.router(app)
            var broken: [String] = []
            for page in PageViewTests.pages {
                for (method, target) in Self.targets(in: page.render()) where !Self.leadsToARoute(method, target, router) {
                    broken.append("\(method) \(target) (on \(page.name))")
                }
            }
            #expect(broken.isEmpty, "\(broken)")
        }
    }

    static func router(_ app: Application) -> TrieRouter<String> {
        let router = TrieRouter(String.self)
        for route in app.routes.all {
            router.register(route.method.rawValue, at: [.constant(route.method.rawValue)] + route.path)
        }
        return router
    }

    static func leadsToARoute(_ method: String, _ target: String, _ router: TrieRouter<String>) -> Bool {
        let path = target.split(separator: "?", maxSplits: 1).first.flatMap { $0.split(separator: "#", maxSplits: 1).first } ?? ""
        var parameters = Parameters()
        let components = [method] + path.split(separator: "/").map { $0.removingPercentEncoding ?? String($0) }
        return router.route(path: components, parameters: &parameters) != nil
    }

    /// `href` and form `action` values on this site, with the method that follows them.
    static func targets(in html: String) -> [(String, String)] {
        var found: [(String, String)] = []
        let unescape = { (value: String) in
            value.replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
                .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
                .replacingOccurrences(of: "&amp;", with: "&")
        }
        for match in html.matches(of: /<(a|link|form)\b([^>]*)>/) {
            let attributes = String(match.output.2)
            guard let value = attributes.firstMatch(of: /(?:href|action)="([^"]*)"/)?.output.1 else { continue }
            let target = unescape(String(value))
            // Static files (stylesheet, icon) are served from Public/, not routed.
            guard target.hasPrefix("/"), !target.hasPrefix("/css/"), target != "/favicon.svg" else { continue }
            let method = match.output.1 == "form" && attributes.contains(#"method="post""#) ? "POST" : "GET"
            found.append((method, target))
        }
        return found
    }
}
