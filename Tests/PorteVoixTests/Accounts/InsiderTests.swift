import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting
import Voting
@testable import PorteVoix

/// Plays the people who run the room (design/voting.md, "Insiders"): the
/// facilitator who marks attendance, registers paper voters and types paper
/// ballots; the creator of a sealed poll; a lone administrator. Each attack
/// goes through the site's own forms, as they would.
@Suite("Insiders learn no vote and take no account")
struct InsiderTests {
    /// Posts a form whose fields may repeat (`presents[]`), with the page's token.
    @discardableResult
    static func post(_ browser: inout Browser, _ pairs: [(String, String)], on page: String, to action: String? = nil)
        async throws -> TestingHTTPResponse {
        let token = try #require(try await browser.get(page).csrfToken, "no form on \(page)")
        let body = ([("_csrf", token)] + pairs).map { key, value in
            [key, value].map { $0.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "" }.joined(separator: "=")
        }.joined(separator: "&")
        var headers = HTTPHeaders()
        headers.contentType = .urlEncodedForm
        return try await browser.send(.POST, action ?? page, headers: headers, body: ByteBuffer(string: body))
    }

    static func item(_ app: Application, in meeting: Meeting) async throws -> AgendaItem {
        let item = AgendaItem(meetingID: try meeting.requireID(), position: 0, title: "Le vote du jour", details: "")
        try await item.create(on: app.db)
        return item
    }

    /// The facilitator prepares a poll through the form; returns it.
    static func preparePoll(_ browser: inout Browser, _ app: Application, _ fields: [String: String]) async throws -> Poll {
        var form = ["question": "Adopter la proposition ?", "type": "yesNo", "minimum": "5", "eligibilite": "all"]
        form.merge(fields) { $1 }
        let created = try await browser.submit(form, on: "/scrutins/nouveau")
        #expect(created.status == .seeOther, "\(created.status): \(created.text.prefix(0))")
        let id = try #require(created.location.flatMap { UUID(uuidString: String($0.split(separator: "/").last ?? "")) })
        return try #require(try await Poll.query(on: app.db).filter(\.$id == id).with(\.$options).first())
    }

    /// A visitor with no cookie, as a page is first seen.
    static func visit(_ app: Application, _ path: String) async throws -> TestingHTTPResponse {
        var browser = Browser(app)
        return try await browser.get(path)
    }

    static func setStatus(_ browser: inout Browser, _ poll: Poll, _ action: String) async throws -> TestingHTTPResponse {
        try await browser.submit(["action": action], on: poll.path, to: poll.path + "/statut")
    }

    // MARK: One channel per poll

