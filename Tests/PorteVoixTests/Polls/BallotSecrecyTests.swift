import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting
import Voting
@testable import PorteVoix

/// Signs a new member in and votes through the real forms; returns the tracker.
func voteThroughTheSite(_ app: Application, as name: String, poll: Poll, fields: [String: String]) async throws -> String {
    try await makeMember(app, name)
    var browser = Browser(app)
    try await browser.signIn(name)
    let cast = try await browser.submit(fields, on: poll.path, to: poll.path + "/vote")
    #expect(cast.status == .ok, "\(name): \(cast.status)")
    return try #require(cast.trackerCode)
}

extension Data {
    func contains(_ bytes: [UInt8]) -> Bool { range(of: Data(bytes)) != nil }
    func contains(_ text: String) -> Bool { range(of: Data(text.utf8)) != nil }
}

/// Plays the person the secret ballot protects against: someone who holds
/// a copy of the data folder (SQLite, with its journal, taken while the site
/// runs) or who can query PostgreSQL as the tables' owner.
@Suite("Ballot secrecy against a copy of the database")
struct BallotSecrecyTests {
    static let options = ["Option Alpha", "Option Beta", "Option Gamma"]

    /// Eight members vote in a known order, each with a pattern of its own.
    static let patterns: [[Grade]] = [
        [.excellent, .aRejeter, .passable], [.aRejeter, .excellent, .bien], [.bien, .bien, .bien],
        [.insuffisant, .tresBien, .assezBien], [.passable, .passable, .excellent], [.tresBien, .insuffisant, .aRejeter],
        [.assezBien, .bien, .tresBien], [.excellent, .excellent, .insuffisant],
    ]

    static func fields(_ grades: [Grade]) -> [String: String] {
        Dictionary(uniqueKeysWithValues: grades.enumerated().map { ("note-\($0.offset)", String($0.element.rawValue)) })
    }

    /// The SQLite file and its journal, as a backup taken now would copy them.
    static func copyOfTheDataFolder(_ app: Application) throws -> [String: Data] {
        guard case .sqlite(let path) = app.settings.database else { return [:] }
        var files: [String: Data] = [:]
        for suffix in ["", "-wal", "-shm"] {
            if let data = FileManager.default.contents(atPath: path + suffix) { files[suffix] = data }
        }
        return files
    }

