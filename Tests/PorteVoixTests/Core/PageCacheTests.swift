import Fluent
import NIOConcurrencyHelpers
import Foundation
@testable import PorteVoix
import SQLKit
import Testing
import Vapor
import VaporTesting

/// Public pages served from memory (`PageCache`): every promise is played by
/// the person it protects. A visitor must never read a page older than the
/// data it shows, whoever wrote the data; a member's page must never reach a
/// visitor; made-up addresses must not fill the server's memory.
@Suite struct PageCacheTests {
    /// A visitor without any cookie: the one the cache serves.
    static func visitor(_ app: Application, _ path: String) async throws -> TestingHTTPResponse {
        var browser = Browser(app)
        return try await browser.get(path)
    }

    /// The same page rendered from the database, never from memory.
    static func rendered(_ app: Application, _ path: String) async throws -> TestingHTTPResponse {
        // A session cookie (unknown, so nobody is signed in) bypasses the
        // cache; the visitor cookie no longer does.
        var browser = Browser(app)
        browser.cookies["portevoix"] = String(repeating: "a", count: 43)
        return try await browser.get(path)
    }

    /// Every page is what the database says now, and the second visit came from memory.
    static func expectFresh(_ app: Application, _ pages: [String], after change: String,
                            sourceLocation: SourceLocation = #_sourceLocation) async throws {
        for page in pages {
            let served = try await visitor(app, page)
            let truth = try await rendered(app, page)
            #expect(served.status == truth.status, "\(page) after \(change)", sourceLocation: sourceLocation)
            // A page with a form for visitors carries each visitor's own token (and is never kept).
            let servedText = withoutFormTokens(served.text), truthText = withoutFormTokens(truth.text)
            if servedText != truthText {
                let a = servedText.split(separator: ">"), b = truthText.split(separator: ">")
                let first = Array(zip(a, b)).firstIndex { $0 != $1 } ?? min(a.count, b.count)
                Issue.record("\(page) is stale after \(change): \(a[max(0, first - 3)..<min(a.count, first + 3)]) ≠ \(b[max(0, first - 3)..<min(b.count, first + 3)])",
                             sourceLocation: sourceLocation)
            }
        }
    }

