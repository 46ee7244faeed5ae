import Fluent
import FluentPostgresDriver
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting
@testable import PorteVoix

/// Someone holding what a batch of ballots needs before it can write: on
/// SQLite the write lock (an operator's `sqlite3` shell in a transaction),
/// on PostgreSQL the poll's row (`FOR UPDATE`, as a close holds it). Ballots
/// sent meanwhile pile up and are written together once it is released.
final class HeldBallotLock {
    private let sqlite: HeldWriteLock?
    private let release: AsyncStream<Void>.Continuation?
    private let holder: Task<Void, any Error>?

    init(_ app: Application, pollIDs: [UUID]) async throws {
        guard TestDatabase.isPostgres else {
            sqlite = try await HeldWriteLock(app)
            release = nil
            holder = nil
            return
        }
        sqlite = nil
        let (locked, lockedSignal) = AsyncStream<Void>.makeStream()
        let (released, release) = AsyncStream<Void>.makeStream()
        self.release = release
        // A connection of its own, outside the site's pool, as another program's would be.
        guard case .postgres(let url) = app.settings.database else { throw Abort(.internalServerError) }
        let connection = try await PostgresConnection.connect(
            on: app.eventLoopGroup.any(), configuration: try SQLPostgresConfiguration(url: url).coreConfiguration,
            id: 1, logger: app.logger)
        holder = Task {
            defer { lockedSignal.finish() }
            let sql = connection.sql()
            do {
                try await sql.raw("BEGIN").run()
                try await sql.raw("SELECT id FROM polls WHERE id IN (\(binds: pollIDs)) FOR UPDATE").run()
                lockedSignal.yield()
                for await _ in released { break }
                try await sql.raw("ROLLBACK").run()
            } catch {
                try? await connection.close()
                throw error
            }
            try await connection.close()
        }
        for await _ in locked { break }
    }

    func releaseLock() async throws {
        if let sqlite { try await sqlite.release() }
        release?.yield()
        release?.finish()
        try await holder?.value
    }
}

/// Counts the answers received so far, from many tasks.
actor Answers {
    private(set) var count = 0
    func arrived() { count += 1 }
}

/// Group commit (issue 27): ballots that arrive together are written in one
/// transaction, each in its own savepoint, and answered after its commit.
@Suite("Ballots written together")
struct GroupCommitTests {
    /// Members signed in through the real form, each on the poll's page with its form token.
    func voters(_ app: Application, _ names: [String], on poll: Poll) async throws -> [(browser: Browser, token: String)] {
        var voters: [(Browser, String)] = []
        for name in names {
            try await makeMember(app, name)
            var browser = Browser(app)
            try await browser.signIn(name)
            let token = try #require(try await browser.get(poll.path).csrfToken)
            voters.append((browser, token))
        }
        return voters
    }

    /// Each voter votes « pour » at once, each in a task; `answers` counts those answered.
    func voteAtOnce(_ people: [(browser: Browser, token: String)], on poll: Poll) -> (answers: Answers, tasks: [Task<TestingHTTPResponse, any Error>]) {
        let answers = Answers()
        let tasks = people.map { person in
            Task {
                var browser = person.browser
                let response = try await browser.post(poll.path + "/vote", form: ["_csrf": person.token, "choix": "P"])
                await answers.arrived()
                return response
            }
        }
        return (answers, tasks)
    }

    /// Sends every ballot at once while the lock is held, checks that none is
    /// answered before it is released, then gives the answers in order.
    func castTogether(_ app: Application, holding polls: [Poll], _ ballots: [(browser: Browser, path: String, form: [String: String])],
                      meanwhile: () async throws -> Void = {}) async throws -> [TestingHTTPResponse] {
        // Waiting for the lock stays within SQLite's patience however slow the machine.
        if !TestDatabase.isPostgres { try await onEverySQLiteConnection(app, "PRAGMA busy_timeout = 20000") }
        let poll = polls[0]
        let inTheBox = try await BallotBox.ballotCount(pollID: poll.requireID(), on: app.db)
        let lock = try await HeldBallotLock(app, pollIDs: try polls.map { try $0.requireID() })
        let answers = Answers()
        let tasks = ballots.map { ballot in
            Task {
                var browser = ballot.browser
                let response = try await browser.post(ballot.path, form: ballot.form)
                await answers.arrived()
                return response
            }
        }
        // Until they wait for the lock (those whose connection it holds wait for it too).
        for _ in 0..<100 where await app.ballotCommitter.waitingCount < ballots.count / 3 {
            try await Task.sleep(for: .milliseconds(20))
        }
        try await Task.sleep(for: .milliseconds(200))
        try await meanwhile()
        #expect(await answers.count == 0, "no voter is answered before the batch is durable")
        #expect(try await BallotBox.ballotCount(pollID: poll.requireID(), on: app.db) == inTheBox)
        try await lock.releaseLock()
        var responses: [TestingHTTPResponse] = []
        for task in tasks { responses.append(try await task.value) }
        return responses
    }

