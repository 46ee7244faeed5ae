import ConsoleKit
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
@testable import PorteVoix

/// Plays someone with write access to the database (an operator, an
/// injected statement with the guards lifted) who changes or removes an
/// entry of the audit log, and checks that the verification says so.
@Suite("Audit log: a chain nobody can quietly rewrite")
struct AuditLogTests {
    /// Lifts the append-only guard, as the owner of the tables could.
    static func liftGuard(_ sql: any SQLDatabase) async throws {
        if sql.dialect.name == "sqlite" {
            try await sql.raw("DROP TRIGGER audit_entries_no_update").run()
            try await sql.raw("DROP TRIGGER audit_entries_no_delete").run()
        } else {
            try await sql.raw("DROP TRIGGER audit_entries_append_only ON audit_entries").run()
        }
    }

    static func fill(_ app: Application, count: Int) async throws {
        let admin = try await makeMember(app, "Adèle admin", roles: [.admin])
        for index in 0..<count {
            try await AuditLog.append(actorID: admin.id, action: .cardsCreate, details: ["count": String(index + 1)], at: app.clock.now(), on: app.db)
        }
    }

    /// Runs `portevoix audit-verify` with these arguments; whether it succeeded.
    static func runCommand(_ app: Application, _ arguments: [String]) async -> Bool {
        var context = CommandContext(console: Terminal(), input: CommandInput(arguments: ["portevoix"] + arguments))
        context.application = app
        do {
            try await AuditVerifyCommand().run(using: &context)
            return true
        } catch {
            return false
        }
    }

    @Test func aNormalLogVerifiesAndAChangedRowIsNamed() async throws {
        try await withTestApp { app in
            try await Self.fill(app, count: 5)
            let intact = try await AuditChain.verify(on: app.db)
            #expect(intact.isIntact && intact.count == 5)
            #expect(await Self.runCommand(app, []))

            let sql = app.db.sql
            try await Self.liftGuard(sql)
            try await sql.raw("UPDATE audit_entries SET details = '{\"count\":\"500\"}' WHERE sequence = 3").run()
            let broken = try await AuditChain.verify(on: app.db)
            #expect(broken.broken?.sequence == 3)
            #expect(broken.broken?.problem.contains("modifié") == true)
            #expect(await Self.runCommand(app, []) == false)
        }
    }

    @Test func entriesRemovedAtTheEndAreSeen() async throws {
        try await withTestApp { app in
            try await Self.fill(app, count: 4)
            try await Self.liftGuard(app.db.sql)
            try await app.db.sql.raw("DELETE FROM audit_entries WHERE sequence >= 3").run()
            let result = try await AuditChain.verify(on: app.db)
            #expect(result.broken?.sequence == 3)
            #expect(result.broken?.problem.contains("manquent à la fin") == true)
        }
    }

    @Test func aRemovedEntryIsNamed() async throws {
        try await withTestApp { app in
            try await Self.fill(app, count: 4)
            try await Self.liftGuard(app.db.sql)
            try await app.db.sql.raw("DELETE FROM audit_entries WHERE sequence = 2").run()
            let result = try await AuditChain.verify(on: app.db)
            #expect(result.broken?.sequence == 2)
            #expect(result.broken?.problem.contains("manque") == true)
        }
    }

    /// The stronger attacker rewrites an entry and recomputes every hash
    /// after it: the chain holds again, but the head published earlier is no
    /// longer in it.
    @Test func aRecomputedChainDoesNotHoldTheHeadPublishedEarlier() async throws {
        try await withTestApp { app in
            try await Self.fill(app, count: 4)
            let published = try await AuditLog.head(on: app.db)
            #expect(published.sequence == 4)
            let proof = try await AuditChain.verify(on: app.db, head: published.hash)
            #expect(proof.headFound == 4)
            #expect(await Self.runCommand(app, ["--head", published.hash]))
            // The transparency page shows the same head to everyone.
            var visitor = Browser(app)
            let page = try await visitor.get(SiteURL.transparency.path).text
            #expect(page.contains(published.hash))

            try await AuditLog.append(actorID: nil, action: .demo, at: app.clock.now(), on: app.db)
            try await Self.liftGuard(app.db.sql)
            var previous = AuditChain.genesis
            for entry in try await AuditEntry.query(on: app.db).sort(\.$sequence).all() {
                if entry.sequence == 2 { entry.details = AuditDetails.encode(["count": "0"]) }
                entry.previousHash = previous
                entry.hash = AuditChain.hash(of: entry)
                try await entry.save(on: app.db)
                previous = entry.hash
            }
            try await app.db.sql.raw("UPDATE audit_head SET hash = \(bind: previous) WHERE singleton = 1").run()
            let rewritten = try await AuditChain.verify(on: app.db, head: published.hash)
            #expect(rewritten.isIntact, "a recomputed chain holds on its own")
            #expect(rewritten.headFound == nil, "but the head noted earlier is gone")
            #expect(await Self.runCommand(app, ["--head", published.hash]) == false)
        }
    }