    /// Opens a copy of the SQLite files the way an attacker would, with SQLite itself.
    static func readCopy(_ files: [String: Data], _ query: String) async throws -> [any SQLRow] {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("attaquant-\(UUID())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        for (suffix, data) in files { FileManager.default.createFile(atPath: folder + "/copie.sqlite" + suffix, contents: data) }
        let reader = try await Application.make(.testing)
        reader.logger.logLevel = .critical
        reader.databases.use(.sqlite(.file(folder + "/copie.sqlite")), as: .sqlite)
        do {
            let rows = try await (reader.db as! any SQLDatabase).raw(SQLQueryString(query)).all()
            try await reader.asyncShutdown()
            return rows
        } catch {
            try? await reader.asyncShutdown()
            throw error
        }
    }

    /// The data files of the box and the polls table, flushed to disk first
    /// (the test server's user is a superuser, like a database operator).
    static func postgresTableFiles(_ sql: any SQLDatabase) async throws -> Data {
        try await sql.raw("CHECKPOINT").run()
        var data = Data()
        for table in ["ballots", "polls"] {
            let row = try await sql.raw("SELECT pg_read_binary_file(pg_relation_filepath(\(bind: table))) AS bytes").first()
            data.append(try row?.decode(column: "bytes", as: Data.self) ?? Data())
        }
        return data
    }

    @Test func aCopyOfTheDatabaseTellsNobodyHowAnyoneVotedNorHoldsABallotOnceCounted() async throws {
        try await withTestApp { app in
            let poll = try await makePoll(app, options: Self.options)
            let rules = PollRules(kind: .majorityJudgment, optionCount: 3)
            var trackers: [String] = []
            for (index, pattern) in Self.patterns.enumerated() {
                trackers.append(try await voteThroughTheSite(app, as: "Votant \(index)", poll: poll, fields: Self.fields(pattern)))
            }
            let sql = app.db as! any SQLDatabase
            let sqlite = sql.dialect.name == "sqlite"
            let wrappedKey = try #require(try await Poll.find(poll.id, on: app.db)?.wrappedKey)
            var sealedBallots: [String] = []

            if sqlite {
                // While the poll is open: the file and its -wal, copied as they are.
                let files = try Self.copyOfTheDataFolder(app)
                #expect(files["-wal"] != nil, "the journal is part of the copy")
                for (suffix, data) in files {
                    for pattern in Self.patterns {
                        #expect(!data.contains(BallotCodec.encode(.grades(pattern), rules: rules)), "a ballot in clear in \(suffix)")
                        #expect(!data.contains(String(data: try JSONEncoder().encode(BallotContent.grades(pattern)), encoding: .utf8)!))
                    }
                    #expect(!data.contains("grades") && !data.contains("\"_0\""), "no JSON ballot in \(suffix)")
                }
                let rows = try await Self.readCopy(files, "SELECT sealed_content FROM ballots")
                sealedBallots = try rows.map { try $0.decode(column: "sealed_content", as: String.self) }
            } else {
                // As the owner: the transaction ids and positions that pair a
                // register row with its ballot are there, but the ballot is sealed.
                let voters = try await sql.raw("SELECT xmin::text AS tx, member_id FROM poll_voters").all()
                let ballots = try await sql.raw("SELECT xmin::text AS tx, ctid::text AS position, sealed_content FROM ballots").all()
                #expect(voters.count == 8 && ballots.count == 8)
                let stats = try await sql.raw("""
                    SELECT n_tup_upd, n_tup_del FROM pg_stat_user_tables WHERE relname = 'ballots'
                    """).first()
                #expect((try stats?.decode(column: "n_tup_upd", as: Int.self)) ?? 0 == 0)
                sealedBallots = try ballots.map { try $0.decode(column: "sealed_content", as: String.self) }
                let files = try await Self.postgresTableFiles(sql)
                #expect(sealedBallots.contains { files.contains($0) }, "the files are read for real: the sealed ballots are there")
            }
            // Whatever pairing the attacker makes, the ballot they pair says nothing.
            #expect(sealedBallots.count == 8)
            let sealedBytes = sealedBallots.map { Array(Data(base64Encoded: $0) ?? Data()) }
            #expect(Set(sealedBytes.map(\.count)) == [BallotSeal.sealedLength(rules)], "every sealed ballot has the same length")
            for bytes in sealedBytes {
                #expect((try? BallotCodec.decode(bytes, rules: rules)) == nil)
                #expect((try? JSONDecoder().decode(BallotContent.self, from: Data(bytes))) == nil)
                for pattern in Self.patterns {
                    #expect(!Data(bytes).contains(BallotCodec.encode(.grades(pattern), rules: rules)))
                }
            }

            // The count: results from the aggregate, the box emptied, the key destroyed.
            try await PollCount.close(poll, at: app.clock.now(), app: app)
            let counted = try #require(try await Poll.find(poll.id, on: app.db))
            #expect(counted.wrappedKey == nil)
            #expect(counted.aggregate?.ballots == 8)
            let expected = Tally.grades(Self.patterns.map { .grades($0) }, optionCount: 3)
            #expect(counted.aggregate?.grades == expected)
            #expect(try await BallotBox.trackerHashes(pollID: poll.requireID(), on: app.db).sorted()
                    == trackers.map(TrackerCode.hash).sorted())
            var visitor = Browser(app)
            #expect(try await visitor.get(poll.path).text.contains("Mention majoritaire"))

            if sqlite {
                let files = try Self.copyOfTheDataFolder(app)
                #expect((files["-wal"]?.count ?? 0) == 0, "the journal was emptied after the count")
                for (suffix, data) in files {
                    for (text, bytes) in zip(sealedBallots, sealedBytes) {
                        #expect(!data.contains(text), "a sealed ballot is still in \(suffix)")
                        #expect(!data.contains(Array(bytes.prefix(48))))
                    }
                    #expect(!data.contains(wrappedKey), "the wrapped key is still in \(suffix)")
                }
                let left = try await Self.readCopy(files, "SELECT COUNT(*) AS n FROM ballots")
                #expect(try left.first?.decode(column: "n", as: Int.self) == 0)
            } else {
                let left = try await sql.raw("SELECT COUNT(*) AS n FROM ballots").first()?.decode(column: "n", as: Int.self)
                #expect(left == 0)
                // The files themselves, as a copy of the data directory would hold them.
                let files = try await Self.postgresTableFiles(sql)
                for (text, wrapped) in zip(sealedBallots, Array(repeating: wrappedKey, count: sealedBallots.count)) {
                    #expect(!files.contains(text), "a sealed ballot is still in the table files")
                    #expect(!files.contains(wrapped), "the wrapped key is still in the table files")
                }
                // No live row of the polls table holds the key any more.
                let keys = try await sql.raw("SELECT COUNT(*) AS n FROM polls WHERE wrapped_key IS NOT NULL AND id = \(bind: poll.requireID())")
                    .first()?.decode(column: "n", as: Int.self)
                #expect(keys == 0)
            }
        }
    }