    @Test func ballotsThatArriveTogetherAreWrittenTogetherAndEachVoterGetsTheirOwnTracker() async throws {
        try await withTestApp { app in
            let poll = try await makePoll(app, kind: .yesNo, options: [])
            let people = try await voters(app, (0..<24).map { "Votant \($0)" }, on: poll)
            let before = await app.ballotCommitter.batches
            let responses = try await castTogether(app, holding: [poll], people.enumerated().map { index, person in
                (person.browser, poll.path + "/vote", ["_csrf": person.token, "choix": index % 3 == 0 ? "C" : "P"])
            })
            let trackers = responses.compactMap(\.trackerCode)
            #expect(responses.allSatisfy { $0.status == .ok })
            #expect(trackers.count == 24 && Set(trackers).count == 24, "every voter gets a tracker of their own")
            let batches = await app.ballotCommitter.batches - before
            #expect(batches < 24 && batches >= 1, "ballots that arrived together were written together (\(batches) batches)")
            #expect(await app.ballotCommitter.largest >= 2)
            let pollID = try poll.requireID()
            #expect(try await BallotBox.ballotCount(pollID: pollID, on: app.db) == 24)
            #expect(try await BallotBox.voterCount(pollID: pollID, on: app.db.sql) == 24, "register = box")
            // Every tracker is one of the box's, each once.
            let hashes = try await BallotBox.sealedBallots(pollID: pollID, on: app.db).map(\.trackerHash)
            #expect(Set(hashes) == Set(trackers.map(TrackerCode.hash)))
            // The operator sees how big the batches were, never per poll.
            let metrics = String(decoding: app.siteMetrics.exposition(app), as: UTF8.self)
            #expect(metrics.contains("portevoix_ballot_batch_size_count"))
            #expect(!metrics.contains(pollID.uuidString) && !metrics.contains(pollID.uuidString.lowercased()))
        }
    }

    /// An operator holding the PostgreSQL database reads each row's
    /// transaction id (`xmin`). One transaction per ballot gave a ballot the
    /// same id as its register row; in a batch, the ballots share the batch's
    /// id and each register row has one of its own: the pair is not there.
    @Test(.enabled(if: TestDatabase.isPostgres, "PostgreSQL's transaction ids"))
    func theDatabaseFilesDoNotPairABallotWithItsVoterWithinABatch() async throws {
        try await withTestApp { app in
            let poll = try await makePoll(app, kind: .yesNo, options: [])
            let people = try await voters(app, (0..<12).map { "Votant \($0)" }, on: poll)
            let responses = try await castTogether(app, holding: [poll], people.map { person in
                (person.browser, poll.path + "/vote", ["_csrf": person.token, "choix": "P"])
            })
            #expect(responses.compactMap(\.trackerCode).count == 12)
            let sql = app.db.sql
            func ids(_ table: String) async throws -> [String] {
                try await sql.raw("SELECT xmin::text AS x FROM \(unsafeRaw: table) WHERE poll_id = \(bind: poll.requireID())")
                    .all().map { try $0.decode(column: "x", as: String.self) }
            }
            let ballots = try await ids("ballots"), register = try await ids("poll_voters")
            #expect(ballots.count == 12 && register.count == 12)
            #expect(Set(ballots).isDisjoint(with: Set(register)), "no ballot shares its transaction id with a register row")
            #expect(Set(ballots).count < 12, "ballots written together share their batch's id")
        }
    }

