import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting
import Voting
@testable import PorteVoix

/// A poll straight in the database.
@discardableResult
func makePoll(_ app: Application, kind: PollKind = .majorityJudgment, options: [String] = ["Bus", "Vélo", "Covoiturage"],
              status: PollStatus = .open, eligibility: PollEligibility = .all, territory: Territory? = nil,
              meeting: Meeting? = nil, minimum: Int = 5, channel: PollChannel = .online) async throws -> Poll {
    let poll = Poll()
    poll.id = UUID()
    poll.question = "Quelle solution pour les transports ?"
    poll.details = ""
    poll.kind = kind
    poll.maxChoices = max(1, options.count)
    poll.minimumBallots = minimum
    poll.eligibility = eligibility
    poll.$territory.id = territory?.id
    poll.$meeting.id = meeting?.id
    poll.status = status
    poll.paperBallots = 0
    poll.channel = channel
    poll.createdAt = Date()
    if status != .draft { poll.openedAt = Date() }
    PollKeys.standard(poll, master: app.siteKeys.ballotMaster)
    try await poll.create(on: app.db)
    for (index, label) in (kind == .yesNo ? [] : options).enumerated() {
        try await PollOption(pollID: poll.requireID(), position: index, label: label).create(on: app.db)
    }
    return poll
}

extension Poll {
    var path: String { "/scrutins/\(id!.uuidString)" }
}

@Suite("Secret ballots")
struct PollsTests {
    func grades(_ values: [Grade]) -> BallotContent { .grades(values) }