    /// Everything an attacker holding the database could read: the SQLite
    /// file with its journal, or every row of every PostgreSQL table.
    static func everythingInTheDatabase(_ app: Application) async throws -> Data {
        if case .sqlite = app.settings.database {
            return try copyOfTheDataFolder(app).values.reduce(Data(), +)
        }
        let sql = app.db as! any SQLDatabase
        var dump = Data()
        let tables = try await sql.raw("SELECT tablename FROM pg_tables WHERE schemaname = 'public'").all()
            .map { try $0.decode(column: "tablename", as: String.self) }
        for table in tables {
            let rows = try await sql.raw("SELECT row_to_json(t)::text AS r FROM \(unsafeRaw: "\"" + table + "\"") t").all()
            for row in rows { dump.append(Data(try row.decode(column: "r", as: String.self).utf8)) }
        }
        return dump
    }

    /// A key share, or the site keys, in any form an attacker could search for.
    static func forms(ofShare code: String, poll: Poll) throws -> [Data] {
        let share = try KeyShareCode.decode(code, pollIdentifier: poll.identifier).share
        return [Data(code.utf8), Data(code.replacingOccurrences(of: " ", with: "").utf8), Data(share.bytes),
                Data(Data(share.bytes).base64EncodedString().utf8)]
    }

