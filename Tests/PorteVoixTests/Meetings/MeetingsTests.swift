import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
@testable import PorteVoix

@Suite("Council sessions: dates and calendar files")
struct MeetingTimeTests {
    func paris(_ year: Int, _ month: Int, _ day: Int, _ hour: Int, _ minute: Int = 0) -> Date {
        FrenchDates.calendar.date(from: DateComponents(year: year, month: month, day: day, hour: hour, minute: minute))!
    }

    @Test func datesAndTimesAreReadAsPeopleTypeThem() throws {
        #expect(try MeetingTime.instant(day: "2027-03-12", time: "14:00").get() == paris(2027, 3, 12, 14))
        #expect(try MeetingTime.instant(day: "12/03/2027", time: "14h").get() == paris(2027, 3, 12, 14))
        #expect(try MeetingTime.instant(day: "12/03/2027", time: "14 h 30").get() == paris(2027, 3, 12, 14, 30))
        #expect(MeetingTime.instant(day: "31/02/2027", time: "14:00") == .failure(.date))
        #expect(MeetingTime.instant(day: "demain", time: "14:00") == .failure(.date))
        #expect(MeetingTime.instant(day: "12/03/2027", time: "25:00") == .failure(.time))
        #expect(MeetingTime.instant(day: "28/03/2027", time: "02:30") == .failure(.nonexistent), "the spring gap")
    }

    @Test func parisTimeFollowsDaylightSaving() {
        // The day before and the day after the change of 28 March 2027.
        #expect(ICalendar.utc(paris(2027, 3, 27, 14)) == "20270327T130000Z")
        #expect(ICalendar.utc(paris(2027, 3, 28, 14)) == "20270328T120000Z")
        #expect(ICalendar.local(paris(2027, 3, 28, 14)) == "20270328T140000")
        #expect(FrenchDates.dayAndTime(paris(2027, 3, 28, 14)) == "dimanche 28 mars 2027 à 14 h")
    }

    @Test func textIsEscapedAndLongLinesFolded() {
        #expect(ICalendar.escape("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne")
        let long = "DESCRIPTION:" + String(repeating: "é", count: 100)
        let folded = ICalendar.fold(long)
        for line in folded.components(separatedBy: "\r\n") {
            #expect(line.utf8.count <= 75)
        }
        #expect(ICalendarParser.unfold(folded) == long)
    }
}

/// Reads back what ICalendar writes: enough of RFC 5545 to check it.
enum ICalendarParser {
    static func unfold(_ text: String) -> String {
        text.replacingOccurrences(of: "\r\n ", with: "")
    }

    struct Event {
        var start: Date
        var end: Date
        var summary: String
        var status: String
    }

    static func events(_ text: String) -> [Event] {
        var events: [Event] = []
        var current: [String: String] = [:]
        for line in unfold(text).components(separatedBy: "\r\n") {
            if line == "BEGIN:VEVENT" { current = [:] }
            if line == "END:VEVENT", let start = date(current["DTSTART"]), let end = date(current["DTEND"]) {
                events.append(Event(start: start, end: end, summary: current["SUMMARY"] ?? "", status: current["STATUS"] ?? ""))
            }
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = String(line[..<colon]).components(separatedBy: ";").first!
            if name == "DTSTART" || name == "DTEND" {
                current[name] = String(line[..<colon]) + "|" + line[line.index(after: colon)...]
            } else {
                current[name] = String(line[line.index(after: colon)...])
            }
        }
        return events
    }

    /// "DTSTART;TZID=Europe/Paris|20270328T140000" → the instant.
    static func date(_ value: String?) -> Date? {
        guard let value, value.contains("TZID=Europe/Paris|") else { return nil }
        let digits = value.components(separatedBy: "|")[1]
        func part(_ from: Int, _ length: Int) -> Int {
            Int(digits.dropFirst(from).prefix(length))!
        }
        return FrenchDates.calendar.date(from: DateComponents(
            year: part(0, 4), month: part(4, 2), day: part(6, 2), hour: part(9, 2), minute: part(11, 2), second: part(13, 2)
        ))
    }
}

@Suite("Council sessions")
struct MeetingsTests {
    func signedIn(_ app: Application, _ name: String, roles: [Role] = [.participant]) async throws -> Browser {
        try await makeMember(app, name, roles: roles)
        var browser = Browser(app)
        try await browser.signIn(name)
        return browser
    }