    @Test func fiftyConcurrentCastsBySameMemberLeaveOneBallot() async throws {
        try await withTestApp { app in
            let member = try await makeMember(app, "Camille")
            let poll = try await makePoll(app)
            let pollID = try poll.requireID(), memberID = try member.requireID()
            let results = try await withThrowingTaskGroup(of: BallotBox.CastResult.self) { group in
                for _ in 0..<50 {
                    group.addTask { try await BallotBox.cast(.grades([.bien, .passable, .excellent]), poll: poll, memberID: memberID, clock: app.clock, on: app.db) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(results.filter { if case .cast = $0 { true } else { false } }.count == 1)
            #expect(results.filter { $0 == .alreadyVoted }.count == 49)
            let sql = app.db as! any SQLDatabase
            #expect(try await BallotBox.ballotCount(pollID: pollID, on: app.db) == 1)
            #expect(try await BallotBox.voterCount(pollID: pollID, on: sql) == 1)
        }
    }

    @Test func twoHundredMembersCastingTogetherLeaveTwoHundredOfEach() async throws {
        try await withTestApp { app in
            let poll = try await makePoll(app, kind: .single)
            let pollID = try poll.requireID()
            var members: [UUID] = []
            for index in 0..<200 {
                let member = Member(pseudonym: try Pseudonym("Votant \(index)"), passwordHash: "x", status: .active, territoryID: nil, at: app.clock.now())
                try await member.create(on: app.db)
                members.append(try member.requireID())
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (index, memberID) in members.enumerated() {
                    group.addTask { _ = try await BallotBox.cast(.single(index % 3), poll: poll, memberID: memberID, clock: app.clock, on: app.db) }
                }
                try await group.waitForAll()
            }
            #expect(try await BallotBox.ballotCount(pollID: pollID, on: app.db) == 200)
            #expect(try await BallotBox.voterCount(pollID: pollID, on: app.db as! any SQLDatabase) == 200)
        }
    }

    @Test func noColumnOrIndexLinksABallotToAMember() async throws {
        try await withTestApp { app in
            let sql = app.db as! any SQLDatabase
            func columns(_ table: String) async throws -> [String] {
                if sql.dialect.name == "sqlite" {
                    return try await sql.raw("SELECT name FROM pragma_table_info(\(bind: table))").all()
                        .map { try $0.decode(column: "name", as: String.self) }.sorted()
                }
                return try await sql.raw("SELECT column_name FROM information_schema.columns WHERE table_name = \(bind: table)").all()
                    .map { try $0.decode(column: "column_name", as: String.self) }.sorted()
            }
            #expect(try await columns("ballots") == ["id", "poll_id", "sealed_content", "tracker_hash"])
            #expect(try await columns("poll_voters") == ["channel", "member_id", "poll_id"])
            if sql.dialect.name == "sqlite" {
                let indexes = try await sql.raw("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'ballots'").all()
                    .map { try $0.decode(column: "name", as: String.self) }
                #expect(indexes.allSatisfy { $0.hasPrefix("sqlite_autoindex") }, "\(indexes)")
                let definition = try await sql.raw("SELECT sql FROM sqlite_master WHERE name = 'ballots'").first()?
                    .decode(column: "sql", as: String.self)
                #expect(definition?.contains("WITHOUT ROWID") == true)
            } else {
                let indexes = try await sql.raw("SELECT indexdef FROM pg_indexes WHERE tablename = 'ballots'").all()
                    .map { try $0.decode(column: "indexdef", as: String.self) }
                #expect(indexes.count == 1)
                #expect(indexes.first?.contains("(poll_id, id)") == true)
            }
        }
    }

    @Test func ballotsCannotBeChangedOrRemovedThroughSQL() async throws {
        try await withTestApp { app in
            let member = try await makeMember(app, "Camille")
            let poll = try await makePoll(app)
            _ = try await BallotBox.cast(.grades([.bien, .bien, .bien]), poll: poll, memberID: member.requireID(), clock: app.clock, on: app.db)
            let sql = app.db as! any SQLDatabase
            await #expect(throws: (any Error).self) { try await sql.raw("UPDATE ballots SET sealed_content = 'falsifié'").run() }
            await #expect(throws: (any Error).self) { try await sql.raw("DELETE FROM ballots").run() }
            await #expect(throws: (any Error).self) { try await sql.raw("UPDATE poll_voters SET channel = 'paper'").run() }
            await #expect(throws: (any Error).self) { try await sql.raw("DELETE FROM poll_voters").run() }
            if sql.dialect.name != "sqlite" {
                // The old escape hatch is gone: a session variable lifts nothing.
                try await app.db.transaction { database in
                    let sql = database as! any SQLDatabase
                    try await sql.raw("SET LOCAL portevoix.ballot_shuffle = 'on'").run()
                    await #expect(throws: (any Error).self) { try await sql.raw("DELETE FROM ballots").run() }
                }
                await #expect(throws: (any Error).self) { try await sql.raw("TRUNCATE ballots").run() }
                // A temporary "polls" table that says the poll is counted fools no guard.
                try await app.db.transaction { database in
                    let sql = database as! any SQLDatabase
                    try await sql.raw("CREATE TEMP TABLE polls (id UUID, status TEXT, counted_at TIMESTAMPTZ) ON COMMIT DROP").run()
                    try await sql.raw("INSERT INTO polls VALUES (\(bind: poll.requireID()), 'closed', now())").run()
                    await #expect(throws: (any Error).self) { try await sql.raw("DELETE FROM public.ballots").run() }
                }
                try await app.db.transaction { database in
                    let sql = database as! any SQLDatabase
                    try await sql.raw("CREATE TEMP TABLE polls (id UUID, status TEXT, counted_at TIMESTAMPTZ) ON COMMIT DROP").run()
                    try await sql.raw("INSERT INTO polls VALUES (\(bind: poll.requireID()), 'closed', now())").run()
                    try await sql.raw("SELECT public.discard_counted_ballots(\(bind: poll.requireID()))").run()
                }
                // Replication mode switches ordinary triggers off, not these.
                try await app.db.transaction { database in
                    let sql = database as! any SQLDatabase
                    try await sql.raw("SET LOCAL session_replication_role = replica").run()
                    await #expect(throws: (any Error).self) { try await sql.raw("DELETE FROM ballots").run() }
                }
            }
            // An open poll cannot be marked as counted, which would let its ballots go.
            await #expect(throws: (any Error).self) { try await sql.raw("UPDATE polls SET counted_at = \(bind: Date()), result = '{}'").run() }
            #expect(try await BallotBox.ballotCount(pollID: poll.requireID(), on: app.db) == 1)
            // A closed poll never reopens, and its count is never rewritten.
            try await PollCount.close(poll, at: app.clock.now(), app: app)
            await #expect(throws: (any Error).self) { try await sql.raw("UPDATE polls SET status = 'open'").run() }
            await #expect(throws: (any Error).self) { try await sql.raw("UPDATE polls SET result = '{}'").run() }
        }
    }

    @Test func votingGoesThroughConfirmationAndGivesATrackerOnce() async throws {
        try await withTestApp { app in
            try await makeMember(app, "Camille")
            let poll = try await makePoll(app)
            var browser = Browser(app)
            try await browser.signIn("Camille")
            let form = try await browser.get(poll.path)
            #expect(form.text.contains("Donnez une appréciation à chaque choix"))
            #expect(!form.text.contains(#"checked="checked""#), "nothing is pre-selected")
            let incomplete = try await browser.submit(["note-0": "4", "note-1": "6"], on: poll.path, to: poll.path + "/confirmation")
            #expect(incomplete.status == .unprocessableEntity, "every option needs an answer")
            let ballot = ["note-0": "4", "note-1": "6", "note-2": "0"]
            let confirmation = try await browser.submit(ballot, on: poll.path, to: poll.path + "/confirmation")
            #expect(confirmation.status == .ok)
            #expect(confirmation.text.contains("Bus : Bien"))
            #expect(confirmation.text.contains("Vélo : Excellent"))
            #expect(confirmation.text.contains("Covoiturage : À rejeter"))
            #expect(try await BallotBox.ballotCount(pollID: poll.requireID(), on: app.db) == 0, "nothing is cast yet")
            let changed = try await browser.submit(ballot, on: poll.path, to: poll.path + "/modifier")
            #expect(changed.text.contains(#"value="4" checked="checked""#), "the form keeps the choice")

            let fields = ballot
            let cast = try await browser.submit(fields, on: poll.path, to: poll.path + "/vote")
            #expect(cast.status == .ok)
            #expect(cast.headers.first(name: .cacheControl)?.contains("no-store") == true)
            let tracker = try #require(cast.text.range(of: #"<p class="code-verification">([A-Z0-9]{4}-[A-Z0-9]{4})</p>"#,
                                                        options: .regularExpression).map { String(cast.text[$0]) })
            #expect(!tracker.isEmpty)
            let again = try await browser.submit(fields, on: poll.path, to: poll.path + "/vote")
            #expect(again.status == .ok)
            #expect(again.text.contains("Vous avez déjà voté"))
            #expect(try await BallotBox.ballotCount(pollID: poll.requireID(), on: app.db) == 1)
        }
    }

    @Test func resultsStaySealedUntilCloseAndBelowTheMinimum() async throws {
        try await withTestApp { app in
            let poll = try await makePoll(app, kind: .yesNo, options: [], minimum: 5)
            let pollID = try poll.requireID()
            for (index, choice) in [YesNoChoice.pour, .pour].enumerated() {
                let member = try await makeMember(app, "Votant \(index)")
                _ = try await BallotBox.cast(.yesNo(choice), poll: poll, memberID: member.requireID(), clock: app.clock, on: app.db)
            }
            var visitor = Browser(app)
            let open = try await visitor.get(poll.path).text
            #expect(open.contains("2 personnes ont voté."))
            #expect(!open.contains("Pour : 2"))
            #expect(try await visitor.get(poll.path + "/bulletins").status == .notFound)

            try await PollCount.close(poll, at: app.clock.now(), app: app)
            let tooFew = try await visitor.get(poll.path).text
            #expect(tooFew.contains("Trop peu de personnes ont voté (2)"))
            #expect(!tooFew.contains("Pour : 2"))
            // Below the minimum, the database keeps how many ballots, not what they said.
            let stored = try #require(try await Poll.find(poll.id, on: app.db))
            #expect(stored.aggregate == PollAggregate(ballots: 2))
            #expect(stored.result?.contains("pour") == false)

            let later = try await makePoll(app, kind: .yesNo, options: [], minimum: 5)
            for (index, choice) in [YesNoChoice.pour, .contre, .pour, .abstention, .contre].enumerated() {
                let member = try await makeMember(app, "Autre \(index)")
                _ = try await BallotBox.cast(.yesNo(choice), poll: later, memberID: member.requireID(), clock: app.clock, on: app.db)
            }
            try await PollCount.close(later, at: app.clock.now(), app: app)
            let results = try await visitor.get(later.path).text
            #expect(results.contains("Égalité entre pour et contre."))
            #expect(results.contains("Pour : 2"))
            #expect(results.contains("Abstention : 1 (comptées à part)"))
            #expect(results.contains("<svg class=\"graphique\" role=\"img\""))
        }
    }

    @Test func ineligibleMembersAreRefusedOnTheServer() async throws {
        try await withTestApp { app in
            let territories = try await Territory.query(on: app.db).sort(\.$position).all()
            try await makeMember(app, "Du Sud", territory: territories[1])
            try await makeMember(app, "Agent", roles: [.staff])
            let poll = try await makePoll(app, kind: .yesNo, options: [], eligibility: .territory, territory: territories[0])
            for name in ["Du Sud", "Agent"] {
                var browser = Browser(app)
                try await browser.signIn(name)
                #expect(!(try await browser.get(poll.path).text.contains("Vérifier mon vote")))
                let token = try #require(try await browser.get("/mon-compte").csrfToken)
                let forced = try await browser.post(poll.path + "/vote", form: ["_csrf": token, "choix": "pour"])
                #expect(forced.status == .forbidden, "\(name)")
            }
            #expect(try await BallotBox.ballotCount(pollID: poll.requireID(), on: app.db) == 0)

            // Present at the session: only those ticked.
            let meeting = try await makeMeeting(app, otherAttendees: 0)
            let present = try await makeMember(app, "Présente")
            try await makeMember(app, "Absente")
            try await MeetingAttendance(meetingID: meeting.requireID(), memberID: present.requireID()).create(on: app.db)
            let roomPoll = try await makePoll(app, kind: .yesNo, options: [], eligibility: .present, meeting: meeting)
            var absent = Browser(app)
            try await absent.signIn("Absente")
            let token = try #require(try await absent.get("/mon-compte").csrfToken)
            #expect(try await absent.post(roomPoll.path + "/vote", form: ["_csrf": token, "choix": "pour"]).status == .forbidden)
            var inRoom = Browser(app)
            try await inRoom.signIn("Présente")
            #expect(try await inRoom.submit(["choix": "pour"], on: roomPoll.path, to: roomPoll.path + "/vote").status == .ok)
        }
    }

    @Test func aPollOpensOnceAndClosesOnce() async throws {
        try await withTestApp { app in
            try await makeMember(app, "Nadia", roles: [.facilitator])
            var facilitator = Browser(app)
            try await facilitator.signIn("Nadia")
            let invalid = try await facilitator.submit(["question": "", "type": "approval", "choix": "Seul"], on: "/scrutins/nouveau")
            #expect(invalid.status == .unprocessableEntity)
            #expect(invalid.text.contains("Écrivez la question"))
            #expect(invalid.text.contains("au moins deux choix"))
            let created = try await facilitator.submit(["question": "Quel jour ?", "type": "approval", "choix": "Lundi\nMardi\nJeudi",
                                                        "maxChoix": "2", "minimum": "5"], on: "/scrutins/nouveau")
            let path = try #require(created.location)
            var visitor = Browser(app)
            #expect(try await visitor.get(path).status == .notFound, "a draft is not public")
            try await facilitator.submit(["action": "ouvrir"], on: path, to: path + "/statut")
            #expect(try await facilitator.submit(["action": "ouvrir"], on: path, to: path + "/statut").status == .conflict)
            try await facilitator.submit(["action": "clore"], on: path, to: path + "/statut")
            #expect(try await facilitator.submit(["action": "ouvrir"], on: path, to: path + "/statut").status == .conflict,
                    "a closed poll never reopens")
            #expect(try await visitor.get(path).status == .ok)
        }
    }

