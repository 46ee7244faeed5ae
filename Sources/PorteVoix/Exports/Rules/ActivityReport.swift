import Fluent
import Foundation

/// The council's activity over a period, for staff's reports to elected
/// members: counts and durations from what the public reads, never a name.
struct ActivityReport: Sendable {
    struct Session: Sendable {
        var title: String
        var startsAt: Date
        var territory: String
        var presentMembers: Int
        var others: Int
        var votes: Int
        var ballots: Int
    }

    struct Debate: Sendable {
        var names = 0
        var opinions = 0
        /// The latest counted period of the feeling question, when its counts are published.
        var feeling: (number: Int, counts: [Int])?
        var ranking: [String] = []
        var answer: (text: String, publishedAt: Date)?
    }

    var from: Date
    /// Exclusive.
    var to: Date
    var proposals = 0
    var byTheme: [(label: String, count: Int)] = []
    var byTerritory: [(label: String, count: Int)] = []
    var byStatus: [(label: String, count: Int)] = []
    var answered = 0
    /// Median days from publication to the département's answer, over the proposals answered.
    var medianDaysToAnswer: Double?
    var sessions: [Session] = []
    var debate = Debate()
    /// « J'ai compris / Je n'ai pas bien compris » under the answers of the
    /// period's proposals: the totals, and the answers least understood.
    var understanding = Understanding.Counts()
    var leastUnderstood: [(title: String, counts: Understanding.Counts)] = []

    var shareAnswered: Double? { proposals == 0 ? nil : Double(answered) / Double(proposals) }

    /// Proposals published in [from, to), read a batch at a time (`ExportDataset.proposalsPage`).
    static func load(from: Date, to: Date, now: Date, on database: any Database) async throws -> ActivityReport {
        var report = ActivityReport(from: from, to: to)
        let themes = Dictionary(uniqueKeysWithValues: try await Theme.query(on: database).all().map { ($0.id!, $0.name) })
        let territories = Dictionary(uniqueKeysWithValues: try await Territory.query(on: database).all().map { ($0.id!, $0.name) })
        var theme: [String: Int] = [:], territory: [String: Int] = [:], status: [String: Int] = [:]
        var delays: [Double] = []
        var answeredTitles: [UUID: String] = [:]
        let filters = ExportFilters(from: from, to: to)
        try await ExportDataset.forEachPage(size: ExportDataset.batch,
                                            fetch: { try await ExportDataset.proposalsPage(filters, after: $0, limit: $1, on: database) },
                                            cursor: \.id) { page in
            for proposal in page {
                report.proposals += 1
                theme[themes[proposal.$theme.id] ?? "Sans thème", default: 0] += 1
                territory[proposal.$territory.id.flatMap { territories[$0] } ?? "Tout le département", default: 0] += 1
                status[proposal.status.label, default: 0] += 1
                if let answeredAt = proposal.answeredAt, let publishedAt = proposal.publishedAt {
                    report.answered += 1
                    answeredTitles[try proposal.requireID()] = proposal.title
                    delays.append(max(0, answeredAt.timeIntervalSince(publishedAt)) / 86_400)
                }
            }
        }
        func sorted(_ counts: [String: Int]) -> [(label: String, count: Int)] {
            counts.map { (label: $0.key, count: $0.value) }.sorted { ($1.count, $0.label) < ($0.count, $1.label) }
        }
        report.byTheme = sorted(theme)
        report.byTerritory = sorted(territory)
        report.byStatus = sorted(status)
        report.medianDaysToAnswer = median(delays)
        let understanding = try await Understanding.counts(of: Array(answeredTitles.keys), on: database)
        for counts in understanding.values {
            report.understanding.understood += counts.understood
            report.understanding.notUnderstood += counts.notUnderstood
        }
        report.leastUnderstood = understanding.filter { $0.value.notUnderstood > 0 }
            .map { (title: answeredTitles[$0.key] ?? "", counts: $0.value) }
            .sorted { ($1.counts.notUnderstood, $0.title) < ($0.counts.notUnderstood, $1.title) }.prefix(5).map { $0 }
        report.sessions = try await sessions(filters, territories: territories, on: database)
        report.debate = try await debate(now: now, on: database)
        return report
    }

    static func median(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    /// Sessions that started in the period: who came (counts) and how many voted.
    static func sessions(_ filters: ExportFilters, territories: [UUID: String], on database: any Database) async throws -> [Session] {
        var sessions: [Session] = []
        try await ExportDataset.forEachPage(size: ExportDataset.batch,
                                            fetch: { try await ExportDataset.meetingsPage(filters, after: $0, limit: $1, on: database) },
                                            cursor: \.id) { page in
            let ids = try page.map { try $0.requireID() }
            var present: [UUID: Int] = [:]
            for row in try await MeetingAttendance.query(on: database).filter(\.$meeting.$id ~~ ids).all() {
                present[row.$meeting.id, default: 0] += 1
            }
            var votes: [UUID: (count: Int, ballots: Int)] = [:]
            for poll in try await Poll.query(on: database).filter(\.$meeting.$id ~~ ids).filter(\.$status == .closed).with(\.$options).all() {
                guard let meetingID = poll.$meeting.id else { continue }
                // Ballots are counted where the result is published: a small vote's size stays as private as its result.
                let published = try await ExportDataset.publishedResults(poll, on: database)
                votes[meetingID, default: (0, 0)].count += 1
                votes[meetingID, default: (0, 0)].ballots += published?.ballots ?? 0
            }
            sessions += page.compactMap { meeting in
                guard let id = meeting.id, meeting.status != .cancelled else { return nil }
                return Session(title: meeting.title, startsAt: meeting.startsAt,
                               territory: meeting.$territory.id.flatMap { territories[$0] } ?? "Tout le département",
                               presentMembers: present[id] ?? 0, others: meeting.otherAttendees,
                               votes: votes[id]?.count ?? 0, ballots: votes[id]?.ballots ?? 0)
            }
        }
        return sessions
    }

    /// Where the naming debate stands: published counts, the latest feeling results, the vote, the answer.
    static func debate(now: Date, on database: any Database) async throws -> Debate {
        var debate = Debate()
        var model = DebatePage.Model(introHTML: "")
        try await DebatePublicParts.fill(&model, now: now, on: database)
        debate.names = model.names.count
        debate.opinions = model.names.reduce(0) { $0 + $1.counts.values.reduce(0, +) }
        if let round = model.rounds.last(where: { $0.counts != nil }), let counts = round.counts {
            debate.feeling = (round.number, counts)
        }
        debate.ranking = model.decision?.ranking ?? []
        debate.answer = model.answers.first.map { ($0.text, $0.publishedAt) }
        return debate
    }
}
