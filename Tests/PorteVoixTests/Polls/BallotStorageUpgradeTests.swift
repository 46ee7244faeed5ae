import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting
import Voting
@testable import PorteVoix

@Suite("Ballot boxes: upgrade and database roles")
struct BallotStorageUpgradeTests {

    @Test func pollsFromBeforeSealingAreSealedOrCountedAtStartUp() async throws {
        let (settings, folder, postgres) = try await freshDatabase()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // The schema as it was before sealed boxes, with plaintext ballots in it.
        let old = try await Application.make(.testing)
        old.logger.logLevel = .critical
        let openID = UUID(), closedID = UUID()
        do {
            try await DatabaseSetup.use(settings, on: old)
            old.migrations.add([CreateWebSessions(), CreateTerritoriesAndThemes(), CreateMembers(), CreateAccessCards(),
                                CreateAuditLog(), CreateAttemptCounters(), CreateProposals(), CreateNotifications(),
                                CreateMeetings(), CreatePolls()] as [any Migration])
            try await old.autoMigrate()
            let sql = old.db as! any SQLDatabase
            for (id, status) in [(openID, "open"), (closedID, "closed")] {
                try await sql.raw("""
                    INSERT INTO polls (id, question, description, kind, max_choices, minimum_ballots, eligibility, status,
                      paper_ballots, created_at, closed_at)
                    VALUES (\(bind: id), \(bind: "Ancien vote \(status)"), '', 'yesNo', 1, 5, 'all', \(bind: status), 0,
                      \(bind: Date()), \(bind: status == "closed" ? Date() : nil as Date?))
                    """).run()
            }
            let choices: [YesNoChoice] = [.pour, .pour, .contre, .abstention, .pour, .contre]
            for (index, choice) in choices.enumerated() {
                let memberID = UUID()
                try await sql.raw("""
                    INSERT INTO members (id, pseudonym, pseudonym_key, password_hash, status, created_at)
                    VALUES (\(bind: memberID), \(bind: "Ancien \(index)"), \(bind: "ancien \(index)"), 'x', 'active', \(bind: Date()))
                    """).run()
                for pollID in [openID, closedID] {
                    try await sql.raw("INSERT INTO poll_voters (poll_id, member_id, channel) VALUES (\(bind: pollID), \(bind: memberID), 'online')").run()
                    let plain = String(decoding: try JSONEncoder().encode(BallotContent.yesNo(choice)), as: UTF8.self)
                    try await sql.raw("""
                        INSERT INTO ballots (poll_id, id, content, tracker_hash)
                        VALUES (\(bind: pollID), \(bind: BallotBox.randomID()), \(bind: plain), \(bind: TrackerCode.hash("T\(index)")))
                        """).run()
                }
            }
        } catch {
            try? await old.asyncShutdown()
            try? await postgres?.drop()
            throw error
        }
        try await old.asyncShutdown()

        // Start-up with this version: the migration seals and counts.
        let app = try await Application.make(.testing)
        app.logger.logLevel = .critical
        do {
            try await configure(app, settings: settings)
            let sql = app.db as! any SQLDatabase
            let closed = try #require(try await Poll.find(closedID, on: app.db))
            #expect(closed.aggregate?.yesNo == YesNoResult(pour: 3, contre: 2, abstention: 1))
            #expect(try await BallotBox.ballotCount(pollID: closedID, on: app.db) == 0, "closed polls keep no ballot")
            #expect(try await BallotBox.trackerHashes(pollID: closedID, on: app.db).count == 6)

            let open = try #require(try await Poll.find(openID, on: app.db))
            #expect(open.custody == .standard && open.publicKey != nil && open.wrappedKey != nil)
            let stored = try await sql.raw("SELECT sealed_content FROM ballots WHERE poll_id = \(bind: openID)").all()
                .map { try $0.decode(column: "sealed_content", as: String.self) }
            #expect(stored.count == 6)
            #expect(stored.allSatisfy { !$0.contains("yesNo") && Data(base64Encoded: $0) != nil }, "no plaintext ballot left")
            // Members who voted before the upgrade are still known to have voted; the poll goes on.
            let late = try await makeMember(app, "Nouvelle")
            _ = try await BallotBox.cast(.yesNo(.contre), poll: open, memberID: late.requireID(), clock: app.clock, on: app.db)
            try await PollCount.close(open, at: app.clock.now(), app: app)
            #expect(open.aggregate?.yesNo == YesNoResult(pour: 3, contre: 3, abstention: 1))
            if case .sqlite(let path) = settings.database {
                for suffix in ["", "-wal"] {
                    let data = FileManager.default.contents(atPath: path + suffix) ?? Data()
                    // An individual ballot as it was stored ({"yesNo":{"_0":"pour"}}), not the totals.
                    #expect(!data.contains(#"{"yesNo":{"_0""#), "a plaintext ballot is still in the file\(suffix)")
                }
            }
        } catch {
            try? await app.asyncShutdown()
            try? await postgres?.drop()
            throw error
        }
        try await app.asyncShutdown()
        try await postgres?.drop()
    }