    @Test func pollsOpenAndCloseAtTheirSetTimes() async throws {
        try await withTestApp { app in
            let poll = try await makePoll(app, status: .draft)
            poll.opensAt = Date().addingTimeInterval(-60)
            poll.closesAt = Date().addingTimeInterval(3600)
            try await poll.save(on: app.db)
            var visitor = Browser(app)
            #expect(try await visitor.get(poll.path).text.contains("Scrutin ouvert"))
            poll.closesAt = Date().addingTimeInterval(-1)
            try await poll.save(on: app.db)
            #expect(try await visitor.get(poll.path).text.contains("Scrutin clos"))
        }
    }

    @Test func paperBallotsNeverOutnumberPaperVoters() async throws {
        try await withTestApp { app in
            try await makeMember(app, "Nadia", roles: [.facilitator])
            let meeting = try await makeMeeting(app, otherAttendees: 0)
            let paperVoter = try await makeMember(app, "Sur papier")
            let onlineVoter = try await makeMember(app, "En ligne")
            for member in [paperVoter, onlineVoter] {
                try await MeetingAttendance(meetingID: meeting.requireID(), memberID: member.requireID()).create(on: app.db)
            }
            // Opened before one channel per poll was the rule: both kinds of ballot.
            let poll = try await makePoll(app, kind: .yesNo, options: [], eligibility: .present, meeting: meeting, channel: .mixed)
            _ = try await BallotBox.cast(.yesNo(.contre), poll: poll, memberID: onlineVoter.requireID(), clock: app.clock, on: app.db)

            var facilitator = Browser(app)
            try await facilitator.signIn("Nadia")
            let page = poll.path + "/papier"
            #expect(try await facilitator.get(page).text.contains("Sur papier"))
            let token = try #require(try await facilitator.get(page).csrfToken)
            let body = "_csrf=\(token)&votants[]=\(paperVoter.id!)&votants[]=\(onlineVoter.id!)"
            var headers = HTTPHeaders()
            headers.contentType = .urlEncodedForm
            try await facilitator.send(.POST, page + "/votants", headers: headers, body: ByteBuffer(string: body))
            #expect(try await facilitator.get(page).text.contains("1 personne avait déjà voté"), "voted online, cannot vote on paper")
            #expect(try await facilitator.submit(["choix": "pour"], on: page, to: page + "/bulletins").status == .seeOther)
            let extra = try await facilitator.submit(["choix": "pour"], on: page, to: page + "/bulletins")
            #expect(extra.status == .conflict)
            #expect(extra.text.contains("autant de bulletins que de votants"))
            #expect(try await BallotBox.ballotCount(pollID: poll.requireID(), on: app.db) == 2)

            var paper = Browser(app)
            try await paper.signIn("Sur papier")
            let online = try await paper.submit(["choix": "pour"], on: poll.path, to: poll.path + "/vote")
            #expect(online.text.contains("Vous avez déjà voté"), "voted on paper, cannot vote online")
            #expect(try await BallotBox.ballotCount(pollID: poll.requireID(), on: app.db) == 2)
        }
    }

