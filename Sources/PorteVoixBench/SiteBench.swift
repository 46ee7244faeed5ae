import Fluent
import Foundation
import NIOConcurrencyHelpers
import PorteVoix
import SQLKit
import Vapor
import Voting

/// The parts of `bench/run` that need the site's own code:
/// - `dataset FILE`: fills the SQLite database of PORTEVOIX_DATA_DIR (keys in
///   PORTEVOIX_BALLOT_KEY / PORTEVOIX_SIGNING_KEY) with 10,000 published
///   proposals, 500 members, 100 sessions, 200 counted polls holding 50,000
///   ballots in all (one majority-judgment poll with 10 options and 1,000
///   ballots), and 4 open polls; writes what the pages and the voters need
///   to FILE (JSON).
/// - `cast PORT FILE`: every member votes on the open polls through
///   `portevoix` on PORT, 64 at a time, with their session and its form
///   token; prints ballots per second and the errors.
enum SiteBench {
    struct Dataset: Codable {
        var proposal: UUID
        var meeting: UUID
        var majorityPoll: UUID
        var theme: UUID
        var memberCookie: String
        var openPolls: [UUID]
        var voters: [[String]]  // cookie, form token
    }

    static func settings() throws -> Settings {
        let environment = ProcessInfo.processInfo.environment
        guard let data = environment["PORTEVOIX_DATA_DIR"],
              let ballot = environment["PORTEVOIX_BALLOT_KEY"].flatMap({ Data(base64Encoded: $0) }),
              let signing = environment["PORTEVOIX_SIGNING_KEY"].flatMap({ Data(base64Encoded: $0) })
        else { throw DrillFailure("PORTEVOIX_DATA_DIR, PORTEVOIX_BALLOT_KEY and PORTEVOIX_SIGNING_KEY are needed") }
        // The server measured reads the same database: PostgreSQL when DATABASE_URL names one.
        let database: Settings.Database = environment["DATABASE_URL"].map { .postgres(url: $0) } ?? .sqlite(path: data + "/portevoix.sqlite")
        return Settings(database: database, dataDirectory: data,
                        resourcesDirectory: FileManager.default.currentDirectoryPath + "/",
                        passwordHashCost: 4, keys: .given(ballotMaster: Array(ballot), signing: Array(signing)))
    }

    static func dataset(file: String) async throws {
        let site = Drills.Site(settings: try settings(), environment: [:], label: "dataset", folder: "")
        try await Drills.withDrillApp(site) { app in
            let start = ContinuousClock.now
            let sql = app.db.sql
            let members = try await Drills.addMembers(app, count: 500, prefix: "Membre")
            let sessions = try await Drills.addSessions(app, for: members.map(\.id))
            let themes = try await sql.raw("SELECT id FROM themes ORDER BY position").all().map { try $0.decode(column: "id", as: UUID.self) }
            let proposals = (0..<10_000).map { _ in UUID() }
            let words = ["bus", "crèche", "formation", "logement", "santé", "numérique", "budget", "permis"]
            try await app.db.transaction { database in
                for batch in stride(from: 0, to: 10_000, by: 500) {
                    var rows: [SQLQueryString] = []
                    for index in batch..<min(batch + 500, 10_000) {
                        let id = proposals[index]
                        let word = words[index % words.count]
                        let title = "Proposition \(index) sur le \(word)"
                        let body = String(repeating: "Le texte de la proposition \(index) explique ce qui ne va pas et ce qu'il faudrait changer. ", count: 4)
                        rows.append("""
                            (\(bind: id), \(bind: title), \(bind: body), \(bind: themes[index % themes.count]), false, false, 'published',
                             \(bind: Date()), \(bind: Date(timeIntervalSince1970: 1_700_000_000 + Double(index) * 600)), \(bind: Date()),
                             \(bind: index % 97), \(bind: SearchText.fold(title + " " + body)), \(bind: members[index % members.count].id))
                            """)
                    }
                    try await database.sql.raw("""
                        INSERT INTO proposals (id, title, body, theme_id, anonymous, from_paper, status, status_changed_at,
                          published_at, created_at, supports_count, search_text, author_id) VALUES \(rows.joined(separator: ", "))
                        """).run()
                }
            }
            var meetings: [UUID] = []
            for index in 0..<100 {
                let id = UUID()
                meetings.append(id)
                let startsAt = Date(timeIntervalSince1970: 1_700_000_000 + Double(index) * 86_400 * 7)
                try await sql.raw("""
                    INSERT INTO meetings (id, title, starts_at, ends_at, place, description, accessibility, status, other_attendees, created_at)
                    VALUES (\(bind: id), \(bind: "Séance \(index + 1) du conseil"), \(bind: startsAt), \(bind: startsAt.addingTimeInterval(7200)),
                            'Salle du conseil, Hôtel du Département', 'Ordre du jour : les propositions du mois.', 'Salle de plain-pied, boucle magnétique.',
                            'closed', 3, \(bind: Date()))
                    """).run()
                for position in 0..<3 {
                    try await sql.raw("""
                        INSERT INTO agenda_items (id, meeting_id, position, title, description)
                        VALUES (\(bind: UUID()), \(bind: id), \(bind: position), \(bind: "Point \(position + 1)"),
                                'Une proposition du mois, présentée par son autrice.')
                        """).run()
                }
            }
            // 200 counted polls, 50,000 ballots in all.
            let majority = try await countedPoll(app, kind: .majorityJudgment, options: 10, ballots: 1_000, voters: members)
            for _ in 0..<199 {
                _ = try await countedPoll(app, kind: .yesNo, options: 0, ballots: 246, voters: members)
            }
            var open: [UUID] = []
            for _ in 0..<4 { open.append(try await PollFixture.make(app, kind: .yesNo, options: 0).requireID()) }
            try await sql.raw("ANALYZE").run()
            let dataset = Dataset(proposal: proposals[5_000], meeting: meetings[50], majorityPoll: majority, theme: themes[0],
                                  memberCookie: sessions[members[0].id]!.cookie, openPolls: open,
                                  voters: members.map { [sessions[$0.id]!.cookie, sessions[$0.id]!.csrf] })
            try JSONEncoder().encode(dataset).write(to: URL(fileURLWithPath: file))
            print("data set: 10,000 proposals, 500 members, 100 sessions, 200 counted polls (50,000 ballots), 4 open polls, in "
                + ListingBench.format(ContinuousClock.now - start))
        }
    }

