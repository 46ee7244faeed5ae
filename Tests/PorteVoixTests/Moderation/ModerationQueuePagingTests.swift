import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
@testable import PorteVoix

/// The moderation queue after members filled every form: 200 of each kind
/// waiting. Every page of it stays within the 30 KB budget (design/ui.md),
/// and every waiting item is reachable, page by page, exactly once.
@Suite("Moderation queue, page by page")
struct ModerationQueuePagingTests {
    static let count = 200
    static let long = String(repeating: "Le bus de la ligne 12 ne passe plus le dimanche matin. ", count: 8)

    static func fill(_ app: Application) async throws -> Member {
        let author = try await makeMember(app, "Camille")
        let reporter = try await makeMember(app, "Sam")
        let themeID = try await Theme.query(on: app.db).first()!.requireID()
        let now = app.clock.now()
        func proposal(_ title: String, _ status: ProposalStatus) -> Proposal {
            let proposal = Proposal(title: title, body: long, themeID: themeID, territoryID: nil, authorID: author.id,
                                    anonymous: false, fromPaper: false, enteredByID: nil, status: status, at: now)
            if status.isPublic { proposal.publishedAt = now }
            return proposal
        }
        let submitted = (0..<count).map { proposal("Des horaires d'ouverture du guichet adaptés aux parents seuls, numéro \($0)", .submitted) }
        try await submitted.create(on: app.db)
        let published = proposal("Un bus le dimanche", .published)
        try await published.create(on: app.db)
        let comments = try (0..<count).map { index in
            ProposalComment(proposalID: try published.requireID(), authorID: try author.requireID(), body: "\(index) " + long, at: now)
        }
        try await comments.create(on: app.db)
        let afterPublication = (0..<count).map { index in
            let item = proposal("Publiée sans relecture numéro \(index), à relire après publication", .published)
            item.reviewPending = true
            return item
        }
        try await afterPublication.create(on: app.db)
        let reportedOnes = (0..<count).map { proposal("Signalée numéro \($0) par un membre du conseil", .published) }
        try await reportedOnes.create(on: app.db)
        let reports = try reportedOnes.map {
            ContentReport(kind: .proposal, contentID: try $0.requireID(), reporterID: try reporter.requireID(), reason: .personalData,
                          comment: "Il y a un nom de famille et une adresse dans le deuxième paragraphe.", at: now)
        }
        try await reports.create(on: app.db)
        let names = (0..<count).map {
            ProposedName(name: "Nom proposé \($0)", explanation: long, authorID: author.id, anonymous: false, status: .submitted, at: now)
        }
        try await names.create(on: app.db)
        return try await makeMember(app, "Lina", roles: [.participant, .moderator])
    }

    @Test func everyPageOfALongQueueStaysLightAndEveryItemIsReachableOnce() async throws {
        try await withTestApp { app in
            _ = try await Self.fill(app)
            var moderator = Browser(app)
            try await moderator.signIn("Lina")
            let css = try await moderator.get(Layout.stylesheet).body.readableBytes
            func weigh(_ path: String) async throws -> String {
                let page = try await moderator.get(path)
                #expect(page.status == .ok, "\(path)")
                #expect(page.body.readableBytes + css <= 30_000, "\(path): \(page.body.readableBytes) + \(css)")
                return page.text
            }
            let overview = try await weigh("/moderation")
            #expect(overview.contains("200 propositions") && overview.contains("200 commentaires"))
            #expect(overview.contains("Publiés, à relire (200)") && overview.contains("Débat sur le nom (200)"))
            #expect(overview.contains("Signalements et contenus masqués (200)"))
            for (kind, pattern) in [("propositions", "numéro (\\d+)</a>"), ("commentaires", "— (\\d+) Le bus"),
                                    ("publies", "Publiée sans relecture numéro (\\d+),"), ("signalements", "Signalée numéro (\\d+) par"),
                                    ("debat", "Nom proposé : Nom proposé (\\d+)<")] {
                #expect(overview.contains("/moderation?quoi=\(kind)"), "the overview leads to all the \(kind)")
                var seen: [Int] = []
                var page = 1
                while true {
                    let text = try await weigh("/moderation?quoi=\(kind)&page=\(page)")
                    let regex = try NSRegularExpression(pattern: pattern)
                    let found = regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap {
                        Range($0.range(at: 1), in: text).flatMap { Int(text[$0]) }
                    }
                    #expect(!found.isEmpty, "\(kind) page \(page)")
                    // (A title shows again in its buttons' hidden labels.)
                    var onThisPage: [Int] = []
                    for number in found where !onThisPage.contains(number) { onThisPage.append(number) }
                    seen += onThisPage
                    guard text.contains("Page suivante"), page < 60 else { break }
                    page += 1
                }
                #expect(seen.sorted() == Array(0..<Self.count), "\(kind): every item once, \(seen.count) seen")
            }
            // A page past the end shows the last one, with its filters.
            let past = try await weigh("/moderation?quoi=propositions&page=999")
            let last = try await weigh("/moderation?quoi=propositions&page=10")
            #expect(past.contains("Page 10 sur 10") && PageCacheTests.withoutFormTokens(past) == PageCacheTests.withoutFormTokens(last))
        }
    }
}