    @Test func votersFindTheirTrackerAfterClose() async throws {
        try await withTestApp { app in
            let poll = try await makePoll(app, kind: .single, minimum: 5)
            var trackers: [String] = []
            for index in 0..<5 {
                let member = try await makeMember(app, "Votant \(index)")
                if case .cast(let tracker) = try await BallotBox.cast(.single(index % 3), poll: poll, memberID: member.requireID(), clock: app.clock, on: app.db) {
                    trackers.append(tracker)
                }
            }
            try await PollCount.close(poll, at: app.clock.now(), app: app)
            var visitor = Browser(app)
            let list = try await visitor.get(poll.path + "/bulletins").text
            for tracker in trackers {
                #expect(list.contains(TrackerCode.fingerprint(TrackerCode.hash(tracker))))
                #expect(!list.contains(tracker), "the codes themselves are never stored or shown")
            }
            let found = try await visitor.submit(["code": trackers[1].lowercased().replacingOccurrences(of: "-", with: " ")],
                                                 on: poll.path + "/bulletins")
            #expect(found.text.contains("Votre bulletin a bien été compté."))
            let missing = try await visitor.submit(["code": "2222-2222"], on: poll.path + "/bulletins")
            #expect(missing.text.contains("Aucun bulletin ne porte ce code."))
        }
    }

