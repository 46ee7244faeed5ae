import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
import Voting
@testable import PorteVoix

/// The voting kiosk of a session, played by the people it protects against:
/// the next member at the same screen, and the facilitator who set it up.
@Suite("The voting kiosk")
struct KioskTests {
    static let ballot = ["note-0": String(Grade.excellent.rawValue), "note-1": String(Grade.passable.rawValue),
                         "note-2": String(Grade.aRejeter.rawValue)]

    /// A facilitator's device made the kiosk of a running session with one open poll.
    static func kiosk(_ app: Application) async throws -> (device: Browser, meeting: Meeting, poll: Poll) {
        let meeting = try await makeMeeting(app)
        let poll = try await makePoll(app, meeting: meeting, minimum: 1)
        _ = try await makeMember(app, "Fanny anime", roles: [.participant, .facilitator], activatedAt: aMonthAgo)
        var device = Browser(app)
        try await device.signIn("Fanny anime")
        #expect(device.cookies["portevoix-appareil"] != nil, "the facilitator's sign-in remembered the device")
        let started = try await device.submit([:], on: "/seances/\(meeting.id!)", to: "/seances/\(meeting.id!)/borne")
        #expect(started.status == .seeOther && started.headers.first(name: .location) == "/borne")
        #expect(device.cookies["portevoix-borne"] != nil, "the device holds the kiosk's cookie")
        #expect(device.cookies["portevoix"] == nil, "the facilitator is signed out of it")
        #expect(device.cookies["portevoix-appareil"] == nil, "and the device forgets them")
        return (device, meeting, poll)
    }

    @Test func aFacilitatorStartsItAndItReachesOnlyItsSessionsPolls() async throws {
        try await withTestApp { app in
            var (device, meeting, poll) = try await Self.kiosk(app)
            let other = try await makePoll(app, meeting: try await makeMeeting(app), minimum: 1)
            let welcome = try await device.get("/borne")
            #expect(welcome.status == .ok && welcome.text.contains("Borne de vote") && welcome.text.contains("motDePasse"))
            #expect(welcome.headers.first(name: .cacheControl) == "no-store")
            #expect(!welcome.text.contains("Menu principal"), "no way out to the rest of the site")
            for path in ["/", "/mon-compte", "/propositions", "/admin", "/exports", "/scrutins", "/scrutins/\(other.id!)",
                         "/scrutins/\(poll.id!)/bulletins", "/seances/\(meeting.id!)", "/moderation"] {
                let answer = try await device.get(path)
                #expect(answer.status == .seeOther && answer.headers.first(name: .location) == "/borne", "\(path) leads back to the kiosk")
            }
            #expect(try await device.get("/scrutins/\(poll.id!)").status == .ok)
            for sheet in [Layout.stylesheet, Layout.kioskStylesheet] {
                let css = try await device.get(sheet)
                #expect(css.status == .ok && css.headers.contentType == .css, "the kiosk loads \(sheet)")
            }
            #expect(try await device.get("/activation").status == .ok, "a card can be activated there")
            let started = try await auditEntries(app, action: "meeting.kiosk.start")
            #expect(started.count == 1)
            // The facilitator's page says a kiosk is open.
            var facilitator = Browser(app)
            try await facilitator.signIn("Fanny anime")
            #expect(try await facilitator.get("/seances/\(meeting.id!)").text.contains("une borne ouverte"))
        }
    }

