import Fluent
import Foundation
@testable import PorteVoix
import SQLKit
import Testing
import Vapor
import VaporTesting

/// Two instances on one database, as behind a load balancer: whatever one
/// keeps, the other sees; whatever is scheduled, only one does.
@Suite(.serialized) struct SeveralInstancesTests {
    /// A second instance on `app`'s database, with the same settings and keys.
    static func withSecondInstance(of app: Application, adjust: (inout Settings) -> Void = { _ in },
                                   _ body: (Application) async throws -> Void) async throws {
        var settings = app.settings
        adjust(&settings)
        let other = try await Application.make(.testing)
        other.logger.logLevel = app.logger.logLevel
        do {
            try await configure(other, settings: settings)
            try await body(other)
        } catch {
            try? await other.asyncShutdown()
            throw error
        }
        try await other.asyncShutdown()
    }

    @Test func aMemberSignedInOnOneInstanceVotesAndSignsOutOnTheOther() async throws {
        try await withTestApp { first in
            try await Self.withSecondInstance(of: first) { second in
                try await makeMember(first, "Marie")
                let poll = try await makePoll(first, kind: .yesNo)
                var onFirst = Browser(first)
                let signedIn = try await onFirst.signIn("Marie")
                #expect(signedIn.status == .seeOther)
                // The load balancer sends the next requests elsewhere, same cookie.
                var onSecond = Browser(second)
                onSecond.cookies = onFirst.cookies
                let account = try await onSecond.get("/mon-compte")
                #expect(account.status == .ok && account.text.contains("Marie"))
                let voted = try await onSecond.submit(["choix": "P"], on: poll.path, to: poll.path + "/vote")
                #expect(voted.status == .ok)
                #expect(voted.text.contains("code-verification"), "the tracker is shown")
                let sql = first.db.sql
                #expect(try await sql.raw("SELECT COUNT(*) AS n FROM ballots").first()?.decode(column: "n", as: Int.self) == 1)
                #expect(try await sql.raw("SELECT COUNT(*) AS n FROM poll_voters").first()?.decode(column: "n", as: Int.self) == 1)
                // Back on the first instance: the vote is known there too.
                #expect(try await onFirst.get(poll.path).text.contains("Vous avez voté"))

                // Signing out on one ends the session on both.
                let token = try #require(try await onSecond.get("/mon-compte").csrfToken)
                _ = try await onSecond.post("/deconnexion", form: ["_csrf": token])
                #expect(try await onFirst.get("/mon-compte").status != .ok)
            }
        }
    }

    @Test func failedSignInsCountOnEveryInstance() async throws {
        try await withTestApp { first in
            try await Self.withSecondInstance(of: first) { second in
                try await makeMember(first, "Marie")
                // Six wrong passwords (five are free), spread over both instances.
                for attempt in 0..<6 {
                    var browser = Browser(attempt.isMultiple(of: 2) ? first : second)
                    let wrong = try await browser.signIn("Marie", password: "pas le bon mot de passe \(attempt)")
                    #expect(wrong.status != .seeOther)
                }
                // The right one, on either instance, now waits.
                for app in [first, second] {
                    var browser = Browser(app)
                    let paused = try await browser.signIn("Marie")
                    #expect(paused.status != .seeOther)
                    #expect(paused.text.contains("la connexion est en pause"))
                }
            }
        }
    }