    @Test func nothingAboutABallotReachesTheLogs() async throws {
        let capture = LogCapture()
        try await withTestApp(beforeConfigure: { app in app.logger = capture.logger(level: .trace) }) { app in
            try await makeMember(app, "Camille")
            let poll = try await makePoll(app, options: ["Option secrète A", "Option secrète B", "Option secrète C"])
            var browser = Browser(app)
            try await browser.signIn("Camille")
            let cast = try await browser.submit(["note-0": "6", "note-1": "0", "note-2": "3"], on: poll.path, to: poll.path + "/vote")
            let tracker = try #require(cast.trackerCode)
            for line in capture.all {
                #expect(!line.contains("grades"), "ballot content in: \(line)")
                #expect(!line.contains(tracker))
                #expect(!line.contains(TrackerCode.hash(tracker)))
            }
        }
    }
}

@Suite("Secret ballots: demo")
struct PollsDemoTests {
    @Test func theDemoHasClosedPollsOfEveryKindAndAnOpenOne() async throws {
        try await withTestApp { app in
            _ = try await DemoData.fill(app)
            let polls = try await Poll.query(on: app.db).with(\.$options).all()
            #expect(Set(polls.filter { $0.status == .closed }.map(\.kind)) == Set(PollKind.allCases))
            #expect(polls.contains { $0.status == .open })
            let judgment = try #require(polls.first { $0.question == "Quelles priorités pour l'an prochain ?" })
            #expect(judgment.options.count >= 6)
            #expect((judgment.aggregate?.ballots ?? 0) >= 40)
            var visitor = Browser(app)
            let page = try await visitor.get("/scrutins/\(judgment.id!)").text
            #expect(page.contains("Mention majoritaire"))
            let pages = try await visitor.get("/scrutins").text + (try await visitor.get("/").text)
            // The naming debate's polls quote the name under debate; nothing else names it (design/ui.md).
            #expect(NamingDebateTests.quotesTheTermOnly(pages))
        }
    }
}

