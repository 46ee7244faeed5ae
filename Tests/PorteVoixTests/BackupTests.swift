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
                await #expect(throws: Backups.Problem.postgres) { try await Backups.backup(app, to: "/tmp/jamais.sqlite") }
                return
            }
            let author = try await makeMember(app, "Autrice")
            let poll = try await makePoll(app, kind: .yesNo)
            for index in 0..<6 {
                let voter = try await makeMember(app, "Votant \(index)")
                _ = try await BallotBox.cast(.yesNo(index < 4 ? .pour : .contre), poll: poll, memberID: voter.requireID(), on: app.db)
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
            let summary = try await Backups.backup(app, to: file)
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
            await #expect(throws: Backups.Problem.exists(file)) { try await Backups.backup(app, to: file) }
            #expect(FileManager.default.contents(atPath: file) == bytes)
        }
    }

    @Test func aRestoreRefusesDataKeysAndARunningSiteUnlessItShould() async throws {
        try await withTestApp { app in
            guard case .sqlite = app.settings.database else {
                await #expect(throws: Backups.Problem.postgres) {
                    try await Backups.restore(from: "/tmp/jamais.sqlite", settings: app.settings, replace: true)
                }
                return
            }
            try await makeMember(app, "Marie")
            let file = app.settings.dataDirectory + "/sauvegarde.sqlite"
            try await Backups.backup(app, to: file)

            // A new machine: an empty data folder, the same keys.
            let folder = app.settings.dataDirectory + "/nouvelle"
            var target = app.settings
            target.dataDirectory = folder
            target.database = .sqlite(path: folder + "/portevoix.sqlite")
            let restored = try await Backups.restore(from: file, settings: target, replace: false)
            #expect(restored.rows.first { $0.table == "members" }?.count == 1)
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
                try await Backups.restore(from: file, settings: target, replace: false)
                Issue.record("a database with data was overwritten without --remplacer")
            } catch Backups.Problem.notEmpty(_, let rows) {
                #expect(rows > 0)
            }
            try await Backups.restore(from: file, settings: target, replace: true)

            // A site still serving that database holds the lock.
            let serving = try SiteLock.take(folder + "/portevoix.sqlite", exclusive: false)
            await #expect(throws: Backups.Problem.siteRunning(folder + "/portevoix.sqlite")) {
                try await Backups.restore(from: file, settings: target, replace: true)
            }
            serving.release()

            // Other keys than the backup's: its polls could never be counted.
            var otherKeys = target
            otherKeys.keys = .given(ballotMaster: SiteKeys.randomKey(), signing: app.siteKeys.signing)
            await #expect(throws: Backups.Problem.otherKeys("ballot-master")) {
                try await Backups.restore(from: file, settings: otherKeys, replace: true)
            }

            // Not a backup at all.
            let garbage = folder + "/pas-une-sauvegarde.sqlite"
            FileManager.default.createFile(atPath: garbage, contents: Data(repeating: 0x42, count: 8192))
            await #expect(throws: Backups.Problem.self) { try await Backups.restore(from: garbage, settings: target, replace: true) }
            await #expect(throws: Backups.Problem.notFound(folder + "/absente.sqlite")) {
                try await Backups.restore(from: folder + "/absente.sqlite", settings: target, replace: true)
            }
            // After all the refusals, Marie's data is still whole.
            let rows = try await Backups.inspect(folder + "/portevoix.sqlite").rows
            #expect(rows.first { $0.table == "members" }?.count == 1)
        }
    }
}