    @Test func aFacilitatorCannotLearnAWebVoteBySubtractingPaperBallots() async throws {
        try await withTestApp { app in
            try await makeMember(app, "Nadia", roles: [.facilitator])
            let names = ["Camille", "Dora", "Elie", "Fanny", "Gaston"]
            var members: [Member] = []
            for name in names { members.append(try await makeMember(app, name)) }
            let phantom = try await makeMember(app, "Fantome")
            let meeting = try await makeMeeting(app)
            let item = try await Self.item(app, in: meeting)
            var nadia = Browser(app)
            try await nadia.signIn("Nadia")

            // Six marked present, one of whom was never there.
            let attendance = "/seances/\(meeting.id!)/emargement"
            let everyone = members + [phantom]
            let marked = try await Self.post(&nadia, everyone.flatMap { [("affiches[]", $0.id!.uuidString), ("presents[]", $0.id!.uuidString)] },
                                             on: attendance)
            #expect(marked.status == .seeOther)
            // The phantom is told in their own inbox, and the journal keeps the change.
            let notices = try await MemberNotification.query(on: app.db).filter(\.$member.$id == phantom.requireID()).all()
            #expect(notices.contains { $0.message.contains("noté·e présent·e") && $0.message.contains("modération ou à l'administration") })
            let journal = try await auditSentences(app, action: "meeting.attendance")
            #expect(journal.count == 1 && journal[0].contains("Fantome"), "\(journal)")

            // An online poll of the session: no paper voter, no paper ballot.
            let online = try await Self.preparePoll(&nadia, app, ["canal": "online", "eligibilite": "present",
                                                                  "point": item.id!.uuidString])
            #expect(online.channel == .online)
            #expect(try await Self.setStatus(&nadia, online, "ouvrir").status == .seeOther)
            var camille = Browser(app)
            try await camille.signIn("Camille")
            let cast = try await camille.submit(["choix": "P"], on: online.path, to: online.path + "/vote")
            #expect(cast.status == .ok && cast.trackerCode != nil)
            #expect(try await nadia.get(online.path + "/papier").status == .conflict)
            let others = members.dropFirst() + [phantom]
            let registering = try await Self.post(&nadia, others.map { ("votants[]", $0.id!.uuidString) },
                                                  on: online.path, to: online.path + "/papier/votants")
            #expect(registering.status == .conflict)
            let typed = try await nadia.submit(["choix": "C"], on: online.path, to: online.path + "/papier/bulletins")
            #expect(typed.status == .conflict)
            #expect(try await BallotBox.voterCount(pollID: online.requireID(), channel: .paper, on: app.db.sql) == 0)
            #expect(try await BallotBox.ballotCount(pollID: online.requireID(), on: app.db) == 1)

            // A paper poll of the session: no web ballot, even from a member present.
            let paper = try await Self.preparePoll(&nadia, app, ["canal": "paper", "eligibilite": "present",
                                                                 "point": item.id!.uuidString])
            #expect(paper.channel == .paper)
            #expect(try await Self.setStatus(&nadia, paper, "ouvrir").status == .seeOther)
            let page = try await camille.get(paper.path).text
            #expect(page.contains("Ce vote se fait sur papier") && !page.contains("Vérifier mon vote"))
            let web = try await camille.post(paper.path + "/vote", form: ["_csrf": try #require(page.csrfTokenValue), "choix": "P"])
            #expect(web.status == .forbidden)
            #expect(try await BallotBox.voterCount(pollID: paper.requireID(), on: app.db.sql) == 0)

            // A paper poll needs a session.
            let loose = try await nadia.submit(["question": "Sans séance ?", "type": "yesNo", "minimum": "5", "canal": "paper"],
                                               on: "/scrutins/nouveau")
            #expect(loose.status == .unprocessableEntity && loose.text.contains("pendant une séance"))
        }
    }

    @Test func aCouncilOfTenVotesOnPaperThenOnlineAndSeesBothResults() async throws {
        try await withTestApp { app in
            try await makeMember(app, "Nadia", roles: [.facilitator])
            var council: [Member] = []
            for index in 0..<10 { council.append(try await makeMember(app, "Membre \(index)")) }
            let meeting = try await makeMeeting(app)
            let item = try await Self.item(app, in: meeting)
            var nadia = Browser(app)
            try await nadia.signIn("Nadia")
            try await Self.post(&nadia, council.flatMap { [("affiches[]", $0.id!.uuidString), ("presents[]", $0.id!.uuidString)] },
                                on: "/seances/\(meeting.id!)/emargement")

            let paper = try await Self.preparePoll(&nadia, app, ["canal": "paper", "eligibilite": "present", "point": item.id!.uuidString])
            let numbers = try await nadia.get(paper.path).text
            #expect(numbers.contains("Il faudra au moins 5 bulletins pour publier le résultat"))
            try await Self.setStatus(&nadia, paper, "ouvrir")
            let registered = try await Self.post(&nadia, council.map { ("votants[]", $0.id!.uuidString) },
                                                 on: paper.path + "/papier", to: paper.path + "/papier/votants")
            #expect(registered.status == .seeOther)
            for index in 0..<10 {
                let typed = try await nadia.submit(["choix": index < 7 ? "P" : "C"], on: paper.path + "/papier",
                                                   to: paper.path + "/papier/bulletins")
                #expect(typed.status == .seeOther)
            }
            #expect(try await nadia.get(paper.path).text.contains("10 bulletins : si vous fermez maintenant, le résultat sera publié"))
            try await Self.setStatus(&nadia, paper, "clore")
            let paperResult = try await Self.visit(app, paper.path).text
            #expect(paperResult.contains("Pour : 7") && paperResult.contains("Contre : 3"))
            // Each paper voter was told in their own inbox.
            #expect(try await MemberNotification.query(on: app.db).filter(\.$message ~~ "voté sur papier").count() == 10)

            let online = try await Self.preparePoll(&nadia, app, ["canal": "online", "eligibilite": "present", "point": item.id!.uuidString])
            try await Self.setStatus(&nadia, online, "ouvrir")
            for (index, member) in council.enumerated() {
                var phone = Browser(app)
                try await phone.signIn(member.pseudonym!)
                let cast = try await phone.submit(["choix": index < 4 ? "P" : "C"], on: online.path, to: online.path + "/vote")
                #expect(cast.status == .ok)
            }
            try await Self.setStatus(&nadia, online, "clore")
            let onlineResult = try await Self.visit(app, online.path).text
            #expect(onlineResult.contains("Pour : 4") && onlineResult.contains("Contre : 6"))
        }
    }

    @Test func aMixedPollLeftOpenPublishesOnlyIfEachChannelHoldsTheMinimum() async throws {
        try await withTestApp { app in
            let meeting = try await makeMeeting(app)
            for (online, paper, published) in [(7, 2, false), (6, 5, true)] {
                let poll = try await makePoll(app, kind: .yesNo, options: [], meeting: meeting, minimum: 5)
                poll.channel = .mixed
                try await poll.save(on: app.db)
                for index in 0..<(online + paper) {
                    let member = try await makeMember(app, "Mixte \(online) \(index)")
                    if index < online {
                        _ = try await BallotBox.cast(.yesNo(.pour), poll: poll, memberID: member.requireID(), clock: app.clock, on: app.db)
                    } else {
                        #expect(try await BallotBox.registerPaperVoter(poll: poll, memberID: member.requireID(), by: member, clock: app.clock,
                                                                       on: app.db) == .registered)
                    }
                }
                for _ in 0..<paper { #expect(try await BallotBox.castPaper(.yesNo(.contre), poll: poll, clock: app.clock, on: app.db) == .typed) }
                try await PollCount.close(poll, at: app.clock.now(), app: app)
                let page = try await Self.visit(app, poll.path).text
                #expect(page.contains("Pour : \(online)") == published, "\(online) online, \(paper) on paper")
                if !published { #expect(page.contains("chacun des deux devait en compter au moins 5")) }
            }
        }
    }

    // MARK: A fixed electorate

    @Test func aMemberActivatedAfterASessionPollOpenedCannotVoteInIt() async throws {
        try await withTestApp { app in
            try await makeMember(app, "Nadia", roles: [.facilitator])
            let early = try await makeMember(app, "Avant")
            let meeting = try await makeMeeting(app)
            let item = try await Self.item(app, in: meeting)
            var nadia = Browser(app)
            try await nadia.signIn("Nadia")
            let poll = try await Self.preparePoll(&nadia, app, ["canal": "online", "eligibilite": "present", "point": item.id!.uuidString])
            let general = try await Self.preparePoll(&nadia, app, ["canal": "online", "eligibilite": "all"])
            try await Self.setStatus(&nadia, poll, "ouvrir")
            try await Self.setStatus(&nadia, general, "ouvrir")
            // A card printed during the vote, activated now.
            let cards = try await nadia.submit(["nombre": "1"], on: "/admin/cartes")
            #expect(cards.status == .ok)
            #expect(try await auditSentences(app, action: "cards.create").contains { $0.contains("pendant que 2 votes étaient ouverts") })
            try await Task.sleep(for: .milliseconds(5))
            let late = try await makeMember(app, "Apres")
            // Both marked present after the opening: the latecomer's marking is journaled as such.
            try await Self.post(&nadia, [early, late].flatMap { [("affiches[]", $0.id!.uuidString), ("presents[]", $0.id!.uuidString)] },
                                on: "/seances/\(meeting.id!)/emargement")
            #expect(try await auditSentences(app, action: "meeting.attendance").contains { $0.contains("pendant un vote de la séance") })

            var newcomer = Browser(app)
            try await newcomer.signIn("Apres")
            let refused = try await newcomer.submit(["choix": "P"], on: poll.path, to: poll.path + "/vote")
            #expect(refused.status == .forbidden && refused.text.contains("activé après"))
            #expect(try await BallotBox.hasVoted(pollID: poll.requireID(), memberID: late.requireID(), on: app.db) == false)
            // A poll outside any session admits members who joined meanwhile.
            #expect(try await newcomer.submit(["choix": "P"], on: general.path, to: general.path + "/vote").status == .ok)

            var latecomer = Browser(app)
            try await latecomer.signIn("Avant")
            #expect(try await latecomer.submit(["choix": "C"], on: poll.path, to: poll.path + "/vote").status == .ok)
            _ = early
        }
    }

    // MARK: Attendance is a record

    @Test func theAttendanceOfAFinishedSessionIsFrozenButForAnAdministratorWithAReason() async throws {
        try await withTestApp { app in
            try await makeMember(app, "Nadia", roles: [.facilitator])
            try await makeMember(app, "Alice", roles: [.admin])
            let there = try await makeMember(app, "Presente")
            let missing = try await makeMember(app, "Oubliee")
            let meeting = try await makeMeeting(app)
            let page = "/seances/\(meeting.id!)/emargement"
            var nadia = Browser(app)
            try await nadia.signIn("Nadia")
            try await Self.post(&nadia, [("affiches[]", there.id!.uuidString), ("presents[]", there.id!.uuidString),
                                         ("affiches[]", missing.id!.uuidString)], on: page)
            let sheet = try await nadia.get(page + "/feuille").text
            #expect(sheet.contains("Presente") && !sheet.contains("Oubliee"))
            #expect(try await Self.visit(app, page + "/feuille").status != .ok, "names are for the room's team")

            meeting.status = .closed
            try await meeting.save(on: app.db)
            let frozen = try await Self.post(&nadia, [("affiches[]", missing.id!.uuidString), ("presents[]", missing.id!.uuidString)],
                                             on: page)
            #expect(frozen.status == .forbidden)
            #expect(try await MeetingAttendance.query(on: app.db).count() == 1)

            var alice = Browser(app)
            try await alice.signIn("Alice")
            let withoutReason = try await Self.post(&alice, [("affiches[]", missing.id!.uuidString),
                                                             ("presents[]", missing.id!.uuidString)], on: page)
            #expect(withoutReason.status == .unprocessableEntity && withoutReason.text.contains("raison"))
            #expect(try await MeetingAttendance.query(on: app.db).count() == 1)
            let corrected = try await Self.post(&alice, [("affiches[]", missing.id!.uuidString), ("presents[]", missing.id!.uuidString),
                                                         ("raison", "Oubliée à l'émargement, vue sur la feuille papier")], on: page)
            #expect(corrected.status == .seeOther)
            #expect(try await MeetingAttendance.query(on: app.db).count() == 2)
            let journal = try await auditSentences(app, action: "meeting.attendance.correction")
            #expect(journal.count == 1 && journal[0].contains("Oubliee") && journal[0].contains("vue sur la feuille papier"))
            #expect(try await MemberNotification.query(on: app.db).filter(\.$member.$id == missing.requireID()).count() == 1)
        }
    }

    // MARK: Sealed custody

    @Test func eachKeyHolderAloneHoldsTheirShareAndTheCreatorCannotCountAlone() async throws {
        try await withTestApp { app in
            try await makeMember(app, "Nadia", roles: [.facilitator], activatedAt: aMonthAgo)
            try await makeMember(app, "Alice", roles: [.admin], activatedAt: aMonthAgo)
            try await makeMember(app, "Amina", activatedAt: aMonthAgo)
            try await makeMember(app, "Bernard", activatedAt: aMonthAgo)
            try await makeMember(app, "Nouveau")
            var voters: [String] = []
            for index in 0..<5 { voters.append(try await makeMember(app, "Votant \(index)").pseudonym!) }
            var nadia = Browser(app)
            try await nadia.signIn("Nadia")
            let base = ["type": "majorityJudgment", "choix": "Navette\nPermanence", "urne": "sealed", "seuil": "2"]

            // The département's side cannot hold the threshold.
            let institutional = try await nadia.submit(base.merging(["question": "Deux rôles", "detenteurs": "Nadia\nAlice\nAmina"]) { $1 },
                                                       on: "/scrutins/nouveau")
            #expect(institutional.status == .unprocessableEntity && institutional.text.contains("Au plus 1 détenteur"))
            let unknown = try await nadia.submit(base.merging(["question": "Inconnu", "detenteurs": "Amina\nPersonne"]) { $1 },
                                                 on: "/scrutins/nouveau")
            #expect(unknown.status == .unprocessableEntity && unknown.text.contains("Personne"))
            // An account made for the occasion cannot stand in for a member.
            let recentHolder = try await nadia.submit(base.merging(["question": "Récent", "detenteurs": "Amina\nNouveau"]) { $1 },
                                                      on: "/scrutins/nouveau")
            #expect(recentHolder.status == .unprocessableEntity && recentHolder.text.contains("depuis au moins 7 jours"))

            var seen: [String] = []
            let created = try await nadia.submit(base.merging(["question": "Quelle priorité ?", "detenteurs": "Amina\nBernard\nNadia"]) { $1 },
                                                 on: "/scrutins/nouveau")
            seen.append(created.text)
            #expect(created.status == .seeOther)
            let poll = try #require(try await Poll.query(on: app.db).filter(\.$question == "Quelle priorité ?").with(\.$options).first())
            seen.append(try await nadia.get(poll.path).text)
            // Not open while shares wait on the server, even when asked.
            #expect(try await Self.setStatus(&nadia, poll, "ouvrir").status == .conflict)
            #expect(try await PollKeyShare.query(on: app.db).filter(\.$wrappedShare != nil).count() == 3)
            // An administrator sees no share either.
            var alice = Browser(app)
            try await alice.signIn("Alice")
            #expect(try await alice.get(poll.path + "/ma-part").status == .notFound)
            #expect(try await alice.post(poll.path + "/ma-part", form: ["_csrf": try #require(try await alice.get("/mon-compte").csrfToken)])
                .status == .notFound)

            var shares: [String: String] = [:]
            var holders: [String: Browser] = [:]
            for name in ["Amina", "Bernard", "Nadia"] {
                var browser = name == "Nadia" ? nadia : Browser(app)
                if name != "Nadia" { try await browser.signIn(name) }
                #expect(try await MemberNotification.query(on: app.db).filter(\.$message ~~ "part de la clé").count() == 3)
                let shown = try await browser.submit([:], on: poll.path + "/ma-part")
                #expect(shown.status == .ok)
                shares[name] = try #require(Self.shareCode(in: shown.text), "\(name)")
                let again = try await browser.submit([:], on: poll.path + "/ma-part")
                #expect(again.status == .conflict && Self.shareCode(in: again.text) == nil, "shown once")
                holders[name] = browser
            }
            nadia = holders["Nadia"]!
            // The creator never saw anyone else's share.
            for page in seen { #expect(!page.contains(shares["Amina"]!) && !page.contains(shares["Bernard"]!)) }
            #expect(try await PollKeyShare.query(on: app.db).filter(\.$wrappedShare != nil).count() == 0)

            #expect(try await Self.setStatus(&nadia, poll, "ouvrir").status == .seeOther)
            for (index, voter) in voters.enumerated() {
                var browser = Browser(app)
                try await browser.signIn(voter)
                let grade = String(index % 7)
                #expect(try await browser.submit(["note-0": grade, "note-1": "6"], on: poll.path, to: poll.path + "/vote").status == .ok)
            }
            #expect(try await Self.setStatus(&nadia, poll, "clore").status == .seeOther)

            // The creator types a holder's share she got hold of: refused, journaled.
            let stolen = try await nadia.submit(["part": shares["Amina"]!], on: poll.path + "/depouillement")
            #expect(stolen.status == .forbidden)
            #expect(try await auditSentences(app, action: "poll.count.share.other_holder").count == 1)
            // Her own share is one of two: nothing the site keeps opens the box yet.
            #expect(try await nadia.submit(["part": shares["Nadia"]!], on: poll.path + "/depouillement").status == .seeOther)
            let fresh = try #require(try await Poll.find(poll.requireID(), on: app.db))
            #expect(fresh.countedAt == nil)
            let given = try await KeyCustody.givenShares(fresh, master: app.siteKeys.ballotMaster, on: app.db)
            #expect(given.count == 1)
            #expect((try? SecretSharing.combine(given + given, threshold: 2)).flatMap { try? BallotSeal.publicKey(of: $0) }
                .map { Data($0).base64EncodedString() } != fresh.publicKey)
            // A non-holder cannot type at all.
            var outsider = Browser(app)
            try await outsider.signIn(voters[0])
            #expect(try await outsider.get(poll.path + "/depouillement").status == .notFound)

            var amina = holders["Amina"]!
            #expect(try await amina.submit(["part": shares["Amina"]!], on: poll.path + "/depouillement").status == .seeOther)
            let counted = try #require(try await Poll.find(poll.requireID(), on: app.db))
            #expect(counted.countedAt != nil)
            #expect(try await PollKeyShare.query(on: app.db).filter(\.$givenShare != nil).count() == 0, "given shares destroyed")
            #expect(try await Self.visit(app, poll.path).text.contains("Résultats"))
        }
    }

    @Test func aRoleGrantedToAHolderAfterwardsNeverLetsTheDepartementsSideOpenTheBoxAlone() async throws {
        try await withTestApp { app in
            try await makeMember(app, "Nadia", roles: [.facilitator], activatedAt: aMonthAgo)
            let amina = try await makeMember(app, "Amina", activatedAt: aMonthAgo)
            try await makeMember(app, "Bernard", activatedAt: aMonthAgo)
            var nadia = Browser(app)
            try await nadia.signIn("Nadia")
            let poll = try await Self.preparePoll(&nadia, app, ["question": "Scellé", "urne": "sealed", "seuil": "2",
                                                                "detenteurs": "Nadia\nAmina\nBernard"])
            var browsers: [String: Browser] = ["Nadia": nadia]
            var shares: [String: String] = [:]
            for name in ["Nadia", "Amina", "Bernard"] {
                var browser = browsers[name] ?? Browser(app)
                if browsers[name] == nil { try await browser.signIn(name) }
                shares[name] = Self.shareCode(in: try await browser.submit([:], on: poll.path + "/ma-part").text)
                browsers[name] = browser
            }
            try await Self.setStatus(&nadia, poll, "ouvrir")
            for index in 0..<5 {
                try await makeMember(app, "Votant \(index)")
                var voter = Browser(app)
                try await voter.signIn("Votant \(index)")
                #expect(try await voter.submit(["choix": "P"], on: poll.path, to: poll.path + "/vote").status == .ok)
            }
            try await Self.setStatus(&nadia, poll, "clore")
            // An administrator makes Amina a facilitator after the poll was prepared.
            try await MemberRole(memberID: amina.requireID(), role: .facilitator).create(on: app.db)
            var nadiaHolder = browsers["Nadia"]!, aminaHolder = browsers["Amina"]!, bernard = browsers["Bernard"]!
            #expect(try await nadiaHolder.submit(["part": try #require(shares["Nadia"])], on: poll.path + "/depouillement")
                .status == .seeOther)
            let second = try await aminaHolder.submit(["part": try #require(shares["Amina"])], on: poll.path + "/depouillement")
            #expect(second.status == .conflict, "two holders with a role do not open the box")
            #expect(try await Poll.find(poll.id, on: app.db)?.countedAt == nil)
            #expect(try await PollKeyShare.query(on: app.db).filter(\.$givenShare != nil).count() == 1, "never t shares waiting")
            try await bernard.submit(["part": try #require(shares["Bernard"])], on: poll.path + "/depouillement")
            #expect(try await Poll.find(poll.id, on: app.db)?.countedAt != nil, "a member's share opens it")
        }
    }

    @Test func aSealedBoxKeepsItsSharesFromTheCountersOfOthersAndFromBackups() async throws {
        try await withTestApp { app in
            try await makeMember(app, "Nadia", roles: [.facilitator], activatedAt: aMonthAgo)
            try await makeMember(app, "Amina", activatedAt: aMonthAgo)
            let bernard = try await makeMember(app, "Bernard", activatedAt: aMonthAgo)
            let replaced = try await makeMember(app, "Remplacee", activatedAt: aMonthAgo)
            try await makeMember(app, "Curieux")
            var nadia = Browser(app)
            try await nadia.signIn("Nadia")
            // A holder whose account just got a replacement card could be someone else.
            try await AccessCard(lookup: "x", codeHash: "x", territoryID: nil, memberID: replaced.requireID(), createdByID: nil,
                                 now: Date()).create(on: app.db)
            let refused = try await nadia.submit(["question": "Remplacée", "type": "yesNo", "minimum": "5", "urne": "sealed",
                                                  "seuil": "2", "detenteurs": "Amina\nRemplacee"], on: "/scrutins/nouveau")
            #expect(refused.status == .unprocessableEntity && refused.text.contains("carte de remplacement"))

            // Scheduled to close before its last holder came: it opens with no closing time, never closes at once.
            let poll = try await Self.preparePoll(&nadia, app, ["question": "Tardif", "urne": "sealed", "seuil": "2",
                                                                "detenteurs": "Amina\nBernard"])
            poll.closesAt = Date().addingTimeInterval(-60)
            try await poll.save(on: app.db)
            // A backup taken while the shares wait holds none of them.
            if case .sqlite = app.settings.database {
                let file = app.settings.dataDirectory + "/copie.sqlite"
                try await Backups.backup(app.settings, to: file)
                let waiting = try await Backups.withConnection(file) { sql in
                    try await sql.raw("SELECT COUNT(*) AS n FROM poll_key_shares WHERE wrapped_share IS NOT NULL").first()?
                        .decode(column: "n", as: Int.self) ?? -1
                }
                #expect(waiting == 0)
                #expect(try await PollKeyShare.query(on: app.db).filter(\.$wrappedShare != nil).count() == 2, "the site keeps them")
            }
            var shares: [String] = []
            for name in ["Amina", "Bernard"] {
                var holder = Browser(app)
                try await holder.signIn(name)
                shares.append(try #require(Self.shareCode(in: try await holder.submit([:], on: poll.path + "/ma-part").text)))
            }
            #expect(try await Self.setStatus(&nadia, poll, "ouvrir").status == .seeOther)
            let opened = try #require(try await Poll.find(poll.id, on: app.db))
            #expect(opened.status == .open && opened.closesAt == nil)

            // A member who holds no key types one: not found, and journaled.
            var curious = Browser(app)
            try await curious.signIn("Curieux")
            let token = try #require(try await curious.get("/mon-compte").csrfToken)
            #expect(try await curious.post(poll.path + "/depouillement", form: ["_csrf": token, "part": shares[0]]).status == .conflict,
                    "nothing to count while it is open")
            try await Self.setStatus(&nadia, poll, "clore")
            #expect(try await curious.post(poll.path + "/depouillement", form: ["_csrf": token, "part": shares[1]]).status == .notFound)
            #expect(try await auditSentences(app, action: "poll.count.share.not_holder").count == 1)
            _ = bernard
        }
    }

    @Test func aPastSessionKeepsItsDatesAndAConfirmerMustBeOfLongStanding() async throws {
        try await withTestApp { app in
            try await makeMember(app, "Nadia", roles: [.facilitator], activatedAt: aMonthAgo)
            try await makeMember(app, "Paul", roles: [.facilitator])
            try await makeMember(app, "Alice", roles: [.admin], activatedAt: aMonthAgo)
            let camille = try await makeMember(app, "Camille", activatedAt: aMonthAgo)
            let meeting = try await makeMeeting(app)
            meeting.startsAt = Date().addingTimeInterval(-3 * 86_400)
            meeting.endsAt = meeting.startsAt.addingTimeInterval(7200)
            try await meeting.save(on: app.db)
            var nadia = Browser(app)
            try await nadia.signIn("Nadia")
            // Moving a past session's dates would reopen its attendance: refused.
            let edit = "/seances/\(meeting.id!)/modifier"
            let moved = try await nadia.submit(["titre": "Séance", "jour": "12/03/2099", "debut": "14:00", "fin": "16:00",
                                                "lieu": "Mairie"], on: edit)
            #expect(moved.status == .unprocessableEntity && moved.text.contains("ne changent plus"))
            let frozen = try await Self.post(&nadia, [("affiches[]", camille.id!.uuidString), ("presents[]", camille.id!.uuidString)],
                                             on: "/seances/\(meeting.id!)/emargement")
            #expect(frozen.status == .forbidden)

            // A confirmer new to their role, or a request left 48 hours: no card.
            try await nadia.submit(["pseudonyme": "Camille"], on: "/admin/cartes", to: "/admin/cartes/remplacement")
            #expect(try await MemberNotification.query(on: app.db).filter(\.$member.$id == camille.requireID())
                .filter(\.$message ~~ "carte de remplacement a été demandée").count() == 1, "the account's holder is told")
            let request = try #require(try await CardReplacement.query(on: app.db).first())
            var paul = Browser(app)
            try await paul.signIn("Paul")
            let byNewcomer = try await paul.submit([:], on: "/admin/cartes", to: "/admin/cartes/remplacement/\(request.id!)/confirmer")
            #expect(byNewcomer.status == .forbidden)
            request.requestedAt = Date().addingTimeInterval(-3 * 86_400)
            try await request.save(on: app.db)
            var alice = Browser(app)
            try await alice.signIn("Alice")
            #expect(try await alice.submit([:], on: "/admin/cartes", to: "/admin/cartes/remplacement/\(request.id!)/confirmer")
                .status == .gone)

            // Roles taken away for a day do not make a role account a member's.
            let modo = try await makeMember(app, "Modo", activatedAt: aMonthAgo)
            try await AuditLog.append(actorID: nil, action: .memberRoles, subject: .member(try modo.requireID()),
                                      details: ["roles": "participant"], at: app.clock.now(), on: app.db)
            #expect(try await nadia.submit(["pseudonyme": "Modo"], on: "/admin/cartes", to: "/admin/cartes/remplacement")
                .status == .forbidden)
        }
    }

    static func shareCode(in page: String) -> String? {
        guard let range = page.range(of: #"<p class="code-part">[^<]+</p>"#, options: .regularExpression) else { return nil }
        return String(page[range].dropFirst(#"<p class="code-part">"#.count).dropLast(4))
    }

    // MARK: Accounts with a role

    @Test func noSinglePersonGetsAReplacementCardForAnAccountWithARole() async throws {
        try await withTestApp { app in
            try await makeMember(app, "Alice", roles: [.admin])
            let target = try await makeMember(app, "Nadia", roles: [.facilitator])
            var alice = Browser(app)
            try await alice.signIn("Alice")
            let asked = try await alice.submit(["pseudonyme": "Nadia"], on: "/admin/cartes", to: "/admin/cartes/remplacement")
            #expect(asked.status == .seeOther)
            let page = try await alice.get("/admin/cartes")
            #expect(page.text.contains("terminal du serveur"))
            #expect(page.printedCodes.isEmpty)
            let request = try #require(try await CardReplacement.query(on: app.db).first())
            let confirm = try await alice.submit([:], on: "/admin/cartes", to: "/admin/cartes/remplacement/\(request.id!)/confirmer")
            #expect(confirm.status == .forbidden && confirm.printedCodes.isEmpty)
            let print = try await alice.submit([:], on: "/admin/cartes", to: "/admin/cartes/remplacement/\(request.id!)/imprimer")
            #expect(print.status == .notFound && print.printedCodes.isEmpty)
            #expect(try await AccessCard.query(on: app.db).filter(\.$member.$id == target.requireID()).count() == 0)
            var nadia = Browser(app)
            #expect(try await nadia.signIn("Nadia").status == .seeOther, "her password still works")

            // The server's command line, journaled.
            var context = CommandContext(console: Terminal(), input: CommandInput(arguments: ["portevoix", "--pseudonyme", "Nadia"]))
            context.application = app
            try await ReplacementCardCommand().run(using: &context)
            #expect(try await AccessCard.query(on: app.db).filter(\.$member.$id == target.requireID()).count() == 1)
            #expect(try await auditSentences(app, action: "cards.replacement.cli").count == 1)
            var again = Browser(app)
            #expect(try await again.signIn("Nadia").status != .seeOther, "the old password stopped working")
        }
    }

    @Test func aReplacementCardIsAskedByOneConfirmedByAnotherAndPrintedByTheOneWhoAsked() async throws {
        try await withTestApp { app in
            try await makeMember(app, "Alice", roles: [.admin], activatedAt: aMonthAgo)
            try await makeMember(app, "Bruno", roles: [.admin], activatedAt: aMonthAgo)
            try await makeMember(app, "Neuf", roles: [.admin])
            try await makeMember(app, "Nadia", roles: [.facilitator])
            let moderator = try await makeMember(app, "Modo", roles: [.moderator])
            let member = try await makeMember(app, "Camille")
            var alice = Browser(app), bruno = Browser(app), nadia = Browser(app)
            try await alice.signIn("Alice")
            try await bruno.signIn("Bruno")
            try await nadia.signIn("Nadia")

            // A role account: two administrators; the confirmer sees no code.
            #expect(try await nadia.submit(["pseudonyme": "Modo"], on: "/admin/cartes", to: "/admin/cartes/remplacement").status == .forbidden)
            try await alice.submit(["pseudonyme": "Modo"], on: "/admin/cartes", to: "/admin/cartes/remplacement")
            let forModo = try #require(try await CardReplacement.query(on: app.db).filter(\.$member.$id == moderator.requireID()).first())
            let byNadia = try await nadia.submit([:], on: "/admin/cartes", to: "/admin/cartes/remplacement/\(forModo.id!)/confirmer")
            #expect(byNadia.status == .forbidden)
            // An administrator made for the occasion does not confirm it either.
            var newcomer = Browser(app)
            try await newcomer.signIn("Neuf")
            let byNewcomer = try await newcomer.submit([:], on: "/admin/cartes", to: "/admin/cartes/remplacement/\(forModo.id!)/confirmer")
            #expect(byNewcomer.status == .forbidden && byNewcomer.text.contains("depuis au moins 7 jours"))
            let confirmed = try await bruno.submit([:], on: "/admin/cartes", to: "/admin/cartes/remplacement/\(forModo.id!)/confirmer")
            #expect(confirmed.status == .seeOther && confirmed.printedCodes.isEmpty)
            #expect(try await bruno.get("/admin/cartes").printedCodes.isEmpty)
            #expect(try await bruno.submit([:], on: "/admin/cartes", to: "/admin/cartes/remplacement/\(forModo.id!)/imprimer")
                .status == .forbidden, "the confirmer cannot print it")
            let printed = try await alice.submit([:], on: "/admin/cartes", to: "/admin/cartes/remplacement/\(forModo.id!)/imprimer")
            #expect(printed.status == .ok && printed.printedCodes.count == 1)
            let sentence = try #require(try await auditSentences(app, action: "cards.replacement").first)
            #expect(sentence.contains("Alice") && sentence.contains("Bruno"))

            // A member's card: four eyes, the code to the one who asked.
            try await nadia.submit(["pseudonyme": "Camille"], on: "/admin/cartes", to: "/admin/cartes/remplacement")
            let forCamille = try #require(try await CardReplacement.query(on: app.db).filter(\.$member.$id == member.requireID()).first())
            #expect(try await nadia.submit([:], on: "/admin/cartes", to: "/admin/cartes/remplacement/\(forCamille.id!)/confirmer")
                .status == .forbidden)
            let byAlice = try await alice.submit([:], on: "/admin/cartes", to: "/admin/cartes/remplacement/\(forCamille.id!)/confirmer")
            #expect(byAlice.printedCodes.isEmpty)
            #expect(try await nadia.submit([:], on: "/admin/cartes", to: "/admin/cartes/remplacement/\(forCamille.id!)/imprimer")
                .printedCodes.count == 1)
        }
    }

    // MARK: Every choice sends the same bytes

    /// The fields a page's ballot form sends for `choose`: one radio per name.
    static func ballotRequest(_ page: String, token: String, choose: (String, [String]) -> String) -> [String: String] {
        var names: [String: [String]] = [:]
        let regex = try! NSRegularExpression(pattern: #"type="radio" id="[^"]*" name="([^"]+)" value="([^"]+)""#)
        for match in regex.matches(in: page, range: NSRange(page.startIndex..., in: page)) {
            let name = String(page[Range(match.range(at: 1), in: page)!]), value = String(page[Range(match.range(at: 2), in: page)!])
            names[name, default: []].append(value)
        }
        var fields = ["_csrf": token]
        for (name, values) in names { fields[name] = choose(name, values) }
        return fields
    }

    @Test func anApprovalBallotOfTwelveOptionsSendsOneSizeWhateverIsTicked() async throws {
        try await withTestApp { app in
            let options = (1...12).map { "Option numéro \($0)" }
            let poll = try await makePoll(app, kind: .approval, options: options)
            var confirmations: Set<Int> = [], votes: Set<Int> = []
            for ticks in [0, 1, 6, 12] {
                let name = "Votant \(ticks + 10)"
                try await makeMember(app, name)
                var browser = Browser(app)
                try await browser.signIn(name)
                let form = try await browser.get(poll.path)
                #expect(!form.text.contains(#"checked="checked""#), "nothing pre-ticked")
                let fields = Self.ballotRequest(form.text, token: try #require(form.csrfToken)) { name, _ in
                    (Int(name.dropFirst("choix-".count)) ?? 99) < ticks ? BallotForm.yes : BallotForm.no
                }
                #expect(fields.count == 13)
                confirmations.insert(try URLEncodedFormEncoder().encode(fields).utf8.count)
                let confirmation = try await browser.post(poll.path + "/confirmation", form: fields)
                #expect(confirmation.status == .ok)
                // The vote request is the confirmation page's own form.
                let hidden = Self.hiddenFields(confirmation.text)
                #expect(hidden.count == 13)
                votes.insert(try URLEncodedFormEncoder().encode(hidden).utf8.count)
                #expect(try await browser.post(poll.path + "/vote", form: hidden).status == .ok)
            }
            #expect(confirmations.count == 1, "\(confirmations)")
            #expect(votes.count == 1, "\(votes)")
        }
    }

    static func hiddenFields(_ page: String) -> [String: String] {
        // The form that casts the vote, not the header's sign-out form.
        let form = page.components(separatedBy: "</form>").first { $0.contains(#"/vote""#) } ?? ""
        let regex = try! NSRegularExpression(pattern: #"type="hidden" name="([^"]+)" value="([^"]*)""#)
        var fields: [String: String] = [:]
        for match in regex.matches(in: form, range: NSRange(form.startIndex..., in: form)) {
            fields[String(form[Range(match.range(at: 1), in: form)!])] = String(form[Range(match.range(at: 2), in: form)!])
        }
        return fields
    }

    @Test func aBallotWithAnUnansweredOptionIsRefusedAndKeepsTheAnswersGiven() async throws {
        try await withTestApp { app in
            for kind in [PollKind.approval, .majorityJudgment] {
                let poll = try await makePoll(app, kind: kind, options: ["Bus", "Vélo", "Covoiturage"])
                let name = "Votant \(kind.rawValue)"
                try await makeMember(app, name)
                var browser = Browser(app)
                try await browser.signIn(name)
                let first = kind == .approval ? ["choix-0": "O", "choix-2": "N"] : ["note-0": "5", "note-2": "1"]
                let refused = try await browser.submit(first, on: poll.path, to: poll.path + "/confirmation")
                #expect(refused.status == .unprocessableEntity)
                #expect(refused.text.contains("Vos réponses sont gardées"))
                #expect(occurrences(of: #"checked="checked""#, in: refused.text) == 2, "the two answers given are kept")
                #expect(try await BallotBox.hasVoted(pollID: poll.requireID(), memberID: try #require(try await Member.query(on: app.db)
                    .filter(\.$pseudonym == name).first()).requireID(), on: app.db) == false)
            }
        }
    }

    // MARK: Redaction

    @Test func aRedactionReachesTheFlashMessagesWaitingInSessions() async throws {
        try await withTestApp { app in
            let author = try await makeMember(app, "Autrice")
            let proposal = try await makeProposal(app, title: "Appelez-moi au 06 12 34 56 78", author: author)
            var browser = Browser(app)
            try await browser.signIn("Autrice")
            let record = try #require(try await WebSessionRecord.query(on: app.db).filter(\.$memberID == author.requireID()).first())
            record.flash = "Votre proposition « Appelez-moi au 06 12 34 56 78 » est publiée."
            try await record.save(on: app.db)
            try await Redaction.apply(.proposal(try proposal.requireID()), title: "Appelez-moi", body: proposal.body,
                                      reason: .personalData, by: nil, on: app.db, now: app.clock.now())
            let flash = try #require(try await WebSessionRecord.find(record.id, on: app.db)?.flash)
            #expect(!flash.contains("06 12 34 56 78"), "\(flash)")

            // The same number written in full-width digits in the text, and plainly in a copy.
            let wide = try await makeProposal(app, title: "Un bus", body: "Mon numéro : ０６ １２ ３４ ５６ ７８, appelez-moi.", author: author)
            try await Notifier.notify(author.id, "On vous a répondu au sujet de 06 12 34 56 78.", link: .myAccount(.show), at: app.clock.now(), on: app.db)
            try await Redaction.apply(.proposal(try wide.requireID()), title: nil, body: "Mon numéro : [retiré], appelez-moi.",
                                      reason: .personalData, by: nil, on: app.db, now: app.clock.now())
            let messages = try await MemberNotification.query(on: app.db).filter(\.$member.$id == author.requireID()).all().map(\.message)
            #expect(!messages.contains { $0.contains("06 12 34 56 78") }, "\(messages)")
        }
    }
}

extension String {
    /// The `_csrf` value of a page held as text.
    var csrfTokenValue: String? {
        guard let range = range(of: #"name="_csrf" value="([^"]+)""#, options: .regularExpression) else { return nil }
        return self[range].components(separatedBy: "value=\"").last.map { String($0.dropLast()) }
    }
}