@Suite("Secret ballots: in the room and in my data")
struct PollsRoomTests {
    @Test func theProjectorShowsTheOpenVoteThenItsResults() async throws {
        try await withTestApp { app in
            let meeting = try await makeMeeting(app, otherAttendees: 4)
            let poll = try await makePoll(app, kind: .yesNo, options: [], meeting: meeting, minimum: 5)
            let voter = try await makeMember(app, "Camille")
            _ = try await BallotBox.cast(.yesNo(.pour), poll: poll, memberID: voter.requireID(), clock: app.clock, on: app.db)
            var projector = Browser(app)
            let open = try await projector.get("/seances/\(meeting.id!)/projection").text
            #expect(open.contains("Vote en cours : Quelle solution pour les transports ?"))
            #expect(open.contains("1 bulletin sur 4 personnes présentes"))
            #expect(!open.contains("Pour : 1"), "sealed until close")
            for index in 0..<4 {
                let other = try await makeMember(app, "Votant \(index)")
                _ = try await BallotBox.cast(.yesNo(.contre), poll: poll, memberID: other.requireID(), clock: app.clock, on: app.db)
            }
            try await PollCount.close(poll, at: app.clock.now(), app: app)
            let closed = try await projector.get("/seances/\(meeting.id!)/projection").text
            #expect(closed.contains("Résultat du vote"))
            #expect(closed.contains("Pour : 1"))
        }
    }

