import Foundation
import Plot
import Testing
@testable import PorteVoix

extension PageContext {
    /// A page context with no request behind it.
    static let mock = PageContext(siteName: "PorteVoix", departementName: "Le Département", path: "/",
                                  accessibilityStatus: "non conforme")
}

extension HomePage.Model {
    static let hostile = #"<script>alert(1)</script>" onmouseover="x"#
    static let longWord = "Anticonstitutionnellementdéraisonnablementinterminablement"

    /// Every section filled, with hostile text and a word longer than a 360 px screen.
    static let mock = HomePage.Model(
        latestAnswers: [.init(link: .init(url: .proposal(UUID()), title: hostile), status: .answered)],
        openPolls: [.init(url: .poll(UUID()), title: longWord), .init(url: .poll(UUID()), title: "Un bus le dimanche ?")],
        awaitingPolls: [.init(url: .poll(UUID()), title: "Quel nom pour le conseil ?")],
        nextMeeting: .init(link: .init(url: .meeting(UUID()), title: "Séance du Nord"),
                           when: "mardi 12 mars 2027 de 14 h à 16 h 30", place: hostile)
    )
}

/// Pages rendered from hand-made models, without a database or a server.
@Suite("Views from plain models")
struct PageViewTests {
    @Test func theHomePageRendersEverySectionAndEscapesWhatItShows() {
        let html = HomePage.View(context: .mock, model: .mock).render().render()
        #expect(html.contains("2 votes sont ouverts"))
        #expect(html.contains(HomePage.Model.longWord))
        #expect(html.contains("Clos, en attente des détenteurs de clés"))
        #expect(html.contains("mardi 12 mars 2027 de 14 h à 16 h 30"))
        #expect(html.contains("Les dernières réponses du Département"))
        #expect(!html.contains("<script>alert"), "text is escaped")
        #expect(!html.contains(#"" onclick=""#), "attributes are escaped")
        #expect(!html.contains(#"" onmouseover=""#))
        #expect(!html.lowercased().contains("bénéficiaire"))
    }

    @Test func anEmptyHomePageLeavesOutWhatIsNotHappening() {
        let html = HomePage.View(context: .mock, model: HomePage.Model()).render().render()
        #expect(!html.contains("En ce moment"))
        #expect(!html.contains("Les dernières réponses"))
        #expect(html.contains("Comment participer ?"))
    }
}