    @Test func aSealedBoxOpensOnlyWithEnoughShares() async throws {
        let capture = LogCapture()
        try await withTestApp(beforeConfigure: { app in app.logger = capture.logger(level: .trace) }) { app in
            app.logger.logLevel = .trace
            try await makeMember(app, "Nadia", roles: [.facilitator])
            var holders: [Browser] = []
            for name in ["Awa", "Bruno", "Célia"] {
                try await makeMember(app, name, activatedAt: aMonthAgo)
                var browser = Browser(app)
                try await browser.signIn(name)
                holders.append(browser)
            }
            var facilitator = Browser(app)
            try await facilitator.signIn("Nadia")
            let created = try await facilitator.submit([
                "question": "Quel lieu pour l'assemblée ?", "type": "majorityJudgment", "choix": "Mairie\nMédiathèque",
                "urne": "sealed", "detenteurs": "Awa\nBruno\nCélia", "seuil": "2",
            ], on: "/scrutins/nouveau")
            #expect(created.status == .seeOther)
            let poll = try #require(try await Poll.query(on: app.db).filter(\.$question == "Quel lieu pour l'assemblée ?").first())
            #expect(poll.custody == .sealed && poll.wrappedKey == nil, "the server keeps no key of a sealed poll")
            // Each holder opens their own share, once.
            var codes: [String] = []
            for index in holders.indices {
                let shown = try await holders[index].submit([:], on: poll.path + "/ma-part")
                #expect(shown.headers.first(name: .cacheControl)?.contains("no-store") == true)
                codes.append(try #require(InsiderTests.shareCode(in: shown.text)))
            }
            #expect(!created.text.contains(codes[0]))
            // What the database (file and journal, or every table) and the logs hold: no share, no site key.
            func expectNoSecretHeld(_ moment: String) async throws {
                var held = try await Self.everythingInTheDatabase(app)
                held.append(Data(capture.all.joined(separator: "\n").utf8))
                for code in codes {
                    for form in try Self.forms(ofShare: code, poll: poll) {
                        #expect(held.range(of: form) == nil, "a key share is held \(moment)")
                    }
                }
                for key in [app.siteKeys.ballotMaster, app.siteKeys.signing] {
                    #expect(held.range(of: Data(key)) == nil && held.range(of: Data(Data(key).base64EncodedString().utf8)) == nil,
                            "a site key is held \(moment)")
                }
            }
            try await expectNoSecretHeld("after the holders fetched their shares")
            try await facilitator.submit(["action": "ouvrir"], on: poll.path, to: poll.path + "/statut")
            let patterns: [[Grade]] = [[.bien, .passable], [.excellent, .aRejeter], [.bien, .bien], [.passable, .tresBien],
                                       [.insuffisant, .bien]]
            for (index, pattern) in patterns.enumerated() {
                _ = try await voteThroughTheSite(app, as: "Votant \(index)", poll: poll, fields: Self.fields(pattern))
            }
            try await facilitator.submit(["action": "clore"], on: poll.path, to: poll.path + "/statut")
            var visitor = Browser(app)
            #expect(try await visitor.get(poll.path).text.contains("clos, en attente des détenteurs de clés"))
            #expect(try await visitor.get("/scrutins").text.contains("clos, en attente des détenteurs de clés"))
            #expect(try await visitor.get("/").text.contains("clos, en attente des détenteurs de clés"))
            #expect(try await BallotBox.ballotCount(pollID: poll.requireID(), on: app.db) == 5, "sealed until the holders meet")

            // A mistyped share, another holder's share: nothing happens, the page says which.
            var typo = Array(codes[0])
            typo[3] = typo[3] == "A" ? "B" : "A"
            let refused = try await holders[0].submit(["part": String(typo)], on: poll.path + "/depouillement")
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.text.contains("Cette part est mal tapée"))
            #expect(refused.text.contains(String(typo)), "what was typed stays in the form")
            let swapped = try await holders[0].submit(["part": codes[1]], on: poll.path + "/depouillement")
            #expect(swapped.text.contains("celle du détenteur n° 2 (Bruno)"))
            #expect(try await Poll.find(poll.id, on: app.db)?.countedAt == nil)

            // Two holders, each from their own account: the box opens, results match what was cast.
            #expect(try await holders[0].submit(["part": codes[0].lowercased()], on: poll.path + "/depouillement").status == .seeOther)
            let opened = try await holders[2].submit(["part": codes[2]], on: poll.path + "/depouillement")
            #expect(opened.status == .seeOther)
            let counted = try #require(try await Poll.find(poll.id, on: app.db))
            #expect(counted.aggregate?.grades == Tally.grades(patterns.map { .grades($0) }, optionCount: 2))
            #expect(try await BallotBox.ballotCount(pollID: poll.requireID(), on: app.db) == 0)
            let results = try await visitor.get(poll.path).text
            #expect(results.contains("Mention majoritaire"))
            let journal = try await auditSentences(app).joined(separator: "\n")
            #expect(journal.contains("a tapé la part du détenteur n° 2"))
            #expect(journal.contains("2 parts valables sur 2 nécessaires") && journal.contains("urne ouverte"))
            try await expectNoSecretHeld("after the count")
        }
    }
}

@Suite("Secrecy promises say who can know what")
struct SecrecyPromiseTests {
    @Test func noPageOverpromisesAndEachBoxSaysWhomItProtectsAgainst() async throws {
        try await withTestApp { app in
            try await makeMember(app, "Camille")
            let standard = try await makePoll(app, kind: .yesNo, options: [])
            let sealed = try await makePoll(app, kind: .yesNo, options: [], status: .draft)
            _ = try PollKeys.sealed(sealed, holders: ["Awa", "Bruno", "Célia"], threshold: 2)
            sealed.status = .open
            try await sealed.save(on: app.db)
            var member = Browser(app)
            try await member.signIn("Camille")
            var pages: [String: String] = [:]
            for path in ["/", "/charte", "/confidentialite", "/aide", "/scrutins", "/propositions/nouvelle", "/mon-compte/donnees",
                         standard.path, sealed.path] {
                pages[path] = try await member.get(path).text
            }
            // The sentences that were false against a copy of the database.
            for (path, page) in pages {
                #expect(!page.contains("Personne ne peut savoir ce que vous avez voté"), "\(path)")
                #expect(!page.contains("pas même le Département"), "\(path)")
                #expect(!page.contains("Personne d'autre que vous ne saura"), "\(path)")
                #expect(!page.contains("Personne ne saura qui soutient"), "\(path)")
            }
            #expect(pages[standard.path]?.contains("Seule la personne qui fait fonctionner le serveur pourrait") == true)
            #expect(pages[sealed.path]?.contains("pas même la personne qui fait fonctionner le serveur") == true)
            #expect(pages["/confidentialite"]?.contains("urne ordinaire") == true)
            #expect(pages["/confidentialite"]?.contains("même pour les votes à plusieurs choix") == true)
            // Against the people who run the room (design/voting.md, "Insiders").
            for promise in ["soit sur papier, soit en ligne, jamais les deux", "vous en êtes averti·e dans vos notifications",
                            "ni la personne qui a préparé le vote", "une personne la demande, une autre la confirme",
                            "saurait aussi, par déduction, le vote du dernier"] {
                #expect(pages["/confidentialite"]?.contains(promise) == true, "\(promise)")
            }
            #expect(pages["/propositions/nouvelle"]?.contains("pour que vous puissiez la modifier") == true)
        }
    }
}