    static func withoutFormTokens(_ text: String) -> String {
        text.replacingOccurrences(of: #"name="_csrf" value="[^"]*""#, with: "", options: .regularExpression)
    }

    /// Visits every page twice as a visitor: the cache now holds them all.
    static func warm(_ app: Application, _ pages: [String]) async throws {
        for page in pages {
            _ = try await visitor(app, page)
            _ = try await visitor(app, page)
        }
    }

    @Test func everyKindOfChangeShowsOnTheNextVisit() async throws {
        try await withTestApp { app in
            let marie = try await makeMember(app, "Marie")
            try await makeMember(app, "Paul")
            let proposal = try await makeProposal(app, title: "Un bus le dimanche", author: marie)
            let meeting = try await makeMeeting(app, status: .planned)
            let poll = try await makePoll(app, kind: .yesNo, meeting: meeting)
            let closedPoll = try await makePoll(app, kind: .yesNo, status: .open, minimum: 1)
            let name = ProposedName(name: "Allocataire", explanation: "Un nom neutre.", authorID: nil, anonymous: true, status: .published, at: app.clock.now())
            name.publishedAt = Date()
            try await name.create(on: app.db)
            let pages = ["/", "/propositions", "/propositions?page=1", "/suivi", proposal.path, "/moderation/transparence",
                         "/seances", "/seances/\(meeting.id!.uuidString)", "/seances/\(meeting.id!.uuidString)/compte-rendu", "/scrutins", poll.path,
                         closedPoll.path, closedPoll.path + "/bulletins", "/debat-denomination",
                         "/debat-denomination/noms/\(name.id!.uuidString)", "/charte"]
            // A session without minutes and a poll not yet counted have no such page yet.
            var found: [String] = []
            for page in pages where try await Self.visitor(app, page).status == .ok { found.append(page) }
            #expect(found.count == pages.count - 2)
            try await Self.warm(app, pages)
            let (held, _, hits, _) = app.pageCache.figures
            #expect(held == found.count, "every public page is kept")
            #expect(hits >= found.count, "the second visits came from memory")
            let sql = app.db.sql

            let changes: [(String, () async throws -> Void)] = [
                ("a new proposal", { try await makeProposal(app, title: "Des horaires de CAF le soir", author: marie) }),
                ("a proposal's title edited in the database by hand", {
                    try await sql.raw("UPDATE proposals SET title = 'Un bus le dimanche matin' WHERE id = \(bind: proposal.id!)").run()
                }),
                ("a support", { try await ProposalSupport(proposalID: proposal.id!, memberID: marie.id!).create(on: app.db) }),
                ("a comment", { try await ProposalComment(proposalID: proposal.id!, authorID: marie.id!, body: "Oui, le dimanche aussi.", at: app.clock.now()).create(on: app.db) }),
                ("an answer from the département", {
                    proposal.status = .answered
                    proposal.answer = "Le département étudie une ligne le dimanche."
                    proposal.answeredAt = Date()
                    try await proposal.update(on: app.db)
                }),
                ("an author's new pseudonym", {
                    let renamed = try Pseudonym("Marie-Jeanne")
                    marie.pseudonym = renamed.display
                    marie.pseudonymKey = renamed.key
                    try await marie.update(on: app.db)
                }),
                ("a theme renamed", { try await sql.raw("UPDATE themes SET name = 'Se déplacer' WHERE id = \(bind: proposal.$theme.id)").run() }),
                ("a session edited", {
                    meeting.title = "Séance de printemps"
                    try await meeting.update(on: app.db)
                }),
                ("a ballot", {
                    var browser = Browser(app)
                    try await browser.signIn("Paul")
                    let voted = try await browser.submit(["choix": "P"], on: poll.path, to: poll.path + "/vote")
                    #expect(voted.status == .ok)
                }),
                ("a poll closed and counted", {
                    let closed = try await PollCount.close(closedPoll, at: app.clock.now(), app: app)
                    #expect(closed)
                }),
                ("a proposal hidden by moderation", {
                    proposal.hiddenAt = Date()
                    try await proposal.update(on: app.db)
                }),
                ("a name withdrawn from the debate", { try await name.delete(on: app.db) }),
            ]
            for (change, make) in changes {
                try await make()
                try await Self.expectFresh(app, pages.filter { !(change.contains("hidden") && $0 == proposal.path) }, after: change)
                try await Self.warm(app, pages)
            }
            // The hidden proposal is gone from the page kept for visitors too.
            #expect(try await Self.visitor(app, proposal.path).status == .notFound)
            #expect(!(try await Self.visitor(app, "/propositions").text.contains("Un bus le dimanche")))
        }
    }

    @Test func aPollShowsClosedWhenItsClosingTimePassesWithNoWrite() async throws {
        try await withTestApp { app in
            let poll = try await makePoll(app, kind: .yesNo)
            poll.closesAt = app.clock.now().addingTimeInterval(3600)
            try await poll.update(on: app.db)
            let hitsBefore = app.pageCache.figures.hits
            let open = try await Self.visitor(app, poll.path)
            let again = try await Self.visitor(app, poll.path)
            #expect(open.text.contains("Clôture prévue") && !open.text.contains("Scrutin clos"))
            #expect(again.text == open.text)
            #expect(app.pageCache.figures.hits > hitsBefore, "the second visit came from memory")
            // Nothing is written: the clock alone moves the poll on.
            app.testClock.advance(by: 3601)
            let later = try await Self.visitor(app, poll.path)
            #expect(later.text.contains("Scrutin clos"))
            #expect(Self.withoutFormTokens(later.text) == Self.withoutFormTokens(try await Self.rendered(app, poll.path).text))
        }
    }

    @Test func anotherInstancesWriteShowsOnThisOne() async throws {
        try await withTestApp { first in
            let marie = try await makeMember(first, "Marie")
            try await makeProposal(first, title: "Un bus le dimanche", author: marie)
            try await Self.warm(first, ["/propositions"])
            try await SeveralInstancesTests.withSecondInstance(of: first) { second in
                try await makeProposal(second, title: "Des horaires de CAF le soir", author: marie)
                let seen = try await Self.visitor(first, "/propositions")
                #expect(seen.text.contains("Des horaires de CAF le soir"))
            }
        }
    }

    @Test func aMembersPageNeverReachesAVisitor() async throws {
        try await withTestApp { app in
            let marie = try await makeMember(app, "Marie")
            let proposal = try await makeProposal(app, author: marie)
            var browser = Browser(app)
            try await browser.signIn("Marie")
            let paths = ["/", "/propositions", proposal.path]
            var tokens: [String] = []
            for path in paths {
                let own = try await browser.get(path)
                #expect(own.text.contains("Se déconnecter"))
                tokens.append(try #require(own.csrfToken))
            }
            #expect(app.pageCache.figures.entries == 0, "a member's page is never kept")
            for (path, token) in zip(paths, tokens) {
                let seen = try await Self.visitor(app, path)
                #expect(!seen.text.contains(token))
                #expect(!seen.text.contains("Se déconnecter"))
            }
            // And the other way: a visitor's kept page never replaces the member's own.
            #expect(try await browser.get("/propositions").text.contains("Se déconnecter"))
        }
    }

    /// A returning visitor carries the visitor cookie for a year (they once
    /// opened a form): they get the kept pages too, and never another
    /// visitor's form token, nor is their own ever kept.
    @Test func aVisitorWithTheVisitorCookieGetsKeptPagesAndNoOnesToken() async throws {
        try await withTestApp { app in
            var returning = Browser(app)
            let signIn = try await returning.get("/connexion")
            let ownToken = try #require(signIn.csrfToken)
            let cookieName = VisitorToken.cookieName(secure: app.settings.secureCookies)
            #expect(returning.cookies[cookieName] != nil, "opening a form gave the visitor cookie")
            _ = try await Self.visitor(app, "/propositions")
            let hitsBefore = app.pageCache.figures.hits
            let list = try await returning.get("/propositions")
            #expect(list.status == .ok && app.pageCache.figures.hits == hitsBefore + 1, "served from memory")
            let truth = try await Self.rendered(app, "/propositions")
            #expect(list.body == truth.body)
            #expect(list.headers.setCookie == nil)
            // Their own form page is rendered for them and never kept.
            let entries = app.pageCache.figures.entries
            let again = try await returning.get("/connexion")
            #expect(again.csrfToken != nil && app.pageCache.figures.entries == entries)
            let stranger = try await Self.visitor(app, "/connexion")
            let secondToken = try #require(again.csrfToken)
            #expect(!stranger.text.contains(ownToken) && !stranger.text.contains(secondToken))
            // A page first asked for by the returning visitor is not kept from their render.
            _ = try await returning.get("/suivi")
            #expect(app.pageCache.figures.entries == entries)
        }
    }

    @Test func aKeptPageIsTheSamePageWithTheSameHeaders() async throws {
        try await withTestApp { app in
            _ = try await Self.visitor(app, "/propositions")
            let kept = try await Self.visitor(app, "/propositions")
            #expect(app.pageCache.figures.hits == 1)
            let truth = try await Self.rendered(app, "/propositions")
            #expect(kept.body == truth.body)
            for name in ["Content-Type", "Cache-Control", "Content-Security-Policy", "X-Frame-Options", "Referrer-Policy"] {
                #expect(kept.headers.first(name: name) == truth.headers.first(name: name), "\(name)")
            }
            #expect(kept.headers.setCookie == nil)
        }
    }

    @Test func anEditedMarkdownPageShowsOnTheNextVisit() async throws {
        // A copy of the project's resources, so that editing them touches no other test.
        let resources = FileManager.default.temporaryDirectory.appendingPathComponent("portevoix-resources-\(UUID().uuidString)").path + "/"
        try FileManager.default.createDirectory(atPath: resources, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: resources) }
        for folder in ["Content", "Styles", "Public"] {
            try FileManager.default.copyItem(atPath: projectRoot + folder, toPath: resources + folder)
        }
        try await withTestApp(adjust: { $0.resourcesDirectory = resources }) { app in
            try await Self.warm(app, ["/propositions", "/mentions-legales"])
            #expect(try await Self.visitor(app, "/propositions").text.contains("Accessibilité : non conforme"))
            let statement = resources + "Content/accessibilite.md"
            let text = try String(contentsOfFile: statement, encoding: .utf8)
            try text.replacingOccurrences(of: "statut: non conforme", with: "statut: partiellement conforme")
                .write(toFile: statement, atomically: true, encoding: .utf8)
            let notice = resources + "Content/mentions-legales.md"
            try (try String(contentsOfFile: notice, encoding: .utf8) + "\nHébergé par le Département.\n")
                .write(toFile: notice, atomically: true, encoding: .utf8)
            #expect(try await Self.visitor(app, "/propositions").text.contains("Accessibilité : partiellement conforme"))
            #expect(try await Self.visitor(app, "/mentions-legales").text.contains("Hébergé par le Département."))
        }
    }

    @Test func madeUpAddressesDoNotFillMemory() async throws {
        try await withTestApp { app in
            app.pageCache = PageCache(maxEntries: 40)
            // Unknown query keys, ids that are no UUID, ids of nothing: answered, never kept.
            for index in 0..<120 {
                #expect(try await Self.visitor(app, "/propositions?x\(index)=\(index)").status == .ok)
                _ = try await Self.visitor(app, "/propositions/\(index)")
                #expect(try await Self.visitor(app, "/propositions/\(UUID().uuidString)").status == .notFound)
                _ = try await Self.visitor(app, "/propositions?page=1&page=\(index)")
                _ = try await Self.visitor(app, "/propositions?q=" + String(repeating: "a", count: 200 + index))
            }
            #expect(app.pageCache.figures.entries == 0)
            // Known keys with made-up values: kept, within the bound.
            for index in 0..<120 {
                #expect(try await Self.visitor(app, "/propositions?page=\(index)").status == .ok)
            }
            #expect(app.pageCache.figures.entries <= 40)
            #expect(app.pageCache.figures.entries > 0)
            // A members' list is kept only for the addresses the site's own links make.
            let before = app.pageCache.dataFigures.entries
            for variant in ["page=01", "page=1&theme=x%7Cy", "theme=\(UUID().uuidString)x", "tri=recent", "page=+1"] {
                #expect(try await Self.rendered(app, "/propositions?" + variant).status == .ok)
            }
            #expect(app.pageCache.dataFigures.entries == before)
        }
    }

    @Test func everyTableAPageCanReadMovesTheVersion() async throws {
        try await withTestApp { app in
            let sql = app.db.sql
            let watched = Set(try await SiteVersion.watchedTables(on: sql))
            #expect(try await SiteVersion.triggeredTables(on: sql) == watched)
            for table in ["proposals", "members", "themes", "meetings", "polls", "ballots", "poll_voters", "proposed_names",
                          "name_opinions", "proposal_comments", "content_reports", "audit_entries"] {
                #expect(watched.contains(table), "\(table)")
            }
            // Writes that skip row triggers move it too.
            let sql2 = app.db.sql
            var moved = try await SiteVersion.read(on: sql2)
            if sql2.dialect.name == "postgresql" {
                try await sql2.raw("TRUNCATE proposal_supports").run()
                #expect(try await SiteVersion.read(on: sql2) > moved, "TRUNCATE")
                moved = try await SiteVersion.read(on: sql2)
                // As a restore or a replication tool writes.
                try await app.db.transaction { database in
                    try await database.sql.raw("SET LOCAL session_replication_role = replica").run()
                    try await database.sql.raw("UPDATE themes SET position = position + 1").run()
                }
                #expect(try await SiteVersion.read(on: sql2) > moved, "session_replication_role = replica")
            } else {
                try await sql2.raw("DELETE FROM proposal_supports").run()
                try await sql2.raw("UPDATE themes SET position = position + 1").run()
                #expect(try await SiteVersion.read(on: sql2) > moved)
            }
            // A member's visit writes their session: it must not empty the cache.
            let before = try await SiteVersion.read(on: sql)
            try await makeMember(app, "Marie")
            #expect(try await SiteVersion.read(on: sql) > before)
            var browser = Browser(app)
            try await browser.signIn("Marie")
            let signedIn = try await SiteVersion.read(on: sql)
            _ = try await browser.get("/mon-compte")
            _ = try await browser.get("/propositions")
            #expect(try await SiteVersion.read(on: sql) == signedIn)
        }
    }
}

/// The lists members see come from memory too (`Request.cachedData`), under the same rules.
/// The signed-in request reads its member in one query (`SignedInRow`):
/// each member sees their own state, as it is now, and never another's.
@Suite struct MembersOwnStateTests {
    @Test func eachMemberSeesTheirOwnStateAndNeverAnOldOne() async throws {
        try await withTestApp { app in
            let marie = try await makeMember(app, "Marie")
            try await makeMember(app, "Ahmed")
            try await makeMember(app, "Lina", roles: [.participant, .moderator])
            let proposal = try await makeProposal(app, author: nil)
            var marieBrowser = Browser(app), ahmedBrowser = Browser(app), linaBrowser = Browser(app)
            try await marieBrowser.signIn("Marie")
            try await ahmedBrowser.signIn("Ahmed")
            try await linaBrowser.signIn("Lina")
            // Marie supports it; Ahmed, who reads the page right after, does not.
            _ = try await marieBrowser.submit([:], on: proposal.path, to: proposal.path + "/soutien")
            #expect(try await marieBrowser.get(proposal.path).text.contains("Vous soutenez cette proposition."))
            let ahmedPage = try await ahmedBrowser.get(proposal.path).text
            #expect(!ahmedPage.contains("Vous soutenez cette proposition."))
            #expect(ahmedPage.contains("Se déconnecter") && ahmedPage.contains("Soutenir cette proposition"))
            // The page's shared part is kept, the reader's own is not: Ahmed's
            // comment waiting for review shows to him only, and a published one
            // and the département's answer show to both at once.
            let comment = ProposalComment(proposalID: try proposal.requireID(), authorID: try #require(try await Member.query(on: app.db)
                .filter(\.$pseudonym == "Ahmed").first()).requireID(), body: "Et le samedi aussi ?", at: app.clock.now())
            try await comment.create(on: app.db)
            #expect(try await ahmedBrowser.get(proposal.path).text.contains("Votre commentaire attend sa relecture."))
            let marieView = try await marieBrowser.get(proposal.path).text
            #expect(!marieView.contains("Votre commentaire attend sa relecture.") && !marieView.contains("Et le samedi aussi"))
            comment.status = .published
            try await comment.update(on: app.db)
            proposal.answer = "Le Département étudie une ligne le dimanche."
            try await proposal.update(on: app.db)
            for browser in [marieBrowser, ahmedBrowser] {
                var reader = browser
                let page = try await reader.get(proposal.path).text
                #expect(page.contains("Et le samedi aussi") && page.contains("Le Département étudie une ligne le dimanche."))
                #expect(!page.contains("Votre commentaire attend sa relecture."))
            }
            // A session's page: Marie's answer is hers, and the count moves for all at once.
            let meeting = try await makeMeeting(app, status: .planned)
            meeting.startsAt = app.clock.now().addingTimeInterval(86_400)
            meeting.endsAt = app.clock.now().addingTimeInterval(90_000)
            try await meeting.update(on: app.db)
            let meetingPath = "/seances/\(try meeting.requireID().uuidString)"
            _ = try await ahmedBrowser.get(meetingPath)
            _ = try await marieBrowser.submit(["reponse": "oui"], on: meetingPath, to: meetingPath + "/reponse")
            #expect(try await marieBrowser.get(meetingPath).text.contains("Vous avez dit que vous viendrez."))
            let ahmedMeeting = try await ahmedBrowser.get(meetingPath).text
            #expect(!ahmedMeeting.contains("Vous avez dit que vous viendrez."))
            // A notification for Marie shows at once for her only.
            try await Notifier.notify(marie.id, "Votre proposition a une réponse.", link: .home, at: app.clock.now(), on: app.db)
            #expect(try await marieBrowser.get("/propositions").text.contains("Notifications (1 non lue)"))
            #expect(!(try await ahmedBrowser.get("/propositions").text.contains("non lue")))
            // The moderator's badge follows what waits, and only moderators have it.
            let before = try await linaBrowser.get("/propositions").text
            #expect(before.contains("À relire") && !before.contains("en attente"))
            try await makeProposal(app, title: "Un lavoir au village", author: marie, status: .submitted)
            #expect(try await linaBrowser.get("/propositions").text.contains("À relire (1 en attente)"))
            #expect(!(try await marieBrowser.get("/propositions").text.contains("À relire")))
            // A role taken away, or an account suspended, counts from the next request.
            try await MemberRole.query(on: app.db).filter(\.$role == .moderator).delete()
            #expect(!(try await linaBrowser.get("/propositions").text.contains("À relire")))
            marie.status = .suspended
            try await marie.update(on: app.db)
            let suspended = try await marieBrowser.get("/propositions").text
            #expect(!suspended.contains("Se déconnecter") && !suspended.contains("Marie"))
            #expect(try await marieBrowser.get("/mon-compte").status == .seeOther)
        }
    }
}