    @Test func myDataSaysThatIVotedButNotWhat() async throws {
        try await withTestApp { app in
            let voter = try await makeMember(app, "Camille")
            let poll = try await makePoll(app, options: ["Option très secrète", "Autre", "Encore"])
            _ = try await BallotBox.cast(.grades([.excellent, .aRejeter, .passable]), poll: poll,
                                         memberID: voter.requireID(), clock: app.clock, on: app.db)
            var browser = Browser(app)
            try await browser.signIn("Camille")
            let data = try await browser.get("/mon-compte/donnees").text
            #expect(data.contains("Quelle solution pour les transports ?"))
            #expect(data.contains("sur le site"))
            #expect(!data.contains("excellent") && !data.contains("grades"))
        }
    }
}

@Suite("Opening a poll, whichever door")
struct PollOpeningTests {
    /// Two requests find a poll due to open; one opens it. The other must
    /// read the opening time the first wrote, never guess: a session's
    /// electorate counts from the real opening, so a member activated after
    /// the poll was prepared but before it opened may vote.
    @Test func theRequestThatLosesTheOpeningReadsTheTimeTheWinnerWrote() async throws {
        try await withTestApp { app in
            let meeting = try await makeMeeting(app)
            let poll = try await makePoll(app, kind: .yesNo, status: .draft, meeting: meeting)
            poll.createdAt = app.clock.now().addingTimeInterval(-86_400)
            poll.opensAt = app.clock.now().addingTimeInterval(-1)
            try await poll.update(on: app.db)
            let member = try await makeMember(app, "Inès", activatedAt: app.clock.now().addingTimeInterval(-3600))
            let stale = try #require(try await Poll.find(poll.id, on: app.db))
            let winner = try #require(try await Poll.find(poll.id, on: app.db))
            #expect(try await PollSchedule.open(winner, now: app.clock.now(), on: app.db))
            app.testClock.advance(by: 5)
            try await PollSchedule.apply(stale, app: app, now: app.clock.now(), counting: false)
            #expect(stale.status == .open)
            let stored = try #require(try await Poll.find(poll.id, on: app.db))
            #expect(stale.openedAt != nil && stale.openedAt == stored.openedAt, "the loser reads the opening from the database")
            // Activated after the poll was prepared, before it opened: in its electorate.
            #expect(PollAccess.electorateRefusal(stale, member: member) == nil)
        }
    }

    /// The button and the schedule share one guarded opening: a second
    /// opening changes nothing and says the vote was already open.
    @Test func theButtonOpensOnceAndASecondClickSaysSo() async throws {
        try await withTestApp { app in
            let poll = try await makePoll(app, kind: .yesNo, status: .draft)
            _ = try await makeMember(app, "Nadia anime", roles: [.facilitator])
            var facilitator = Browser(app)
            try await facilitator.signIn("Nadia anime")
            let path = "/scrutins/\(poll.id!)"
            #expect(try await facilitator.submit(["action": "ouvrir"], on: path, to: path + "/statut").status == .seeOther)
            let opened = try #require(try await Poll.find(poll.id, on: app.db))
            #expect(opened.status == .open && opened.openedAt != nil)
            // A second tab still showing « Ouvrir le vote ».
            let stale = try await PollSchedule.open(poll, now: app.clock.now().addingTimeInterval(60), on: app.db)
            #expect(!stale && poll.openedAt == opened.openedAt)
        }
    }
}