@Suite("Secret ballots: closing, floors, paper and traffic")
struct BallotRulesTests {
    @Test func noBallotLandsAfterTheCloseAndNoneIsLeftOutOfTheCount() async throws {
        try await withTestApp { app in
            let poll = try await makePoll(app, kind: .yesNo, options: [])
            var members: [UUID] = []
            for index in 0..<60 {
                members.append(try await makeMember(app, "Votant \(index)").requireID())
            }
            let results = try await withThrowingTaskGroup(of: BallotBox.CastResult?.self) { group in
                for (index, memberID) in members.enumerated() {
                    group.addTask {
                        if index == 30 {
                            try await PollCount.close(poll, at: app.clock.now(), app: app)
                            return nil
                        }
                        return try await BallotBox.cast(.yesNo(.pour), poll: poll, memberID: memberID, clock: app.clock, on: app.db)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }.compactMap { $0 }
            }
            let cast = results.filter { if case .cast = $0 { true } else { false } }.count
            let closed = results.filter { $0 == .closed }.count
            #expect(cast + closed == 59)
            let counted = try #require(try await Poll.find(poll.id, on: app.db))
            #expect(counted.aggregate?.ballots == cast, "every acknowledged ballot is counted, and only those")
            #expect(try await BallotBox.voterCount(pollID: poll.requireID(), on: app.db as! any SQLDatabase) == cast,
                    "a refused ballot leaves no register row")
            #expect(try await BallotBox.ballotCount(pollID: poll.requireID(), on: app.db) == 0)
            #expect(try await BallotBox.trackerHashes(pollID: poll.requireID(), on: app.db).count == cast)
        }
    }

    @Test func aPollPastItsClosingTimeTakesNoBallot() async throws {
        try await withTestApp { app in
            let poll = try await makePoll(app, kind: .yesNo, options: [])
            poll.closesAt = Date().addingTimeInterval(-1)
            try await poll.save(on: app.db)
            let member = try await makeMember(app, "Tardive")
            // Still "open" as stored: the cast checks the schedule itself.
            #expect(try await BallotBox.cast(.yesNo(.pour), poll: poll, memberID: member.requireID(), clock: app.clock, on: app.db) == .closed)
            var browser = Browser(app)
            try await browser.signIn("Tardive")
            let page = try await browser.get(poll.path).text
            #expect(page.contains("Scrutin clos"))
            #expect(try await BallotBox.voterCount(pollID: poll.requireID(), on: app.db as! any SQLDatabase) == 0)
        }
    }