    @Test func aRefusalInABatchFailsOnlyItsOwnVote() async throws {
        try await withTestApp { app in
            let open = try await makePoll(app, kind: .yesNo, options: [])
            let closing = try await makePoll(app, kind: .yesNo, options: [])
            closing.closesAt = app.clock.now().addingTimeInterval(60)
            try await closing.save(on: app.db)
            let people = try await voters(app, (0..<8).map { "Votante \($0)" }, on: open)
            let late = try await voters(app, ["Tardif 1", "Tardif 2", "Tardif 3"], on: closing)
            // One of them voted already: their old form, sent again late, must not say « nothing counted ».
            var early = late[2].browser
            #expect(try await early.post(closing.path + "/vote", form: ["_csrf": late[2].token, "choix": "P"]).trackerCode != nil)
            // One voted already; one sends the same vote twice (a double tap).
            var already = people[0].browser
            #expect(try await already.post(open.path + "/vote", form: ["_csrf": people[0].token, "choix": "P"]).trackerCode != nil)
            var ballots = people.map { (browser: $0.browser, path: open.path + "/vote", form: ["_csrf": $0.token, "choix": "P"]) }
            ballots.append(ballots[1])
            ballots += late.map { (browser: $0.browser, path: closing.path + "/vote", form: ["_csrf": $0.token, "choix": "C"]) }
            // The second poll's closing time passes while the ballots wait.
            let responses = try await castTogether(app, holding: [open, closing], ballots) { app.testClock.advance(by: 120) }

            #expect(responses[0].trackerCode == nil && responses[0].text.contains("Vous avez déjà voté"))
            let doubleTap = [responses[1], responses[8]]
            #expect(doubleTap.compactMap(\.trackerCode).count == 1, "a double tap counts once")
            #expect(doubleTap.filter { $0.text.contains("Vous avez déjà voté") }.count == 1)
            for response in responses[2..<8] {
                #expect(response.status == .ok && response.trackerCode != nil, "the others' votes are counted")
            }
            for response in responses[9..<11] {
                #expect(response.status == .conflict && response.trackerCode == nil)
                #expect(response.text.contains("clos"), "the late voters are told the poll closed")
            }
            #expect(responses[11].trackerCode == nil && !responses[11].text.contains("Rien n&#39;a été compté"))
            #expect(responses[11].text.contains("Vous avez déjà voté") || responses[11].text.contains("Vous avez voté à ce scrutin"),
                    "a member who voted before the close is told their vote counts, or that the poll is closed")
            #expect(try await BallotBox.ballotCount(pollID: open.requireID(), on: app.db) == 8)
            #expect(try await BallotBox.voterCount(pollID: open.requireID(), on: app.db.sql) == 8, "register = box")
            #expect(try await BallotBox.ballotCount(pollID: closing.requireID(), on: app.db) == 1)
            #expect(try await BallotBox.voterCount(pollID: closing.requireID(), on: app.db.sql) == 1, "nothing counted for the late")
        }
    }

    @Test func aCloseNeverSlipsIntoABatch() async throws {
        try await withTestApp { app in
            let poll = try await makePoll(app, kind: .yesNo, options: [], minimum: 1)
            var members: [UUID] = []
            for index in 0..<80 {
                members.append(try await makeMember(app, "Votant \(index)").requireID())
            }
            let results = try await withThrowingTaskGroup(of: BallotBox.CastResult?.self) { group in
                for (index, memberID) in members.enumerated() {
                    group.addTask {
                        if index == 40 {
                            // Once a few batches are in, while the others are being written.
                            for _ in 0..<400 where try await BallotBox.ballotCount(pollID: poll.requireID(), on: app.db) < 10 {
                                try await Task.sleep(for: .milliseconds(5))
                            }
                            try await PollCount.close(poll, at: app.clock.now(), app: app)
                            return nil
                        }
                        let ballot = try await BallotBox.pending(.yesNo(.pour), poll: poll, memberID: memberID, on: app.db)
                        return try await app.ballotCommitter.cast(ballot)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }.compactMap { $0 }
            }
            let cast = results.filter { if case .cast = $0 { true } else { false } }.count
            let closed = results.filter { $0 == .closed }.count
            #expect(cast + closed == 79)
            #expect(cast >= 10, "the close came once ballots were in")
            let counted = try #require(try await Poll.find(poll.id, on: app.db))
            #expect(counted.aggregate?.ballots == cast, "every acknowledged ballot is counted, and only those")
            #expect(try await BallotBox.voterCount(pollID: poll.requireID(), on: app.db.sql) == cast, "a refused ballot leaves no register row")
            #expect(try await BallotBox.trackerHashes(pollID: poll.requireID(), on: app.db).count == cast)
        }
    }

    /// A batch the database does not answer in time (here: a lock held long)
    /// is given up: its voters read that the outcome is not known, and the
    /// register, which the poll's page reads, tells them the truth once the
    /// write ends. Register = box throughout.
    @Test func aBatchPastItsDeadlineSendsItsVotersToTheRegisterWhichTellsTheTruth() async throws {
        try await withTestApp { app in
            app.ballotCommitter = BallotCommitter(database: { [weak app] in app?.db }, clock: app.clock, logger: app.logger,
                                                  metrics: nil, deadline: .milliseconds(300))
            let poll = try await makePoll(app, kind: .yesNo, options: [])
            let people = try await voters(app, (0..<4).map { "Votant \($0)" }, on: poll)
            let lock = try await HeldBallotLock(app, pollIDs: [try poll.requireID()])
            let (answers, tasks) = voteAtOnce(people, on: poll)
            for _ in 0..<250 where await answers.count < people.count {
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(await answers.count == people.count, "every voter is answered while the lock is still held")
            try await lock.releaseLock()
            for task in tasks {
                let response = try await task.value
                #expect(response.status == .serviceUnavailable && response.trackerCode == nil)
                #expect(response.text.contains("Nous ne savons pas si votre vote a été compté"))
            }
            // The writes given up go on, and end.
            let pollID = try poll.requireID()
            for _ in 0..<500 where try await BallotBox.voterCount(pollID: pollID, on: app.db.sql) < people.count {
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(try await BallotBox.voterCount(pollID: pollID, on: app.db.sql) == people.count)
            #expect(try await BallotBox.ballotCount(pollID: pollID, on: app.db) == people.count, "register = box")
            for person in people {
                var browser = person.browser
                #expect(try await browser.get(poll.path).text.contains("Vous avez voté"), "the poll's page tells each voter")
            }
        }
    }

    /// The batch's connection is cut before its commit is known: every voter
    /// of the batch is sent to the register, which tells the truth.
    @Test(.enabled(if: TestDatabase.isPostgres, "a connection PostgreSQL can cut"))
    func aBatchWhoseConnectionIsCutSendsEveryVoterToTheRegister() async throws {
        try await withTestApp { app in
            let poll = try await makePoll(app, kind: .yesNo, options: [])
            let people = try await voters(app, (0..<6).map { "Votant \($0)" }, on: poll)
            let sql = app.db.sql
            let lock = try await HeldBallotLock(app, pollIDs: [try poll.requireID()])
            let (answers, tasks) = voteAtOnce(people, on: poll)
            // Each batch that waits for the poll's row loses its connection.
            var cut = 0
            for _ in 0..<750 where await answers.count < people.count {
                let waiting = try await sql.raw("""
                    SELECT pid FROM pg_stat_activity WHERE datname = current_database()
                    AND wait_event_type = 'Lock' AND query LIKE '%FOR SHARE%'
                    """).all().map { try $0.decode(column: "pid", as: Int.self) }
                for pid in waiting {
                    _ = try await sql.raw("SELECT pg_terminate_backend(\(bind: Int32(pid)))").all()
                    cut += 1
                }
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(cut >= 1 && cut < people.count, "the voters waited together (\(cut) batches cut)")
            try await lock.releaseLock()
            for task in tasks {
                let response = try await task.value
                #expect(response.status == .serviceUnavailable && response.trackerCode == nil)
                #expect(response.text.contains("Nous ne savons pas si votre vote a été compté"))
                #expect(response.text.contains(#"href="\#(poll.path)""#), "the poll's page, which reads the register, is one link away")
            }
            // The register says nothing was counted, and each can vote now.
            #expect(try await BallotBox.voterCount(pollID: poll.requireID(), on: sql) == 0)
            #expect(try await BallotBox.ballotCount(pollID: poll.requireID(), on: app.db) == 0)
            var voter = people[0].browser
            #expect(!(try await voter.get(poll.path).text.contains("Vous avez déjà voté")))
            #expect(try await voter.submit(["choix": "P"], on: poll.path, to: poll.path + "/vote").trackerCode != nil)
        }
    }
}