    @Test func membersVoteOneAfterAnotherAndNothingOfOneReachesTheNext() async throws {
        try await withTestApp { app in
            var (device, _, poll) = try await Self.kiosk(app)
            for name in ["Alice", "Bruno", "Chloé"] { try await makeMember(app, name, activatedAt: aMonthAgo) }
            var previousSession: String?
            var trackers: [String] = []
            for name in ["Alice", "Bruno", "Chloé"] {
                let signedIn = try await device.signIn(name)
                #expect(signedIn.status == .seeOther && signedIn.headers.first(name: .location) == "/borne")
                #expect(signedIn.headers.setCookie?["portevoix-appareil"] == nil, "a kiosk remembers nobody")
                let session = try #require(device.cookies["portevoix"])
                #expect(session != previousSession, "a fresh session for each member")
                let record = try #require(try await WebSessionRecord.find(SecureToken.hash(session), on: app.db))
                #expect(record.kioskID != nil)
                let menu = try await device.get("/borne")
                #expect(menu.text.contains("Vos votes") && menu.text.contains(name))
                let cast = try await device.submit(Self.ballot, on: poll.path, to: poll.path + "/vote")
                #expect(cast.status == .ok && cast.headers.first(name: .cacheControl)?.contains("no-store") == true)
                trackers.append(try #require(cast.trackerCode))
                // Nothing left to vote: signed out at once, the tracker still shown.
                #expect(try await WebSessionRecord.find(SecureToken.hash(session), on: app.db) == nil)
                #expect(!cast.text.contains("J&#39;ai fini") && !cast.text.contains("J'ai fini") || cast.text.contains("Revenir"))
                // The back button and guessed addresses: nothing of this member.
                let back = try await device.get(poll.path)
                #expect(!back.text.contains(name) && !back.text.contains("Vous avez voté"))
                #expect(try await device.get("/borne").text.contains("motDePasse"), "the next one signs in")
                // The old session's cookie, replayed, is dead.
                var replay = Browser(app)
                replay.cookies = device.cookies
                replay.cookies["portevoix"] = session
                #expect(!(try await replay.get("/borne").text.contains(name)))
                previousSession = session
            }
            // Ordinary web ballots: counted like any other, no one typed them.
            #expect(try await BallotBox.ballotCount(poll, on: app.db) == 3)
            #expect(Set(trackers).count == 3)
            // The journal never says who used the kiosk.
            let entries = try await auditEntries(app)
            for name in ["Alice", "Bruno", "Chloé"] {
                let id = try #require(try await Member.query(on: app.db).filter(\.$pseudonym == name).first()?.id)
                #expect(!entries.contains { $0.contains(id.uuidString) }, "the journal names \(name)")
            }
        }
    }

    @Test func anIdleMemberIsSignedOutAndASlowOneKeepsTheirHalfFilledBallot() async throws {
        try await withTestApp { app in
            var (device, _, poll) = try await Self.kiosk(app)
            try await makeMember(app, "Lucien", activatedAt: aMonthAgo)
            try await device.signIn("Lucien")
            let ballotPage = try await device.get(poll.path)
            #expect(ballotPage.text.contains("Encore du temps") && ballotPage.text.contains("formaction=\"/borne/encore\""))
            #expect(!ballotPage.text.contains("http-equiv=\"refresh\""), "no refresh ever takes a ballot away")
            // Slow: two minutes and a half, then « Encore du temps » with one choice made.
            app.testClock.advance(by: 150)
            let token = try #require(ballotPage.csrfToken)
            let more = try await device.post("/borne/encore", form: ["_csrf": token, "retour": poll.path,
                                                                     "note-0": String(Grade.bien.rawValue)])
            #expect(more.status == .ok)
            #expect(more.text.contains("value=\"\(Grade.bien.rawValue)\" checked") || more.text.contains("checked"), "the choice is kept")
            // Two more minutes: still signed in (the time started again).
            app.testClock.advance(by: 120)
            #expect(try await device.get("/borne").text.contains("Vos votes"))
            // Then idle past the limit: signed out, and told so.
            app.testClock.advance(by: Kiosks.idleLimit + Kiosks.grace + 1)
            let after = try await device.get("/borne")
            #expect(after.text.contains("motDePasse") && after.text.contains("Le temps était écoulé"))
            #expect(!after.text.contains("Lucien"))
        }
    }

    /// With another vote left, the member stays signed in after the first:
    /// « Encore du temps » on the tracker page keeps the code on screen.
    @Test func theTrackerPageKeepsItsCodeWithMoreTime() async throws {
        try await withTestApp { app in
            var (device, meeting, poll) = try await Self.kiosk(app)
            let second = try await makePoll(app, meeting: meeting, minimum: 1)
            try await makeMember(app, "Odile", activatedAt: aMonthAgo)
            try await device.signIn("Odile")
            let page = try await device.get(poll.path)
            #expect(page.text.contains("Retour à vos votes") && !page.text.contains("Tous les votes"))
            let cast = try await device.submit(Self.ballot, on: poll.path, to: poll.path + "/vote")
            let code = try #require(cast.trackerCode)
            #expect(cast.text.contains("name=\"code\" value=\"\(code)\""), "« Encore du temps » carries the code")
            let again = try await device.post("/borne/encore", form: ["_csrf": try #require(cast.csrfToken),
                                                                      "retour": poll.path + "/vote", "code": code])
            #expect(again.status == .ok && again.trackerCode == code)
            #expect(try await device.get("/borne").text.contains("Voter : "), "the second vote is still there")
            _ = second
            // Someone who did not vote cannot make the kiosk say they did.
            _ = try await device.post("/borne/fin", form: ["_csrf": try #require(again.csrfToken)])
            try await makeMember(app, "Pierre", activatedAt: aMonthAgo)
            try await device.signIn("Pierre")
            let menu = try await device.get("/borne")
            let forged = try await device.post("/borne/encore", form: ["_csrf": try #require(menu.csrfToken),
                                                                       "retour": poll.path + "/vote", "code": code])
            #expect(forged.trackerCode == nil && !forged.text.contains("Votre vote est enregistré"))
        }
    }

    /// The cover counts from the page's loading: a recording listened to
    /// (or a stylesheet) must not keep the session alive behind it, and its
    /// « Commencer » signs out whatever happens.
    @Test func onlyTheMembersActionsKeepTheirTime() async throws {
        try await withTestApp { app in
            app.voice = nil
            var (device, _, poll) = try await Self.kiosk(app)
            try await makeMember(app, "Quentin", activatedAt: aMonthAgo)
            try await device.signIn("Quentin")
            let ballot = try await device.get(poll.path)
            #expect(ballot.text.contains("href=\"/borne/fin\""), "the cover's « Commencer » signs out")
            app.testClock.advance(by: 150)
            _ = try await device.get("/ecouter/scrutins/\(poll.id!)")
            _ = try await device.get(Layout.kioskStylesheet)
            app.testClock.advance(by: 45)
            let after = try await device.get("/borne")
            #expect(after.text.contains("motDePasse") && !after.text.contains("Quentin"), "signed out on time")
            // The link of the cover signs out at once.
            try await device.signIn("Quentin")
            #expect(try await device.get("/borne/fin").status == .seeOther)
            #expect(try await device.get("/borne").text.contains("motDePasse"))
            // The one-minute cover is for the tracker page only, never where someone types.
            #expect(!(try await device.get("/connexion").text.contains("borne-court")))
            #expect(!(try await device.get("/activation").text.contains("borne-court")))
        }
    }

    @Test func oneMembersMistakesNeverBlockTheNext() async throws {
        try await withTestApp { app in
            var (device, _, _) = try await Self.kiosk(app)
            try await makeMember(app, "Maëlle", activatedAt: aMonthAgo)
            try await makeMember(app, "Nadir", activatedAt: aMonthAgo)
            for _ in 0..<(AttemptLimit.perAccount.freeFailures + 2) {
                _ = try await device.signIn("Maëlle", password: "pas le bon")
            }
            #expect(try await device.signIn("Maëlle").status == .tooManyRequests, "her account waits")
            #expect(try await device.signIn("Nadir").status == .seeOther, "the next member signs in at once")
        }
    }

    @Test func theKioskEndsWithItsSessionOrWhenAFacilitatorEndsIt() async throws {
        try await withTestApp { app in
            var (device, meeting, _) = try await Self.kiosk(app)
            var facilitator = Browser(app)
            try await facilitator.signIn("Fanny anime")
            let closed = try await facilitator.submit(["action": "clore"], on: "/seances/\(meeting.id!)",
                                                      to: "/seances/\(meeting.id!)/statut")
            #expect(closed.status == .seeOther)
            let page = try await device.get("/borne")
            #expect(page.text.contains("La borne de vote est fermée"))
            #expect(device.cookies["portevoix-borne"] == nil, "the device is an ordinary browser again")
            let ended = try await auditEntries(app, action: "meeting.kiosk.end")
            #expect(ended.count == 1)

            // Ended by hand, from another device.
            let second = try await makeMeeting(app)
            var other = Browser(app)
            try await other.signIn("Fanny anime")
            _ = try await other.submit([:], on: "/seances/\(second.id!)", to: "/seances/\(second.id!)/borne")
            var office = Browser(app)
            try await office.signIn("Fanny anime")
            #expect(try await office.submit([:], on: "/seances/\(second.id!)", to: "/seances/\(second.id!)/borne/fin").status == .seeOther)
            #expect(try await other.get("/scrutins").text.contains("La borne de vote est fermée"))
        }
    }

    @Test func cardActivationsAtTheKioskAreCountedPerKioskNotPerAddress() async throws {
        try await withTestApp { app in
            var (device, _, _) = try await Self.kiosk(app)
            for _ in 0...AttemptLimit.perAddress.freeFailures {
                _ = try await device.submit(["code": "AAAA-BBBB-CCCC-DDDD"], on: "/activation")
            }
            #expect(try await device.submit(["code": "AAAA-BBBB-CCCC-DDDD"], on: "/activation").status == .tooManyRequests)
            var elsewhere = Browser(app)
            let other = try await elsewhere.submit(["code": "EEEE-FFFF-GGGG-HHHH"], on: "/activation")
            #expect(other.status != .tooManyRequests, "the kiosk's mistakes do not block the address")
        }
    }

    @Test func aDeviceThatIsNotAKioskIsToldSo() async throws {
        try await withTestApp { app in
            var visitor = Browser(app)
            let page = try await visitor.get("/borne")
            #expect(page.status == .ok && page.text.contains("n&#39;est pas une borne") || page.text.contains("n'est pas une borne"))
            // A forged kiosk cookie opens nothing.
            visitor.cookies["portevoix-borne"] = SecureToken.make()
            #expect(try await visitor.get("/borne").text.contains("La borne de vote est fermée"))
        }
    }
}

/// The journal's entries (optionally of one action), as their stored text.
func auditEntries(_ app: Application, action: String? = nil) async throws -> [String] {
    let rows = try await app.db.sql.raw("SELECT * FROM audit_entries").all()
    var result: [String] = []
    for row in rows {
        let code = (try? row.decode(column: "action", as: String.self)) ?? ""
        guard action == nil || code == action else { continue }
        var line = code
        for column in row.allColumns {
            if let value = (try? row.decode(column: column, as: String?.self)) ?? nil { line += " " + value }
        }
        result.append(line)
    }
    return result
}
