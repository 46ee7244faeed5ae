import Fluent
import Foundation
import NIOConcurrencyHelpers
@testable import PorteVoix
import SQLKit
import Testing
import Vapor
import VaporTesting

/// `portevoix backup` and `portevoix restore`, played as the operator who
/// runs them and as the person who later holds the backup file.
@Suite(.serialized) struct BackupTests {
    @Test func aBackupTakenDuringWritesHoldsEveryCommittedRowAndNoKey() async throws {
        try await withTestApp { app in
            guard case .sqlite = app.settings.database else {
                // PostgreSQL: pg_dump's job, and the command says so.
                await #expect(throws: Backups.Problem.postgres) { try await Backups.backup(app.settings, to: "/tmp/jamais.sqlite") }
                return
            }
            let author = try await makeMember(app, "Autrice")
            let poll = try await makePoll(app, kind: .yesNo)
            for index in 0..<6 {
                let voter = try await makeMember(app, "Votant \(index)")
                _ = try await BallotBox.cast(.yesNo(index < 4 ? .pour : .contre), poll: poll, memberID: voter.requireID(), clock: app.clock, on: app.db)
            }
            // Proposals keep coming while the backup runs.
            let committed = NIOLockedValueBox<[String]>([])
            let total = 150
            let writer = Task {
                for index in 0..<total {
                    let proposal = try await makeProposal(app, title: "Proposition numéro \(index)", author: author)
                    committed.withLockedValue { $0.append(proposal.title) }
                }
            }
            while committed.withLockedValue({ $0.count }) < 20 { try await Task.sleep(for: .milliseconds(5)) }
            let before = Set(committed.withLockedValue { $0 })
            let file = app.settings.dataDirectory + "/sauvegarde.sqlite"
            let summary = try await Backups.backup(app.settings, to: file)
            let after = Set(committed.withLockedValue { $0 })
            try await writer.value
            #expect(before.count < total, "the backup ran while proposals were being written")

            // Opened as it is: every row committed before it began, nothing half-written.
            let titles = try await Backups.withConnection(file) { sql in
                Set(try await sql.raw("SELECT title FROM proposals").all().map { try $0.decode(column: "title", as: String.self) })
            }
            #expect(before.isSubset(of: titles), "\(before.subtracting(titles).count) committed proposals missing")
            #expect(titles.isSubset(of: after))
            let rows = Dictionary(uniqueKeysWithValues: summary.rows.map { ($0.table, $0.count) })
            #expect(rows["ballots"] == 6 && rows["poll_voters"] == 6, "the open poll's sealed box and register are there")
            #expect(rows["proposals"] == titles.count)
            #expect(try await Backups.inspect(file).rows.count == summary.rows.count, "integrity_check says ok")
            let permissions = try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int
            #expect(permissions == 0o600)

            // Whoever holds the backup holds no site key, in any form.
            let bytes = try #require(FileManager.default.contents(atPath: file))
            for key in [app.siteKeys.ballotMaster, app.siteKeys.signing] {
                for form in [Data(key), Data(Data(key).base64EncodedString().utf8),
                             Data(key.map { String(format: "%02x", $0) }.joined().utf8)] {
                    #expect(!bytes.contains(form), "a site key is in the backup")
                }
            }

            // A second backup never overwrites the first.
            await #expect(throws: Backups.Problem.exists(file)) { try await Backups.backup(app.settings, to: file) }
            #expect(FileManager.default.contents(atPath: file) == bytes)
        }
    }