extension MembersOwnStateTests {
    /// Made-up ids reach the handler (they look like pages): what they find
    /// (nothing) is never kept, so they cannot push real entries out.
    @Test func madeUpIdsKeepNothing() async throws {
        try await withTestApp { app in
            try await makeMember(app, "Marie")
            var marie = Browser(app)
            try await marie.signIn("Marie")
            _ = try await marie.get("/propositions")
            let before = app.pageCache.dataFigures.entries
            for _ in 0..<30 {
                #expect(try await marie.get("/propositions/\(UUID().uuidString)").status == .notFound)
                #expect(try await marie.get("/seances/\(UUID().uuidString)").status == .notFound)
            }
            #expect(app.pageCache.dataFigures.entries == before)
        }
    }
}

@Suite struct ListingCacheTests {
    @Test func aMembersListShowsEveryChangeOnTheNextVisit() async throws {
        try await withTestApp { app in
            let marie = try await makeMember(app, "Marie")
            let first = try await makeProposal(app, title: "Un bus le dimanche", author: marie)
            var browser = Browser(app)
            try await browser.signIn("Marie")
            #expect(try await browser.get("/propositions").text.contains("Un bus le dimanche"))
            try await makeProposal(app, title: "Des horaires de CAF le soir", author: marie)
            let after = try await browser.get("/propositions").text
            #expect(after.contains("Des horaires de CAF le soir"))
            #expect(after.contains("2 propositions"))
            first.hiddenAt = Date()
            try await first.update(on: app.db)
            let hidden = try await browser.get("/propositions").text
            #expect(!hidden.contains("Un bus le dimanche"))
            #expect(hidden.contains("1 proposition."))
            // A member's own buttons are never taken from what a visitor was shown.
            _ = try await PageCacheTests.visitor(app, "/propositions")
            #expect(try await browser.get("/propositions").text.contains("Mes propositions"))
            #expect(!(try await PageCacheTests.visitor(app, "/propositions").text.contains("Mes propositions")))
        }
    }
}

@Suite struct ReadGateTests {
    /// 2,000 requests, each after a write of its own: every one gets a number
    /// at least as new as its write, and they share far fewer reads.
    @Test func aSharedReadIsNeverOlderThanTheRequestThatWaitsForIt() async throws {
        let gate = ReadGate<Int64>()
        let counter = NIOLockedValueBox<Int64>(0)
        let reads = NIOLockedValueBox(0)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<2_000 {
                group.addTask {
                    let written = counter.withLockedValue { value -> Int64 in
                        value += 1
                        return value
                    }
                    let read = try await gate.read {
                        reads.withLockedValue { $0 += 1 }
                        let value = counter.withLockedValue { $0 }
                        try await Task.sleep(for: .microseconds(200))
                        return value
                    }
                    #expect(read >= written)
                }
            }
            try await group.waitForAll()
        }
        #expect(reads.withLockedValue { $0 } < 2_000)
    }

    @Test func aFailedReadFailsOnlyThoseWhoWaitedForIt() async throws {
        struct Unreachable: Error {}
        let gate = ReadGate<Int64>()
        await #expect(throws: Unreachable.self) { try await gate.read { throw Unreachable() } }
        #expect(try await gate.read { 7 } == 7)
    }
}