    @Test func appendsAtTheSameMomentGetOneNumberEach() async throws {
        try await withTestApp { app in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<24 {
                    group.addTask {
                        try await AuditLog.append(actorID: nil, action: .demo, details: ["n": String(index)], at: app.clock.now(), on: app.db)
                    }
                }
                try await group.waitForAll()
            }
            let entries = try await AuditEntry.query(on: app.db).sort(\.$sequence).all()
            #expect(entries.map(\.sequence) == Array(1...24))
            #expect(try await AuditChain.verify(on: app.db).isIntact)
        }
    }

    /// What the log keeps about a moderation decision: ids and codes. The
    /// title and the pseudonyms appear only when a reader looks them up.
    @Test func entriesHoldReferencesNeverTitlesNorPseudonyms() async throws {
        try await withTestApp { app in
            let author = try await makeMember(app, "Camille")
            _ = try await makeMember(app, "Sam modère", roles: [.moderator])
            let proposal = try await makeProposal(app, title: "Un titre tout à fait reconnaissable", author: author, status: .submitted)
            var moderator = Browser(app)
            try await moderator.signIn("Sam modère")
            let refused = try await moderator.submit(["action": "reject", "motif": "off_topic", "note": "Ce n'est pas le bon endroit."],
                                                      on: proposal.path, to: proposal.path + "/statut")
            #expect(refused.status == .seeOther)
            let rows = try await app.db.sql.raw("SELECT * FROM audit_entries").all()
            #expect(rows.count >= 1)
            for row in rows {
                for column in row.allColumns {
                    let value = (try? row.decode(column: column, as: String?.self)) ?? nil
                    #expect(!(value ?? "").contains("reconnaissable"))
                    #expect(!(value ?? "").contains("Camille") && !(value ?? "").contains("Sam"))
                }
            }
            let journal = try await moderator.get(SiteURL.moderationJournal.path).text
            #expect(journal.contains("Un titre tout à fait reconnaissable"))
            #expect(journal.contains("hors sujet"))
        }
    }

    /// A log written before the chain quoted titles and pseudonyms: after the
    /// upgrade, nothing of them is left, not even in the file's free pages.
    @Test func theOldLogIsMigratedWithoutItsSentences() async throws {
        let (settings, folder, postgres) = try await freshDatabase()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let secret = "Titre tres secret de Dominique"
        let old = try await Application.make(.testing)
        old.logger.logLevel = .critical
        let actorID = UUID()
        do {
            try await DatabaseSetup.use(settings, on: old)
            old.migrations.add([CreateWebSessions(), CreateTerritoriesAndThemes(), CreateMembers(), CreateAccessCards(),
                                CreateAuditLog()] as [any Migration])
            try await old.autoMigrate()
            let sql = old.db.sql
            try await sql.raw("""
                INSERT INTO members (id, pseudonym, pseudonym_key, password_hash, status, created_at)
                VALUES (\(bind: actorID), 'Ancienne', 'ancienne', 'x', 'active', \(bind: Date()))
                """).run()
            for (index, action) in ["proposal.publish", "member.suspend"].enumerated() {
                try await sql.raw("""
                    INSERT INTO audit_log (id, actor_id, action, summary, created_at)
                    VALUES (\(bind: UUID()), \(bind: actorID), \(bind: action), \(bind: "Proposition « \(secret) » n° \(index)."),
                            \(bind: Date(timeIntervalSinceNow: Double(index - 10))))
                    """).run()
            }
        } catch {
            try? await old.asyncShutdown()
            try? await postgres?.drop()
            throw error
        }
        try await old.asyncShutdown()

        let app = try await Application.make(.testing)
        app.logger.logLevel = .critical
        do {
            try await configure(app, settings: settings)
            let entries = try await AuditEntry.query(on: app.db).sort(\.$sequence).all()
            #expect(entries.map(\.action) == ["proposal.publish", "member.suspend"])
            #expect(entries.allSatisfy { $0.$actor.id == actorID && $0.detailValues["migrated"] == "1" })
            #expect(try await AuditChain.verify(on: app.db).isIntact)
            let sentences = try await auditSentences(app)
            #expect(sentences.allSatisfy { !$0.contains(secret) })
            #expect(sentences.first?.contains("Proposition publiée") == true)
            let dump = try await app.db.sql.raw("SELECT * FROM audit_entries").all()
            for row in dump {
                for column in row.allColumns {
                    #expect(!(((try? row.decode(column: column, as: String?.self)) ?? nil) ?? "").contains(secret))
                }
            }
            if case .sqlite(let path) = settings.database {
                for suffix in ["", "-wal"] {
                    let data = FileManager.default.contents(atPath: path + suffix) ?? Data()
                    #expect(!data.contains(secret), "the old sentence is still in the file\(suffix)")
                }
            } else {
                let gone = try await app.db.sql.raw("SELECT to_regclass('audit_log') IS NULL AS gone").first()
                #expect(try gone?.decode(column: "gone", as: Bool.self) == true)
            }
        } catch {
            try? await app.asyncShutdown()
            try? await postgres?.drop()
            throw error
        }
        try await app.asyncShutdown()
        try await postgres?.drop()
    }
}
