import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
@testable import PorteVoix

/// `/scrutins` after years of votes: the open ones first, the closed ones
/// page by page; each page within the 30 KB budget, each poll reachable once.
@Suite("The list of votes, page by page")
struct PollListPagingTests {
    @Test func yearsOfClosedVotesArePagedAndEveryOneIsReachable() async throws {
        try await withTestApp { app in
            let long = "faut-il demander au Département un accompagnement renforcé vers l'emploi pour les parents seuls du territoire"
            for index in 0..<70 {
                let poll = try await makePoll(app, kind: .yesNo, status: .closed)
                poll.question = "Vote clos numéro \(index) : \(long) ?"
                try await poll.update(on: app.db)
            }
            for index in 0..<3 {
                let poll = try await makePoll(app, kind: .yesNo, status: .open)
                poll.question = "Vote ouvert numéro \(index) : \(long) ?"
                try await poll.update(on: app.db)
            }
            var visitor = Browser(app)
            let css = try await visitor.get(Layout.stylesheet).body.readableBytes
            var seen: [Int] = []
            var page = 1
            while true {
                let reply = try await visitor.get("/scrutins?page=\(page)")
                #expect(reply.status == .ok)
                #expect(reply.body.readableBytes + css <= 30_000, "page \(page): \(reply.body.readableBytes) + \(css)")
                let text = reply.text
                for index in 0..<3 { #expect(text.contains("Vote ouvert numéro \(index) :"), "open votes on every page") }
                let regex = try NSRegularExpression(pattern: "Vote clos numéro (\\d+) :")
                seen += regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap {
                    Range($0.range(at: 1), in: text).flatMap { Int(text[$0]) }
                }
                guard text.contains("Page suivante"), page < 10 else { break }
                page += 1
            }
            #expect(page == 4)
            #expect(seen.sorted() == Array(0..<70))
        }
    }
}
