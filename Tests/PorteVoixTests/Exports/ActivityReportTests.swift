import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
@testable import PorteVoix

/// The activity report for a period: staff's figures for elected members,
/// computed from what the public reads and naming nobody.
@Suite("Activity report")
struct ActivityReportTests {
    static func date(_ iso: String) -> Date { ISO8601DateFormatter().date(from: iso)! }

    @Test func theFiguresCountThePublicProposalsOfThePeriodOnly() async throws {
        try await withTestApp { app in
            _ = try await makeMember(app, "Agent", roles: [.staff])
            let author = try await makeMember(app, "Camille Secrète")
            let themes = try await Theme.query(on: app.db).sort(\.$position).all()
            let first = themes[0], second = themes[1]
            let published = Self.date("2026-03-10T10:00:00+01:00")
            // Answered after 10 and 30 days; one not answered: 2 of 3, median 20 days.
            for (title, theme, delay) in [("Des bus le dimanche", first, 10.0), ("Une crèche", first, 30.0), ("Un guichet", second, nil)] {
                let proposal = try await makeProposal(app, title: title, author: author, status: delay == nil ? .published : .answered,
                                                      theme: theme, publishedAt: published)
                if let delay {
                    proposal.answer = "Réponse du Département."
                    proposal.answeredAt = published.addingTimeInterval(delay * 86_400)
                    try await proposal.save(on: app.db)
                }
            }
            _ = try await makeProposal(app, title: "Avant la période", author: author, theme: first,
                                       publishedAt: Self.date("2026-02-27T10:00:00+01:00"))
            _ = try await makeProposal(app, title: "En attente", author: author, status: .submitted, theme: first)
            let hidden = try await makeProposal(app, title: "Masquée", author: author, theme: first, publishedAt: published)
            hidden.hiddenAt = Date()
            hidden.hiddenReason = .reports
            try await hidden.save(on: app.db)

            let meeting = try await makeMeeting(app, status: .closed, otherAttendees: 3)
            meeting.startsAt = Self.date("2026-03-15T14:00:00+01:00")
            meeting.endsAt = Self.date("2026-03-15T16:00:00+01:00")
            try await meeting.save(on: app.db)
            try await MeetingAttendance(meetingID: meeting.requireID(), memberID: author.requireID()).create(on: app.db)
            // A vote of the session, counted and published (6 ballots), and one too small to publish (2).
            for voters in [6, 2] {
                let poll = try await makePoll(app, kind: .yesNo, options: [], meeting: meeting)
                for index in 0..<voters {
                    let voter = try await makeMember(app, "Votant \(voters) \(index)")
                    _ = try await BallotBox.cast(.yesNo(.pour), poll: poll, memberID: voter.requireID(), clock: app.clock, on: app.db)
                }
                try await PollCount.close(poll, at: app.clock.now(), app: app)
            }

            let report = try await ActivityReport.load(from: Self.date("2026-03-01T00:00:00+01:00"),
                                                       to: Self.date("2026-04-01T00:00:00+02:00"), now: app.clock.now(), on: app.db)
            #expect(report.proposals == 3)
            #expect(report.answered == 2 && report.medianDaysToAnswer == 20)
            #expect(report.byTheme.first { $0.label == first.name }?.count == 2)
            #expect(report.byTheme.first { $0.label == second.name }?.count == 1)
            #expect(report.sessions.count == 1 && report.sessions[0].presentMembers == 1 && report.sessions[0].others == 3)
            #expect(report.sessions[0].votes == 2 && report.sessions[0].ballots == 6, "the small vote's size stays unpublished")
            #expect(report.debate.names == 1, "the current name")

            var staff = Browser(app)
            try await staff.signIn("Agent")
            let page = try await staff.get("/exports/rapport-activite?du=2026-03-01&au=2026-03-31")
            #expect(page.status == .ok)
            let text = page.text
            #expect(text.contains("3 propositions publiées"))
            #expect(text.contains("67 % ont reçu la réponse du Département (2 sur 3)"))
            #expect(text.contains("Délai médian de réponse : 20 jours"))
            #expect(text.contains("<svg"), "charts")
            #expect(text.contains("rapport-imprimable"), "the print stylesheet's A4 layout")
            #expect(!text.contains("Camille Secrète"), "no member is named")
            #expect(!text.contains("Masquée") && !text.contains("En attente"))
        }
    }

    @Test func aWrongDateIsExplainedAndKept() async throws {
        try await withTestApp { app in
            _ = try await makeMember(app, "Agent", roles: [.staff])
            _ = try await makeMember(app, "Camille")
            var staff = Browser(app)
            try await staff.signIn("Agent")
            let wrong = try await staff.get("/exports/rapport-activite?du=2026-13-45&au=2026-03-31")
            #expect(wrong.status == .unprocessableEntity)
            #expect(wrong.text.contains("écrivez-la comme 2026-01-31") && wrong.text.contains("value=\"2026-13-45\""))
            let reversed = try await staff.get("/exports/rapport-activite?du=2026-03-31&au=2026-03-01")
            #expect(reversed.status == .unprocessableEntity && reversed.text.contains("avant la date de début"))
            // Without dates: this year until today.
            #expect(try await staff.get("/exports/rapport-activite").status == .ok)
            var member = Browser(app)
            try await member.signIn("Camille")
            #expect(try await member.get("/exports/rapport-activite").status == .forbidden)
        }
    }
}