    /// A poll closed and counted with `ballots` sealed ballots from members (register rows first).
    static func countedPoll(_ app: Application, kind: PollKind, options: Int, ballots: Int,
                            voters: [(id: UUID, pseudonym: String)]) async throws -> UUID {
        let poll = try await PollFixture.make(app, kind: kind, options: options)
        let pollID = try poll.requireID()
        let rules = PollRules(kind: kind, optionCount: options)
        let publicKey = Array(Data(base64Encoded: poll.publicKey!)!)
        var random = SystemRandomNumberGenerator()
        let sql = app.db.sql
        let extra = max(0, ballots - voters.count)
        // Register rows need members: beyond the 500, paper-like voters of their own.
        var memberIDs = voters.prefix(ballots).map(\.id)
        if extra > 0 {
            let more = try await Drills.addMembers(app, count: extra, prefix: "Votant \(pollID.uuidString.prefix(6))")
            memberIDs += more.map(\.id)
        }
        for chunk in stride(from: 0, to: ballots, by: 500) {
            let range = chunk..<min(chunk + 500, ballots)
            let register: [SQLQueryString] = range.map { "(\(bind: pollID), \(bind: memberIDs[$0]), 'online')" }
            try await sql.raw("INSERT INTO poll_voters (poll_id, member_id, channel) VALUES " + register.joined(separator: ", ")).run()
            var rows: [SQLQueryString] = []
            for index in range {
                let content: BallotContent = kind == .majorityJudgment
                    ? .grades((0..<options).map { _ in Grade(rawValue: Int.random(in: 0...6, using: &random))! })
                    : .yesNo([YesNoChoice.pour, .contre, .abstention].randomElement(using: &random)!)
                let sealed = Data(try BallotSeal.seal(content, rules: rules, publicKey: publicKey, pollIdentifier: pollID.uuidString))
                rows.append("(\(bind: pollID), \(bind: UUID().uuidString), \(bind: sealed.base64EncodedString()), \(bind: SecureToken.hash(UUID().uuidString)))")
            }
            try await sql.raw("INSERT INTO ballots (poll_id, id, sealed_content, tracker_hash) VALUES " + rows.joined(separator: ", ")).run()
        }
        try await PollCount.close(poll, at: app.clock.now(), app: app)
        return pollID
    }

    static func cast(port: Int, file: String) async throws {
        let dataset = try JSONDecoder().decode(Dataset.self, from: Data(contentsOf: URL(fileURLWithPath: file)))
        let app = try await Application.make(.testing)
        app.logger.logLevel = .warning
        app.http.client.configuration.redirectConfiguration = .disallow
        app.http.client.configuration.connectionPool = .init(idleTimeout: .seconds(30), concurrentHTTP1ConnectionsPerHostSoftLimit: 128)
        let client = app.client
        let jobs = dataset.openPolls.flatMap { poll in dataset.voters.map { (poll, $0) } }
        let start = ContinuousClock.now
        let outcomes = await Drills.load(count: jobs.count, concurrency: 64) { index -> String? in
            let (poll, voter) = jobs[index]
            var jar = Drills.Jar(cookies: ["portevoix": voter[0]])
            do {
                let reply = try await Drills.send(client, .POST, port: port, "/scrutins/\(poll)/vote", jar: &jar,
                                                  form: ["_csrf": voter[1], "choix": "P"])
                return reply.tracker == nil ? "answered \(reply.status.code)" : nil
            } catch {
                return String(describing: error)
            }
        }
        let elapsed = Drills.seconds(ContinuousClock.now - start)
        let errors = outcomes.values.compactMap { $0 }
        print(String(format: "ballots: %d cast by %d voters, 64 at a time, in %.2f s: %.0f ballots per second, %d errors",
                     jobs.count - errors.count, dataset.voters.count, elapsed, Double(jobs.count - errors.count) / elapsed, errors.count))
        for error in Set(errors).prefix(3) { print("  error: \(error)") }
        try await app.asyncShutdown()
    }
}
