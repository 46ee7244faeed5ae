import Foundation
import Testing
import Vapor
import VaporTesting
@testable import PorteVoix

@Suite("Public pages")
struct PagesTests {
    static let contentPages: [(path: String, title: String)] = [
        ("/charte", "Charte du conseil"),
        ("/confidentialite", "Vos données personnelles"),
        ("/accessibilite", "Déclaration d'accessibilité"),
        ("/mentions-legales", "Mentions légales"),
        ("/aide", "Aide"),
    ]

    @Test func theHomePageSaysWhatTheCouncilIsAndHowToTakePart() async throws {
        try await withTestApp { app in
            var browser = Browser(app)
            let page = try await browser.get("/")
            #expect(page.status == .ok)
            #expect(page.headers.contentType == .html)
            expectSkeleton(page.text, title: "Accueil — PorteVoix")
            #expect(page.text.contains("<h1>Le conseil consultatif du RSA</h1>"))
            #expect(page.text.contains("Comment participer ?"))
            #expect(page.text.contains("carte d&#39;accès") || page.text.contains("carte d'accès"))
            #expect(page.text.contains(#"<a href="/" aria-current="page">Accueil</a>"#))
            #expect(browser.cookies.isEmpty, "a page without a form sets no cookie")
        }
    }

    @Test(arguments: contentPages)
    func eachContentPageIsServedFromItsMarkdownFile(path: String, title: String) async throws {
        try await withTestApp { app in
            var browser = Browser(app)
            let page = try await browser.get(path)
            #expect(page.status == .ok)
            expectSkeleton(page.text, title: "\(escapeAttribute(title)) — PorteVoix")
            #expect(page.text.contains("<h1>\(escapeAttribute(title))</h1>"))
            #expect(page.text.contains("<h2>"), "the Markdown body is rendered")
            #expect(page.text.contains(#"<meta name="description""#))
        }
    }

    @Test func theHelpPageExplainsTheAcronymAndTheAccessCard() async throws {
        try await withTestApp { app in
            var browser = Browser(app)
            let page = try await browser.get("/aide").text
            #expect(page.contains("revenu de solidarité active"))
            #expect(page.contains("carte d"))
            #expect(page.contains("Comment voter ?"))
        }
    }

    @Test func theFooterShowsTheAccessibilityStatus() async throws {
        try await withTestApp { app in
            var browser = Browser(app)
            let page = try await browser.get("/charte").text
            let audit = try #require(app.contentStore.audit, "docs/rgaa is read at start-up")
            #expect(page.contains(#"<a href="/accessibilite">Accessibilité : \#(audit.status)</a>"#))
        }
    }

    /// The statement's figures are the audit's, computed as the RGAA says.
    @Test func theStatementIsWrittenFromTheAudit() async throws {
        try await withTestApp { app in
            let audit = try #require(app.contentStore.audit)
            #expect(audit.criteria.count == 106)
            let counts = audit.counts
            #expect(counts.conform + counts.nonConform + counts.notApplicable == 106)
            let rate = try #require(audit.rate)
            #expect(abs(rate - 100 * Double(counts.conform) / Double(counts.conform + counts.nonConform)) < 0.001)
            #expect(audit.status == (rate >= 100 ? "totalement conforme" : rate >= 50 ? "partiellement conforme" : "non conforme"))
            // A criterion failing on one page fails for the site.
            for (criterion, _) in audit.nonConformities {
                #expect(audit.findings.contains { $0.criterion == criterion.id && $0.result == .nonConform })
            }
            var visitor = Browser(app)
            let page = try await visitor.get("/accessibilite").text
            let shown = String(format: "%.2f", rate).replacingOccurrences(of: ".", with: ",") + " %"
            #expect(page.contains(shown), "the rate \(shown) is on the statement")
            #expect(page.contains("Défenseur des droits") && !page.contains("{{audit}}"))
            for (criterion, _) in audit.nonConformities {
                #expect(page.contains("Critère \(criterion.id) "), "the non-conformity \(criterion.id) is listed")
            }
        }
    }

    @Test func aWrongAddressShowsAHelpfulFrenchPage() async throws {
        try await withTestApp { app in
            var browser = Browser(app)
            let page = try await browser.get("/propositionz/12?x=%22%3E%3Cscript%3E")
            #expect(page.status == .notFound)
            expectSkeleton(page.text, title: "Cette page n&#39;existe pas — PorteVoix")
            #expect(page.text.contains("Vérifiez l&#39;adresse"))
            #expect(page.text.contains(#"<a href="/">Retour à l'accueil</a>"#))
            #expect(!page.text.contains("<script>"))
        }
    }

    @Test func staticFilesAreServed() async throws {
        try await withTestApp { app in
            var browser = Browser(app)
            let css = try await browser.get("/css/portevoix.css")
            #expect(css.status == .ok)
            #expect(css.headers.contentType == .css)
            #expect(css.text.contains(":focus-visible"))
            #expect(css.text.contains("@media print"))
            let robots = try await browser.get("/robots.txt")
            #expect(robots.status == .ok)
            #expect(robots.text.contains("Disallow: /admin"))
            let icon = try await browser.get("/favicon.svg")
            #expect(icon.status == .ok)
        }
    }