    /// PostgreSQL served by a role that does not own the tables: the
    /// database itself refuses what an injected statement could try.
    @Test(.enabled(if: TestDatabase.isPostgres))
    func aServingRoleCannotChangeTheBoxEvenThroughInjectedSQL() async throws {
        let (settings, folder, postgresDatabase) = try await freshDatabase()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let postgres = try #require(postgresDatabase)
        let role = "pv_serving_" + UUID().uuidString.lowercased().prefix(8)
        try await postgres.admin("CREATE ROLE \(role) LOGIN")
        var serving = settings
        var components = try #require(URLComponents(string: postgres.url))
        components.user = role
        serving.database = .postgres(url: try #require(components.string))
        serving.migrationDatabaseURL = postgres.url
        let app = try await Application.make(.testing)
        app.logger.logLevel = .critical
        do {
            try await configure(app, settings: serving)
            let poll = try await makePoll(app, kind: .yesNo, options: [])
            for index in 0..<5 {
                let member = try await makeMember(app, "Votant \(index)")
                _ = try await BallotBox.cast(.yesNo(.pour), poll: poll, memberID: member.requireID(), clock: app.clock, on: app.db)
            }
            let sql = app.db as! any SQLDatabase
            for statement in ["DELETE FROM ballots", "UPDATE ballots SET tracker_hash = 'x'", "TRUNCATE ballots",
                              "DELETE FROM poll_voters", "UPDATE poll_voters SET channel = 'paper'", "DELETE FROM audit_log",
                              "UPDATE site_keys SET fingerprint = 'x'", "DROP TRIGGER ballots_guard ON ballots",
                              "ALTER TABLE ballots DISABLE TRIGGER ALL"] {
                await #expect(throws: (any Error).self, "\(statement)") { try await sql.raw(SQLQueryString(statement)).run() }
            }
            try await app.db.transaction { database in
                let sql = database as! any SQLDatabase
                try await sql.raw("SET LOCAL portevoix.ballot_shuffle = 'on'").run()
                await #expect(throws: (any Error).self) { try await sql.raw("DELETE FROM ballots").run() }
            }
            // The one way to remove ballots does nothing while the poll is open.
            try await sql.raw("SELECT discard_counted_ballots(\(bind: poll.requireID()))").run()
            #expect(try await BallotBox.ballotCount(pollID: poll.requireID(), on: app.db) == 5)
            // Nor after an injected statement closes a poll and records a made-up count of it.
            let forged = try await makePoll(app, kind: .yesNo, options: [])
            for index in 0..<3 {
                let member = try await makeMember(app, "Autre votant \(index)")
                _ = try await BallotBox.cast(.yesNo(.contre), poll: forged, memberID: member.requireID(), clock: app.clock, on: app.db)
            }
            try await sql.raw("""
                UPDATE polls SET status = 'closed', closed_at = now(), counted_at = now(), result = '{"ballots":0}', wrapped_key = NULL
                WHERE id = \(bind: forged.requireID())
                """).run()
            try await sql.raw("SELECT discard_counted_ballots(\(bind: forged.requireID()))").run()
            #expect(try await BallotBox.ballotCount(pollID: forged.requireID(), on: app.db) == 3, "the box outlives a forged count")
            // The count still works, as the serving role, and the owner vacuums.
            try await PollCount.close(poll, at: app.clock.now(), app: app)
            #expect(poll.aggregate?.yesNo?.pour == 5)
            #expect(try await BallotBox.ballotCount(pollID: poll.requireID(), on: app.db) == 0)
        } catch {
            try? await app.asyncShutdown()
            try? await postgres.drop()
            try? await postgres.admin("DROP ROLE IF EXISTS \(role)")
            throw error
        }
        try await app.asyncShutdown()
        try await postgres.drop()
        try await postgres.admin("DROP ROLE IF EXISTS \(role)")
    }
}