    /// A session created through the form; returns its path.
    func plan(_ browser: inout Browser, title: String = "Séance du Nord", day: String = "2099-03-12",
              start: String = "14:00", end: String = "16:30") async throws -> String {
        let response = try await browser.submit(
            ["titre": title, "jour": day, "debut": start, "fin": end, "lieu": "Maison des services, 3 rue de la Gare",
             "territoire": "", "description": "De quoi parler.", "accessibilite": "Accessible en fauteuil."],
            on: "/seances/nouvelle")
        #expect(response.status == .seeOther)
        return try #require(response.location)
    }

    @Test func wrongDatesAreExplainedAndTheFormKeepsWhatWasTyped() async throws {
        try await withTestApp { app in
            var facilitator = try await signedIn(app, "Nadia", roles: [.facilitator])
            let backwards = try await facilitator.submit(
                ["titre": "Séance", "jour": "12/03/2099", "debut": "16:00", "fin": "14:00", "lieu": "Mairie"],
                on: "/seances/nouvelle")
            #expect(backwards.status == .unprocessableEntity)
            #expect(backwards.text.contains("La séance doit finir après son début."))
            #expect(backwards.text.contains(#"value="12/03/2099""#))
            #expect(backwards.text.contains(#"value="Mairie""#))
            let impossible = try await facilitator.submit(
                ["titre": "Séance", "jour": "31/02/2099", "debut": "14:00", "fin": "16:00", "lieu": "Mairie"],
                on: "/seances/nouvelle")
            #expect(impossible.text.contains("Cette date n&#39;existe pas") || impossible.text.contains("Cette date n'existe pas"))
            let badTime = try await facilitator.submit(
                ["titre": "Séance", "jour": "2099-03-12", "debut": "vers 14h", "fin": "16:00", "lieu": ""],
                on: "/seances/nouvelle")
            #expect(badTime.text.contains("Cette heure n&#39;existe pas") || badTime.text.contains("Cette heure n'existe pas"))
            #expect(badTime.text.contains("Indiquez le lieu"))
            #expect(try await Meeting.query(on: app.db).count() == 0)

            let path = try await plan(&facilitator)
            let page = try await facilitator.get(path).text
            #expect(page.contains("jeudi 12 mars 2099 de 14 h à 16 h 30"))
        }
    }