    @Test func theWordBeneficiaireNeverAppears() async throws {
        try await withTestApp { app in
            var browser = Browser(app)
            for path in ["/", "/nulle-part"] + Self.contentPages.map(\.path) {
                let page = try await browser.get(path).text.lowercased()
                #expect(!page.contains("bénéficiaire"), "\(path)")
                #expect(!page.contains("b&#233;n&#233;ficiaire"), "\(path)")
            }
        }
    }

    @Test func healthzAnswersWhenTheDatabaseAnswers() async throws {
        try await withTestApp { app in
            var browser = Browser(app)
            let health = try await browser.get("/healthz")
            #expect(health.status == .ok)
            #expect(health.text == "ok\n")
        }
    }

    @Test func aStaffEditToAMarkdownFileShowsWithoutARestart() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pv-content-\(UUID())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = ContentStore(directory: folder)
        let file = store.path(of: "charte")
        try "---\ntitle: Charte\nstatut: partiellement conforme\n---\n\n## Avant\n".write(
            toFile: file, atomically: true, encoding: .utf8
        )
        let before = try #require(try store.page("charte"))
        #expect(before.title == "Charte")
        #expect(before.metadata["statut"] == "partiellement conforme")
        #expect(before.html.contains("<h2>Avant</h2>"))

        try "---\ntitle: Charte révisée\n---\n\n## Après\n".write(toFile: file, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(5)], ofItemAtPath: file)
        let after = try #require(try store.page("charte"))
        #expect(after.title == "Charte révisée")
        #expect(after.html.contains("<h2>Après</h2>"))
        #expect(try store.page("inexistante") == nil)
    }

    /// What every page has, per design/ui.md.
    private func expectSkeleton(_ html: String, title: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(html.hasPrefix("<!DOCTYPE html><html lang=\"fr\">"), sourceLocation: sourceLocation)
        #expect(html.contains("<title>\(title)</title>"), sourceLocation: sourceLocation)
        #expect(occurrences(of: "<h1", in: html) == 1, "one h1", sourceLocation: sourceLocation)
        #expect(html.contains(##"<a class="lien-evitement" href="#contenu">Aller au contenu</a>"##),
                sourceLocation: sourceLocation)
        #expect(html.contains(#"<main id="contenu" tabindex="-1">"#), sourceLocation: sourceLocation)
        for landmark in ["<header", "<nav", "<footer"] {
            #expect(html.contains(landmark), sourceLocation: sourceLocation)
        }
        for link in ["/accessibilite", "/mentions-legales", "/confidentialite", "/charte", "/aide"] {
            #expect(html.contains("<li><a href=\"\(link)\">"), "footer link \(link)", sourceLocation: sourceLocation)
        }
        #expect(html.contains(#"<link rel="stylesheet" href="/css/portevoix.css"#), sourceLocation: sourceLocation)
        #expect(!html.contains("style="), "no inline style", sourceLocation: sourceLocation)
        #expect(!html.contains("<script"), "no inline script", sourceLocation: sourceLocation)
    }
}

/// The page budget (design/ui.md): a page and its stylesheet, uncompressed, at most 30 KB.
@Suite struct PageWeightTests {
    @Test func aFullListAndItsStylesheetStayWithinTheBudget() async throws {
        try await withTestApp { app in
            let marie = try await makeMember(app, "Marie")
            for index in 0..<25 {
                try await makeProposal(app, title: "Des horaires d'ouverture du guichet adaptés aux parents seuls, numéro \(index)",
                                       author: marie)
            }
            var visitor = Browser(app)
            let css = try await visitor.get(Layout.stylesheet)
            #expect(css.status == .ok)
            #expect(css.headers.first(name: .cacheControl)?.contains("immutable") == true)
            var member = Browser(app)
            try await member.signIn("Marie")
            for (who, page) in [("visitor", try await visitor.get("/propositions")), ("member", try await member.get("/propositions"))] {
                #expect(page.text.contains("25 propositions"))
                #expect(page.body.readableBytes + css.body.readableBytes <= 30_000, "\(who): \(page.body.readableBytes) + \(css.body.readableBytes)")
            }
        }
    }

    @Test func theStylesheetLosesOnlyCommentsAndSpaces() {
        let source = """
            /* A comment */
            .a :focus-visible , .b > .c {
              color : red ;
              content: "  (  " attr(href) ')';
            }
            @media print { .d { display: none; } }
            """
        let served = Stylesheet.minified(source)
        #expect(served == ".a :focus-visible,.b > .c{color : red;content: \"  (  \" attr(href) ')';}@media print{.d{display: none;}}\n")
        #expect(Stylesheet.minified(served) == served)
    }
}