    @Test func anInstallationLinkWorksOnAnyInstanceOnce() async throws {
        try await withTestApp { first in
            try await Self.withSecondInstance(of: first) { second in
                // Each instance printed its own link at start.
                let fromFirst = try await InstallationLinks.make(on: first.db, now: first.clock.now())
                let fromSecond = try await InstallationLinks.make(on: second.db, now: second.clock.now())
                var visitor = Browser(second)
                #expect(try await visitor.get("/installation?jeton=\(fromFirst)").status == .ok)
                let created = try await visitor.submit(
                    ["jeton": fromFirst, "pseudonyme": "Hélène admin", "motDePasse": defaultTestPassword,
                     "confirmation": defaultTestPassword],
                    on: "/installation?jeton=\(fromFirst)", to: "/installation")
                #expect(created.location == "/admin")
                // Both links are dead, on both instances.
                for app in [first, second] {
                    for token in [fromFirst, fromSecond] {
                        var other = Browser(app)
                        #expect(try await other.get("/installation?jeton=\(token)").status == .notFound)
                    }
                }
                let admins = try await MemberRole.query(on: first.db).filter(\.$role == .admin).count()
                #expect(admins == 1)
                // Nothing a copy of the database shows would open it again.
                #expect(try await first.db.sql.raw("SELECT COUNT(*) AS n FROM installation_links").first()?
                    .decode(column: "n", as: Int.self) == 0)
            }
        }
    }

    @Test func anExpiredInstallationLinkIsRefused() async throws {
        try await withTestApp { app in
            let old = try await InstallationLinks.make(on: app.db, now: Date().addingTimeInterval(-InstallationLinks.lifetime - 1))
            var visitor = Browser(app)
            #expect(try await visitor.get("/installation?jeton=\(old)").status == .notFound)
            #expect(try await !InstallationLinks.consume(old, on: app.db, now: app.clock.now()))
        }
    }

    @Test func aScheduledClosingIsCountedByExactlyOneInstance() async throws {
        try await withTestApp { first in
            try await Self.withSecondInstance(of: first) { second in
                let poll = try await makePoll(first, kind: .yesNo, minimum: 2)
                for index in 0..<6 {
                    let member = try await makeMember(first, "Votant \(index)")
                    _ = try await BallotBox.cast(.yesNo(index < 4 ? .pour : .contre), poll: poll, memberID: member.requireID(), clock: first.clock, on: first.db)
                }
                poll.closesAt = Date().addingTimeInterval(-1)
                try await poll.save(on: first.db)
                // Both instances' schedule tasks wake up at once.
                async let fromFirst: Void = PollSchedule.applyDue(first, now: first.clock.now())
                async let fromSecond: Void = PollSchedule.applyDue(second, now: second.clock.now())
                _ = try await (fromFirst, fromSecond)
                let sql = first.db.sql
                #expect(try await sql.raw("SELECT COUNT(*) AS n FROM poll_trackers").first()?.decode(column: "n", as: Int.self) == 6,
                        "each tracker published once")
                #expect(try await sql.raw("SELECT COUNT(*) AS n FROM ballots").first()?.decode(column: "n", as: Int.self) == 0)
                let counted = try #require(try await Poll.find(poll.id, on: first.db))
                #expect(counted.status == .closed && counted.countedAt != nil)
                #expect(counted.aggregate?.ballots == 6)
            }
        }
    }

    @Test func anInstanceWithAnotherBallotKeyRefusesToStart() async throws {
        try await withTestApp { first in
            let stored = first.siteKeys
            await #expect(throws: SiteKeyError.self) {
                try await Self.withSecondInstance(of: first, adjust: {
                    $0.keys = .given(ballotMaster: SiteKeys.randomKey(), signing: stored.signing)
                }) { _ in }
            }
            await #expect(throws: SiteKeyError.self) {
                try await Self.withSecondInstance(of: first, adjust: {
                    $0.keys = .given(ballotMaster: stored.ballotMaster, signing: SiteKeys.randomKey())
                }) { _ in }
            }
        }
    }

    static func post(_ browser: Browser, _ path: String, _ form: [String: String]) async throws -> TestingHTTPResponse {
        var browser = browser
        return try await browser.post(path, form: form)
    }

    @Test func twoInstallationLinksUsedAtTheSameMomentMakeOneAdministrator() async throws {
        try await withTestApp { first in
            try await Self.withSecondInstance(of: first) { second in
                let links = [try await InstallationLinks.make(on: first.db, now: first.clock.now()), try await InstallationLinks.make(on: second.db, now: second.clock.now())]
                var browsers = [Browser(first), Browser(second)]
                var tokens: [String] = []
                for index in 0..<2 {
                    tokens.append(try #require(try await browsers[index].get("/installation?jeton=\(links[index])").csrfToken))
                }
                let forms = (0..<2).map { index in
                    ["_csrf": tokens[index], "jeton": links[index], "pseudonyme": "Admin \(index)",
                     "motDePasse": defaultTestPassword, "confirmation": defaultTestPassword]
                }
                let (browserOne, browserTwo) = (browsers[0], browsers[1])
                async let one = Self.post(browserOne, "/installation", forms[0])
                async let two = Self.post(browserTwo, "/installation", forms[1])
                let answers = try await [one, two]
                #expect(answers.filter { $0.location == "/admin" }.count == 1, "exactly one link created an administrator")
                #expect(answers.filter { $0.status == .notFound }.count == 1, "the other person is told the link is no longer valid: \(answers.map(\.status))")
                let admins = try await MemberRole.query(on: first.db).filter(\.$role == .admin).count()
                #expect(admins == 1)
            }
        }
    }

    /// A ballot whose tracker was shown survives a power cut: SQLite syncs
    /// the journal at every commit; PostgreSQL waits for the disk at every
    /// commit, even on a database whose own default says otherwise.
    @Test func everyConnectionCommitsDurably() async throws {
        try await withTestApp { app in
            if case .sqlite = app.settings.database {
                for eventLoop in app.eventLoopGroup.makeIterator() {
                    let sql = try #require(app.databases.database(.sqlite, logger: app.logger, on: eventLoop) as? any SQLDatabase)
                    #expect(try await sql.raw("PRAGMA synchronous").first()?.decode(column: "synchronous", as: Int.self) == 2, "FULL")
                    #expect(try await sql.raw("PRAGMA journal_mode").first()?.decode(column: "journal_mode", as: String.self) == "wal")
                }
                return
            }
            // An operator (or a careless template) turns it off for the database.
            let name = try #require(try await app.db.sql.raw("SELECT current_database() AS n").first()?.decode(column: "n", as: String.self))
            try await app.db.sql.raw("ALTER DATABASE \(ident: name) SET synchronous_commit = off").run()
            try await Self.withSecondInstance(of: app) { instance in
                let sql = instance.db.sql
                for _ in 0..<6 {
                    let setting = try await sql.raw("SELECT current_setting('synchronous_commit') AS s").first()?.decode(column: "s", as: String.self)
                    #expect(setting == "on")
                }
            }
        }
    }
}