    @Test func membersAnswerButCannotEditOrSeeWhoWasThere() async throws {
        try await withTestApp { app in
            var facilitator = try await signedIn(app, "Nadia", roles: [.facilitator])
            let path = try await plan(&facilitator)
            var member = try await signedIn(app, "Camille")
            #expect(try await member.get(path + "/modifier").status == .forbidden)
            #expect(try await member.get(path + "/emargement").status == .forbidden)
            #expect(try await member.post(path + "/points", form: ["_csrf": try #require(try await member.get(path).csrfToken),
                                                                   "titre": "Mon point"]).status == .forbidden)

            try await member.submit(["reponse": "oui"], on: path, to: path + "/reponse")
            #expect(try await member.get(path).text.contains("Vous avez dit que vous viendrez."))
            try await member.submit(["reponse": "non"], on: path, to: path + "/reponse")
            let page = try await member.get(path).text
            #expect(page.contains("Vous avez dit que vous ne pourrez pas venir."))
            #expect(page.contains("1 personne ne pourra pas venir."))
            #expect(try await MeetingResponse.query(on: app.db).count() == 1)

            // The facilitator sees who answered; another member does not.
            let managed = try await facilitator.get(path).text
            #expect(managed.contains("Ne pourront pas venir : </strong>Camille"))
            var other = try await signedIn(app, "Voisin")
            #expect(!(try await other.get(path).text.contains("Ne pourront pas venir")))
        }
    }

    /// The workflow table says who schedules: an administrator without the
    /// facilitator role links the proposal and is told it stays published.
    @Test func linkingFollowsTheWorkflowTableAndSaysSo() async throws {
        try await withTestApp { app in
            var admin = try await signedIn(app, "Adèle admin", roles: [.admin])
            let proposal = try await makeProposal(app, title: "Une navette", author: nil)
            let path = try await plan(&admin)
            try await admin.submit(["titre": "Les transports"], on: path, to: path + "/points")
            let item = try #require(try await AgendaItem.query(on: app.db).first())
            try await admin.submit(["proposition": proposal.id!.uuidString, "point": item.id!.uuidString], on: path, to: path + "/propositions")
            #expect(try await Proposal.find(proposal.id, on: app.db)?.status == .published)
            #expect(try await admin.get(path).text.contains("Elle reste « publiée »"))
            #expect(try await AuditEntry.query(on: app.db).filter(\.$action == "proposal.schedule").count() == 0)
        }
    }

    /// The author withdraws while a session links the proposal: one wins.
    @Test func twoStatusChangesAtOnceCannotBothWin() async throws {
        try await withTestApp { app in
            let author = try await makeMember(app, "Camille")
            let facilitator = try await makeMember(app, "Nadia", roles: [.facilitator])
            try await facilitator.$roleRows.load(on: app.db)
            let proposal = try await makeProposal(app, author: author)
            let stale = try #require(try await Proposal.find(proposal.id, on: app.db))
            try await ProposalWorkflow.apply(.withdraw, to: proposal, by: author, note: "", on: app.db, now: app.clock.now())
            await #expect(throws: PageError.self) {
                try await ProposalWorkflow.apply(.schedule, to: stale, by: facilitator, note: "", on: app.db, now: app.clock.now())
            }
            #expect(try await Proposal.find(proposal.id, on: app.db)?.status == .withdrawn)
            #expect(try await ProposalEvent.query(on: app.db).filter(\.$status == .scheduled).count() == 0)
        }
    }

    @Test func theAgendaIsBuiltReorderedLinkedAndFollowedByTheProjector() async throws {
        try await withTestApp { app in
            var facilitator = try await signedIn(app, "Nadia", roles: [.facilitator])
            let author = try await makeMember(app, "Camille")
            let proposal = try await makeProposal(app, title: "Une navette", author: author)
            let path = try await plan(&facilitator)
            for title in ["Accueil", "Les transports", "Questions diverses"] {
                #expect(try await facilitator.submit(["titre": title], on: path, to: path + "/points").status == .seeOther)
            }
            let empty = try await facilitator.submit(["titre": " "], on: path, to: path + "/points")
            #expect(empty.status == .unprocessableEntity)
            #expect(empty.text.contains("Donnez un titre à ce point."))

            var items = try await AgendaItem.query(on: app.db).sort(\.$position).all()
            try await facilitator.submit(["sens": "monter"], on: path, to: path + "/points/\(items[2].id!)/deplacer")
            items = try await AgendaItem.query(on: app.db).sort(\.$position).all()
            #expect(items.map(\.title) == ["Accueil", "Questions diverses", "Les transports"])

            let transports = items[2]
            try await facilitator.submit(["proposition": proposal.id!.uuidString, "point": transports.id!.uuidString], on: path,
                                         to: path + "/propositions")
            #expect(try await Proposal.find(proposal.id, on: app.db)?.status == .scheduled)
            #expect(try await facilitator.get(path).text.contains("Proposition : <a href=\"\(proposal.path)\">Une navette</a>"))
            var authorBrowser = Browser(app)
            try await authorBrowser.signIn("Camille")
            #expect(try await authorBrowser.get("/mon-compte/notifications").text.contains("inscrite à une séance du conseil. Séance du"))
            // The same step as from the proposal's page: its event, and an audit entry.
            let scheduled = try await auditSentences(app, action: "proposal.schedule")
            #expect(scheduled.count == 1 && scheduled[0].contains("Une navette"))
            #expect(try await ProposalEvent.query(on: app.db).filter(\.$status == .scheduled).count() == 1)

            try await facilitator.submit(["action": "ouvrir"], on: path, to: path + "/statut")
            var projector = Browser(app)
            let first = try await projector.get(path + "/projection")
            #expect(first.headers.first(name: "Refresh") == "10")
            #expect(first.text.contains("<h1>Accueil</h1>"))
            #expect(!first.text.contains("<nav"))
            try await facilitator.submit([:], on: path, to: path + "/points/\(transports.id!)/courant")
            let moved = try await projector.get(path + "/projection").text
            #expect(moved.contains("Point 3 sur 3"))
            #expect(moved.contains("<h1>Les transports</h1>"))

            try await facilitator.submit(["action": "clore"], on: path, to: path + "/statut")
            let frozen = try await facilitator.submit(["titre": "Trop tard"], on: path, to: path + "/points")
            #expect(frozen.status == .conflict)
            #expect(try await facilitator.submit(["sens": "monter"], on: path,
                                                 to: path + "/points/\(transports.id!)/deplacer").status == .conflict)
            #expect(try await AgendaItem.query(on: app.db).count() == 3)
        }
    }

    @Test func attendanceNamesStayWithFacilitators() async throws {
        try await withTestApp { app in
            var facilitator = try await signedIn(app, "Nadia", roles: [.facilitator])
            let present = try await makeMember(app, "Présente Discrète")
            try await makeMember(app, "Absente")
            var member = try await signedIn(app, "Camille")
            let camille = try #require(try await Member.query(on: app.db).filter(\.$pseudonym == "Camille").first())
            let path = try await plan(&facilitator)
            try await facilitator.submit(["action": "ouvrir"], on: path, to: path + "/statut")

            let list = try await facilitator.get(path + "/emargement?q=pr")
            #expect(list.text.contains("Présente Discrète"))
            #expect(!list.text.contains("Absente"))
            let wrongCount = try await facilitator.submit(
                ["presents[]": present.id!.uuidString, "affiches[]": present.id!.uuidString, "autres": "beaucoup"],
                on: path + "/emargement")
            #expect(wrongCount.status == .unprocessableEntity)
            #expect(wrongCount.text.contains(#"value="beaucoup""#))
            let token = try #require(try await facilitator.get(path + "/emargement").csrfToken)
            let body = "_csrf=\(token)&presents[]=\(present.id!)&affiches[]=\(present.id!)&presents[]=\(camille.id!)&affiches[]=\(camille.id!)&autres=2"
            var headers = HTTPHeaders()
            headers.contentType = .urlEncodedForm
            #expect(try await facilitator.send(.POST, path + "/emargement", headers: headers, body: ByteBuffer(string: body)).status == .seeOther)
            #expect(try await MeetingAttendance.query(on: app.db).count() == 2)
            #expect(try await facilitator.get(path + "/emargement").text.contains("2 membres notés présents."))

            let seen = try await member.get(path).text
            #expect(seen.contains("Vous étiez présent·e."))
            #expect(seen.contains("4 personnes étaient présentes : 2 membres du conseil et 2 autres"))
            #expect(!seen.contains("Présente Discrète"))
            var visitor = Browser(app)
            #expect(!(try await visitor.get(path).text.contains("Présente Discrète")))
        }
    }

    @Test func cancelledSessionsSayWhyEverywhere() async throws {
        try await withTestApp { app in
            var facilitator = try await signedIn(app, "Nadia", roles: [.facilitator])
            let path = try await plan(&facilitator)
            let noReason = try await facilitator.submit(["action": "annuler"], on: path, to: path + "/statut")
            #expect(noReason.status == .unprocessableEntity)
            #expect(noReason.text.contains("Écrivez la raison"))
            try await facilitator.submit(["action": "annuler", "motif": "La salle est fermée."], on: path, to: path + "/statut")
            var visitor = Browser(app)
            let page = try await visitor.get(path).text
            #expect(page.contains("Cette séance est annulée"))
            #expect(page.contains("La salle est fermée."))
            #expect(!page.contains("Viendrez-vous ?"))
            let ics = try await visitor.get(path + ".ics")
            let event = try #require(ICalendarParser.events(ics.text).first)
            #expect(event.status == "CANCELLED")
            #expect(event.summary.hasPrefix("Annulée : "))
            #expect(try await facilitator.submit(["action": "ouvrir"], on: path, to: path + "/statut").status == .conflict)
        }
    }

    @Test func calendarFilesParseBackAtTheRightTimeAcrossTheClockChange() async throws {
        try await withTestApp { app in
            var facilitator = try await signedIn(app, "Nadia", roles: [.facilitator])
            let before = try await plan(&facilitator, title: "Avant le changement d'heure", day: "2027-03-27")
            _ = try await plan(&facilitator, title: "Après, le dimanche", day: "2027-03-28")
            var visitor = Browser(app)
            let one = try await visitor.get(before + ".ics")
            #expect(one.headers.first(name: .contentType)?.hasPrefix("text/calendar") == true)
            #expect(one.text.hasPrefix("BEGIN:VCALENDAR\r\n"))
            #expect(one.text.contains("TZID:Europe/Paris"))
            let feed = try await visitor.get("/seances.ics").text
            let events = ICalendarParser.events(feed)
            #expect(events.count == 2)
            let saturday = try #require(events.first { $0.summary.hasPrefix("Avant") })
            let sunday = try #require(events.first { $0.summary.hasPrefix("Après") })
            #expect(ICalendar.utc(saturday.start) == "20270327T130000Z")
            #expect(ICalendar.utc(sunday.start) == "20270328T120000Z")
            #expect(sunday.end.timeIntervalSince(sunday.start) == 2.5 * 3600)
            #expect(saturday.summary == "Avant le changement d'heure")
        }
    }

    @Test func minutesArePublishedAfterTheSessionAndMembersAreTold() async throws {
        try await withTestApp { app in
            var facilitator = try await signedIn(app, "Nadia", roles: [.facilitator])
            var member = try await signedIn(app, "Camille")
            let path = try await plan(&facilitator)
            #expect(try await facilitator.submit(["texte": "Trop tôt pour écrire.", "action": "brouillon"],
                                                 on: path + "/compte-rendu/modifier").status == .conflict)
            try await facilitator.submit(["action": "ouvrir"], on: path, to: path + "/statut")
            let notClosed = try await facilitator.submit(["texte": "Un compte rendu assez long pour être publié.", "action": "publier"],
                                                         on: path + "/compte-rendu/modifier")
            #expect(notClosed.status == .unprocessableEntity)
            #expect(notClosed.text.contains("Clôturez la séance"))
            try await facilitator.submit(["action": "clore"], on: path, to: path + "/statut")
            let text = "Nous avons parlé des bus.\n\nDécisions :\n- tester une navette ;\n- relire les courriers.\n\n<script>alert(1)</script>"
            try await facilitator.submit(["texte": text, "action": "brouillon"], on: path + "/compte-rendu/modifier")
            #expect(!(try await member.get(path).text.contains("Nous avons parlé des bus.")), "a draft is not shown")
            #expect(try await member.get(path + "/compte-rendu").status == .notFound)
            try await facilitator.submit(["texte": text, "action": "publier"], on: path + "/compte-rendu/modifier")
            let page = try await member.get(path).text
            #expect(page.contains("<p>Nous avons parlé des bus.</p><p>Décisions :</p><ul><li>tester une navette ;</li><li>relire les courriers.</li></ul>"))
            #expect(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
            #expect(try await member.get(path + "/compte-rendu").status == .ok)
            #expect(try await member.get("/mon-compte/notifications").text.contains("Le compte rendu de la séance"))
        }
    }

    @Test func theDemoHasPastAndUpcomingSessions() async throws {
        try await withTestApp { app in
            _ = try await DemoData.fill(app)
            let meetings = try await Meeting.query(on: app.db).all()
            #expect(meetings.contains { $0.status == .closed && $0.minutesPublishedAt != nil })
            #expect(meetings.contains { $0.status == .planned && $0.startsAt > Date() })
            #expect(meetings.contains { $0.status == .cancelled })
            #expect(try await MeetingAttendance.query(on: app.db).count() > 0)
            #expect(try await AgendaItem.query(on: app.db).count() >= 3 * meetings.count)
            var visitor = Browser(app)
            #expect(try await visitor.get("/seances").status == .ok)
        }
    }

    /// A session's status moves from where it is, once: two facilitators
    /// closing it together write one change; a closed session does not reopen.
    @Test func aSessionClosesOnceAndNeverReopens() async throws {
        try await withTestApp { app in
            let meeting = try await makeMeeting(app, status: .inProgress)
            _ = try await makeMember(app, "Nadia anime", roles: [.facilitator])
            _ = try await makeMember(app, "Julien anime", roles: [.facilitator])
            let path = "/seances/\(meeting.id!)"
            var first = Browser(app), second = Browser(app)
            try await first.signIn("Nadia anime")
            try await second.signIn("Julien anime")
            _ = try await first.get(path)
            _ = try await second.get(path)
            let (a, b) = (first, second)
            async let one = { var browser = a; return try await browser.submit(["action": "clore"], on: path, to: path + "/statut") }()
            async let two = { var browser = b; return try await browser.submit(["action": "clore"], on: path, to: path + "/statut") }()
            let statuses = [try await one.status, try await two.status].map(\.code).sorted()
            #expect(statuses == [303, 409])
            #expect(try await AuditEntry.query(on: app.db).filter(\.$action == AuditAction.meetingStatus.rawValue).count() == 1)
            let reopen = try await first.submit(["action": "ouvrir"], on: path, to: path + "/statut")
            #expect(reopen.status == .conflict && reopen.text.contains("terminée"))
            #expect(try await Meeting.find(meeting.id, on: app.db)?.status == .closed)
            // A copy read while it was in progress closes nothing again.
            #expect(meeting.status == .inProgress)
            #expect(try await !MeetingWorkflow.apply(.close, to: meeting, on: app.db))
        }
    }
}