    @Test func aRestoreRefusesDataKeysAndARunningSiteUnlessItShould() async throws {
        try await withTestApp { app in
            guard case .sqlite = app.settings.database else {
                await #expect(throws: Backups.Problem.postgres) {
                    try await Backups.restore(from: "/tmp/jamais.sqlite", settings: app.settings, replace: true, now: app.clock.now())
                }
                return
            }
            try await makeMember(app, "Marie")
            let file = app.settings.dataDirectory + "/sauvegarde.sqlite"
            // A session that exists when the backup is taken.
            var marieBefore = Browser(app)
            #expect(try await marieBefore.signIn("Marie").status == .seeOther)
            try await Backups.backup(app.settings, to: file)
            // A backup command pointed at the wrong folder makes no database.
            var lost = app.settings
            lost.database = .sqlite(path: app.settings.dataDirectory + "/ailleurs/portevoix.sqlite")
            await #expect(throws: Backups.Problem.noDatabase(app.settings.dataDirectory + "/ailleurs/portevoix.sqlite")) {
                try await Backups.backup(lost, to: app.settings.dataDirectory + "/autre.sqlite")
            }
            #expect(!FileManager.default.fileExists(atPath: app.settings.dataDirectory + "/ailleurs/portevoix.sqlite"))

            // A new machine: an empty data folder, the same keys.
            let folder = app.settings.dataDirectory + "/nouvelle"
            var target = app.settings
            target.dataDirectory = folder
            target.database = .sqlite(path: folder + "/portevoix.sqlite")
            let restored = try await Backups.restore(from: file, settings: target, replace: false, now: app.clock.now())
            #expect(restored.summary.rows.first { $0.table == "members" }?.count == 1)
            #expect(restored.keptAs == nil, "nothing to keep on a new machine")
            // Sessions come back to life with a backup: none is restored.
            let sessions = try await Backups.withConnection(folder + "/portevoix.sqlite") { sql in
                try await sql.raw("SELECT COUNT(*) AS n FROM web_sessions").first()?.decode(column: "n", as: Int.self)
            }
            #expect(sessions == 0)
            let site = try await Application.make(.testing)
            site.logger.logLevel = .warning
            do {
                try await configure(site, settings: target)
                var marie = Browser(site)
                #expect(try await marie.signIn("Marie").status == .seeOther, "the restored site knows Marie")
            } catch {
                try? await site.asyncShutdown()
                throw error
            }
            try await site.asyncShutdown()

            // The data is there now: refused unless told.
            do {
                try await Backups.restore(from: file, settings: target, replace: false, now: Date())
                Issue.record("a database with data was overwritten without --remplacer")
            } catch Backups.Problem.notEmpty(_, let rows) {
                #expect(rows > 0)
            }
            let replaced = try await Backups.restore(from: file, settings: target, replace: true, now: app.clock.now())
            let kept = try #require(replaced.keptAs, "the replaced database is kept beside")
            #expect(FileManager.default.fileExists(atPath: kept))
            #expect(try await Backups.inspect(kept).rows.first { $0.table == "members" }?.count == 1)