    @Test func theSiteFloorForPublishingCannotBeLoweredByAFacilitator() async throws {
        try await withTestApp { app in
            try await makeMember(app, "Admin", roles: [.admin])
            try await makeMember(app, "Nadia", roles: [.facilitator])
            var admin = Browser(app)
            try await admin.signIn("Admin")
            #expect(try await admin.submit(["minimum": "1", "propositions": "5", "commentaires": "30"], on: "/admin/reglages").status == .unprocessableEntity)
            #expect(try await admin.submit(["minimum": "7", "propositions": "5", "commentaires": "30"], on: "/admin/reglages").status == .seeOther)
            var facilitator = Browser(app)
            try await facilitator.signIn("Nadia")
            #expect(try await facilitator.get("/admin/reglages").status == .forbidden)
            let low = try await facilitator.submit(["question": "Un vote ?", "type": "yesNo", "minimum": "1"], on: "/scrutins/nouveau")
            #expect(low.status == .unprocessableEntity)
            #expect(low.text.contains("le site ne publie jamais les résultats de moins de 7 bulletins"))
            #expect(try await facilitator.get("/scrutins/nouveau").text.contains(#"value="7""#))

            // A poll made earlier with 5 follows the site's floor when it is higher.
            let poll = try await makePoll(app, kind: .yesNo, options: [], minimum: 5)
            for index in 0..<6 {
                let member = try await makeMember(app, "Votant \(index)")
                _ = try await BallotBox.cast(.yesNo(.pour), poll: poll, memberID: member.requireID(), clock: app.clock, on: app.db)
            }
            try await PollCount.close(poll, at: app.clock.now(), app: app)
            let page = try await facilitator.get(poll.path).text
            #expect(page.contains("Trop peu de personnes ont voté (6)"))
            #expect(page.contains("Il en faut au moins 7"))
            #expect(!page.contains("Pour : 6"))
            // Below the floor, what is kept is the number of ballots only: someone
            // who reads the stored result, or everything in the database, learns
            // nothing of the six choices.
            let stored = try #require(try await app.db.sql.raw("SELECT result FROM polls WHERE id = \(bind: poll.requireID())")
                .first()?.decode(column: "result", as: String.self))
            let keys = try #require(try JSONSerialization.jsonObject(with: Data(stored.utf8)) as? [String: Any]).keys
            #expect(Array(keys) == ["ballots"], "stored: \(stored)")
            let everything = try await BallotSecrecyTests.everythingInTheDatabase(app)
            #expect(!everything.contains(Data("\"pour\":6".utf8)) && !everything.contains(Data("\"pour\": 6".utf8)))
            let journal = try await AuditEntry.query(on: app.db).filter(\.$action == "settings.change").count()
            #expect(journal == 1)
        }
    }

    @Test func onlyPresentEligibleMembersVoteOnPaperAndEveryStepIsLogged() async throws {
        try await withTestApp { app in
            let facilitatorMember = try await makeMember(app, "Nadia", roles: [.facilitator])
            _ = facilitatorMember
            let territories = try await Territory.query(on: app.db).sort(\.$position).all()
            let meeting = try await makeMeeting(app, otherAttendees: 0)
            let present = try await makeMember(app, "Présente", territory: territories[0])
            let elsewhere = try await makeMember(app, "Autre territoire", territory: territories[1])
            let absent = try await makeMember(app, "Absente", territory: territories[0])
            let second = try await makeMember(app, "Deuxième", territory: territories[0])
            for member in [present, elsewhere, second] {
                try await MeetingAttendance(meetingID: meeting.requireID(), memberID: member.requireID()).create(on: app.db)
            }
            let poll = try await makePoll(app, kind: .yesNo, options: [], eligibility: .territory,
                                          territory: territories[0], meeting: meeting, channel: .paper)
            var facilitator = Browser(app)
            try await facilitator.signIn("Nadia")
            let page = poll.path + "/papier"
            let form = try await facilitator.get(page).text
            #expect(form.contains("Présente") && !form.contains("Autre territoire") && !form.contains("Absente"))
            let token = try #require(try await facilitator.get(page).csrfToken)
            var headers = HTTPHeaders()
            headers.contentType = .urlEncodedForm
            let body = "_csrf=\(token)&votants[]=\(present.id!)&votants[]=\(elsewhere.id!)&votants[]=\(absent.id!)"
            try await facilitator.send(.POST, page + "/votants", headers: headers, body: ByteBuffer(string: body))
            let voters = try await BallotBox.voters(pollID: poll.requireID(), on: app.db)
            #expect(Set(voters.keys) == [present.id!], "absent or ineligible members cannot be registered")
            #expect(try await facilitator.get(page).text.contains("2 personnes ne sont pas notées présentes"))

            #expect(try await facilitator.submit(["choix": "P"], on: page, to: page + "/bulletins").status == .seeOther)
            // The pile is being typed: no more paper voters.
            let late = "_csrf=\(token)&votants[]=\(second.id!)"
            try await facilitator.send(.POST, page + "/votants", headers: headers, body: ByteBuffer(string: late))
            #expect(try await BallotBox.voters(pollID: poll.requireID(), on: app.db)[second.id!] == nil)

            // The member is told when and by whom, and whom to ask.
            var member = Browser(app)
            try await member.signIn("Présente")
            let told = try await member.get(poll.path).text
            #expect(told.contains("Vous avez voté sur papier"))
            #expect(told.contains("par une animatrice ou un animateur"))
            #expect(told.contains("Si ce n'était pas vous"))

            // Attendance changed after the poll opened: logged.
            let attendance = "/seances/\(meeting.id!)/emargement"
            let attendanceToken = try #require(try await facilitator.get(attendance).csrfToken)
            let change = "_csrf=\(attendanceToken)&affiches[]=\(absent.id!)&presents[]=\(absent.id!)"
            try await facilitator.send(.POST, attendance, headers: headers, body: ByteBuffer(string: change))

            let text = try await auditSentences(app).joined(separator: "\n")
            #expect(try await auditSentences(app, action: "poll.paper.voters").contains { $0.contains("Présente") })
            #expect(try await auditSentences(app, action: "poll.paper.ballot").contains { $0.contains("n° 1") })
            #expect(try await auditSentences(app, action: "meeting.attendance").contains { $0.contains("Absente") })
            // The log itself holds ids and codes, never a name.
            let stored = try await AuditEntry.query(on: app.db).all().map { $0.action + $0.details }.joined()
            #expect(!stored.contains("Présente") && !stored.contains("Absente"))
            #expect(!text.contains("Pour") && !text.contains("pour :"), "never a ballot's content")
        }
    }

    /// The sizes an eavesdropper sees: requests and responses.
    @Test(arguments: [PollKind.yesNo, .single, .approval, .majorityJudgment])
    func theTrafficOfAVoteDoesNotTellTheChoice(kind: PollKind) async throws {
        try await withTestApp { app in
            let options = ["A", "Une option au nom bien plus long que les autres", "Trois", "Quatre choix", "É"]
            let poll = try await makePoll(app, kind: kind, options: kind == .yesNo ? [] : options, minimum: 5)
            let ballots: [[String: String]] = switch kind {
            case .yesNo: YesNoChoice.allCases.map { ["choix": BallotForm.value($0)] }
            case .single: options.indices.map { ["choix": BallotForm.value(option: $0)] }
            case .approval: [[0], [1, 4], [0, 1, 2, 3, 4], []].map { ticked in
                Dictionary(uniqueKeysWithValues: options.indices.map { ("choix-\($0)", ticked.contains($0) ? BallotForm.yes : BallotForm.no) })
            }
            case .majorityJudgment: [["note-0": "0", "note-1": "0", "note-2": "0", "note-3": "0", "note-4": "0"],
                                     ["note-0": "6", "note-1": "3", "note-2": "1", "note-3": "5", "note-4": "2"],
                                     ["note-0": "1", "note-1": "1", "note-2": "6", "note-3": "6", "note-4": "4"]]
            }
            var confirmationSizes: Set<Int> = [], trackerSizes: Set<Int> = [], requestSizes: Set<Int> = []
            for (index, fields) in ballots.enumerated() {
                // Pseudonyms of one length: the page shows the member's own.
                let name = "Votant \(index + 10)"
                try await makeMember(app, name)
                var browser = Browser(app)
                try await browser.signIn(name)
                let form = try await browser.get(poll.path)
                if kind == .yesNo || kind == .single {
                    let values = form.text.components(separatedBy: #"name="choix" value=""#).dropFirst().map { $0.prefix { $0 != "\"" } }
                    #expect(Set(values.map(\.count)).count == 1, "every choice sends a value of the same length")
                }
                var withToken = fields
                withToken["_csrf"] = try #require(form.csrfToken)
                requestSizes.insert(try URLEncodedFormEncoder().encode(withToken).utf8.count)
                let gzip: HTTPHeaders = ["Accept-Encoding": "gzip, deflate, br"]
                let confirmation = try await browser.post(poll.path + "/confirmation", form: withToken, headers: gzip)
                #expect(confirmation.status == .ok)
                #expect(confirmation.headers.first(name: .contentEncoding) == nil, "never compressed")
                confirmationSizes.insert(confirmation.body.readableBytes)
                let cast = try await browser.post(poll.path + "/vote", form: withToken, headers: gzip)
                #expect(cast.status == .ok)
                #expect(cast.headers.first(name: .contentEncoding) == nil)
                trackerSizes.insert(cast.body.readableBytes)
            }
            #expect(confirmationSizes.count == 1, "\(kind): \(confirmationSizes)")
            #expect(trackerSizes.count == 1, "\(kind): \(trackerSizes)")
            #expect(requestSizes.count == 1, "\(kind): \(requestSizes)")
        }
    }
}