            // A site still serving that database holds the lock.
            let serving = try SiteLock.take(folder + "/portevoix.sqlite", exclusive: false, busy: .restoring(""))
            await #expect(throws: Backups.Problem.siteRunning(folder + "/portevoix.sqlite")) {
                try await Backups.restore(from: file, settings: target, replace: true, now: Date())
            }
            serving.release()

            // Other keys than the backup's: its polls could never be counted.
            var otherKeys = target
            otherKeys.keys = .given(ballotMaster: SiteKeys.randomKey(), signing: app.siteKeys.signing)
            await #expect(throws: Backups.Problem.otherKeys("ballot-master")) {
                try await Backups.restore(from: file, settings: otherKeys, replace: true, now: Date())
            }

            // Not a backup at all: bytes, or an SQLite file of something else.
            let garbage = folder + "/pas-une-sauvegarde.sqlite"
            FileManager.default.createFile(atPath: garbage, contents: Data(repeating: 0x42, count: 8192))
            await #expect(throws: Backups.Problem.damaged(garbage)) { try await Backups.restore(from: garbage, settings: target, replace: true, now: Date()) }
            let other = folder + "/autre-logiciel.sqlite"
            try await Backups.withConnection(other) { sql in try await sql.raw("CREATE TABLE notes (texte TEXT)").run() }
            await #expect(throws: Backups.Problem.notPorteVoix(other)) { try await Backups.restore(from: other, settings: target, replace: true, now: Date()) }
            // A backup with its key fingerprints removed proves nothing about its keys.
            let stripped = folder + "/sans-empreintes.sqlite"
            try FileManager.default.copyItem(atPath: file, toPath: stripped)
            try await Backups.withConnection(stripped) { sql in try await sql.raw("DELETE FROM site_keys").run() }
            await #expect(throws: Backups.Problem.otherKeys("ballot-master")) {
                try await Backups.restore(from: stripped, settings: target, replace: true, now: Date())
            }
            // A key folder that is not there is not made up.
            var noFolder = target
            noFolder.keys = .folder(path: folder + "/cles-absentes")
            await #expect(throws: Backups.Problem.noKeys(folder + "/cles-absentes")) {
                try await Backups.restore(from: file, settings: noFolder, replace: true, now: Date())
            }
            #expect(!FileManager.default.fileExists(atPath: folder + "/cles-absentes"))
            await #expect(throws: Backups.Problem.notFound(folder + "/absente.sqlite")) {
                try await Backups.restore(from: folder + "/absente.sqlite", settings: target, replace: true, now: Date())
            }
            // A database SQLite cannot read at all (the disaster a restore is for):
            // replaced only when told, and kept beside.
            let broken = app.settings.dataDirectory + "/abimee"
            var brokenSite = target
            brokenSite.dataDirectory = broken
            brokenSite.database = .sqlite(path: broken + "/portevoix.sqlite")
            try FileManager.default.createDirectory(atPath: broken, withIntermediateDirectories: true)
            FileManager.default.createFile(atPath: broken + "/portevoix.sqlite", contents: Data(repeating: 0x13, count: 4096))
            do {
                try await Backups.restore(from: file, settings: brokenSite, replace: false, now: Date())
                Issue.record("an unreadable database was replaced without --remplacer")
            } catch Backups.Problem.notEmpty(_, let rows) {
                #expect(rows == -1)
            }
            let rescued = try await Backups.restore(from: file, settings: brokenSite, replace: true, now: Date())
            #expect(rescued.keptAs != nil)
            #expect(try await Backups.inspect(broken + "/portevoix.sqlite").rows.first { $0.table == "members" }?.count == 1)

            // After all the refusals, Marie's data is still whole.
            let rows = try await Backups.inspect(folder + "/portevoix.sqlite").rows
            #expect(rows.first { $0.table == "members" }?.count == 1)
        }
    }

    @Test func aBackupFromAnOlderVersionIsRestoredAndBroughtUpToDate() async throws {
        try await withTestApp { app in
            guard case .sqlite = app.settings.database else { return }
            try await makeMember(app, "Marie")
            let file = app.settings.dataDirectory + "/ancienne.sqlite"
            try await Backups.backup(app.settings, to: file)
            // As the version before API tokens and stored installation links made it.
            try await Backups.withConnection(file) { sql in
                try await sql.raw("DROP TABLE installation_links").run()
                try await sql.raw("DROP TABLE api_tokens").run()
                try await sql.raw("DELETE FROM _fluent_migrations WHERE name LIKE '%CreateAPITokens' OR name LIKE '%CreateInstallationLinks'").run()
            }
            let folder = app.settings.dataDirectory + "/nouvelle"
            var target = app.settings
            target.dataDirectory = folder
            target.database = .sqlite(path: folder + "/portevoix.sqlite")
            try await Backups.restore(from: file, settings: target, replace: false, now: app.clock.now())
            let site = try await Application.make(.testing)
            site.logger.logLevel = .warning
            do {
                try await configure(site, settings: target)
                var marie = Browser(site)
                #expect(try await marie.signIn("Marie").status == .seeOther)
                let tables = try await site.db.sql.raw("SELECT COUNT(*) AS n FROM sqlite_master WHERE name IN ('api_tokens', 'installation_links')")
                    .first()?.decode(column: "n", as: Int.self)
                #expect(tables == 2, "the missing migrations ran at start")
            } catch {
                try? await site.asyncShutdown()
                throw error
            }
            try await site.asyncShutdown()
        }
    }
}
