import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting
@testable import PorteVoix

/// The debate on the name: the feeling question is a secret ballot, a name
/// is proposed once, a member has one opinion per name.
@Suite("The naming debate")
struct NamingDebateTests {
    /// Every occurrence of the word is the quoted name under debate (design/ui.md).
    static func quotesTheTermOnly(_ html: String) -> Bool {
        !html.lowercased().replacingOccurrences(of: "« bénéficiaire du rsa »", with: "").contains("bénéficiaire")
    }

    @Test func namesAreKeyedWhateverTheirCaseAccentsAndSpaces() {
        #expect(NameKey.make("Personne concernée") == NameKey.make("  personne   CONCERNEE "))
        #expect(NameKey.make("ayant-droit") == NameKey.make("Ayant droit"))
        #expect(NameKey.make("participant·e") == NameKey.make("participant e"))
        #expect(NameKey.make("usager") != NameKey.make("usagère"))
        #expect(NameKey.make("cœur") == NameKey.make("coeur"))
        #expect(NameKey.make("bénéficiaire du R.S.A.") == NameKey.make(CreateNamingDebate.currentName))
        // The word under debate, or nothing but punctuation, is not a new name.
        #expect(NamingContributions.checkName("Bénéficiaire", explanation: "Une explication assez longue.")["nom"] != nil)
        #expect(NamingContributions.checkName("!!", explanation: "Une explication assez longue.")["nom"] != nil)
        #expect(NamingContributions.checkName("allocataire", explanation: "Une explication assez longue.").isEmpty)
    }

    /// Looking at the debate shows the schedule; only the scheduler closes and counts.
    @Test func lookingAtTheDebateNeverClosesNorCountsARound() async throws {
        try await withTestApp { app in
            let poll = try await FeelingQuestion.openRound(opensAt: Date(timeIntervalSinceNow: -7200), closesAt: Date(timeIntervalSinceNow: -60),
                                                           master: app.siteKeys.ballotMaster, now: app.clock.now(), on: app.db)
            var visitor = Browser(app)
            #expect(try await visitor.get("/debat-denomination").status == .ok)
            let stored = try #require(try await Poll.find(poll.id, on: app.db))
            #expect(stored.status == .draft && stored.countedAt == nil)
        }
    }

    @Test func aRefusedNameMayBeProposedAgainAndAVoteWithTooFewBallotsMayBeRedone() async throws {
        try await withTestApp { app in
            let author = try await makeMember(app, "Camille")
            let refused = ProposedName(name: "Allocataire", explanation: "Appelez-moi au 06 12 34 56 78.", authorID: author.id,
                                       anonymous: false, status: .rejected, at: app.clock.now())
            refused.nameKey = "refuse:" + UUID().uuidString
            try await refused.create(on: app.db)
            let again = try await NamingContributions.proposeName("allocataire", explanation: "Le mot de la CAF, sans jugement.",
                                                                  authorID: try author.requireID(), anonymous: false, now: app.clock.now(), on: app.db)
            guard case .saved = again else { Issue.record("refused names block nothing: \(again)"); return }

            #expect(try await NamingShortlist.mayPrepareVote(on: app.db))
            let names = try await ProposedName.query(on: app.db).filter(\.$isCurrent == true).all()
            let poll = try await NamingShortlist.openVote(names + [refused], opensAt: nil, closesAt: nil, meetingID: nil,
                                                          master: app.siteKeys.ballotMaster, now: app.clock.now(), on: app.db)
            #expect(!(try await NamingShortlist.mayPrepareVote(on: app.db)), "one vote at a time")
            poll.status = .open
            try await poll.save(on: app.db)
            try await PollCount.close(poll, at: app.clock.now(), app: app)
            #expect(try await NamingShortlist.mayPrepareVote(on: app.db), "counted with too few ballots: a new vote may be prepared")
        }
    }

    @Test func theFeelingAnswersAreStoredApartFromWhoAnswered() async throws {
        try await withTestApp { app in
            let poll = try await FeelingQuestion.openRound(opensAt: Date(timeIntervalSinceNow: -60), closesAt: Date(timeIntervalSinceNow: 3600),
                                                           master: app.siteKeys.ballotMaster, now: app.clock.now(), on: app.db)
            try await PollSchedule.apply(poll, app: app, now: app.clock.now())
            #expect(poll.status == .open && poll.kind == .single && poll.custody == .standard)
            var voters: [UUID] = []
            for index in 0..<6 {
                _ = try await voteThroughTheSite(app, as: "Votant \(index)", poll: poll,
                                                 fields: ["choix": BallotForm.value(option: index % 5)])
                voters.append(try #require(try await Member.query(on: app.db).filter(\.$pseudonym == "Votant \(index)").first()?.id))
            }
            // The register names who answered and nothing of what; the box holds what and nothing of who.
            let sql = app.db.sql
            let register = try await sql.raw("SELECT * FROM poll_voters WHERE poll_id = \(bind: poll.requireID())").all()
            #expect(register.count == 6)
            #expect(Set(register.first?.allColumns ?? []) == ["poll_id", "member_id", "channel"])
            let box = try await sql.raw("SELECT * FROM ballots WHERE poll_id = \(bind: poll.requireID())").all()
            #expect(box.count == 6)
            for row in box {
                for column in row.allColumns {
                    let value = ((try? row.decode(column: column, as: String?.self)) ?? nil) ?? ""
                    #expect(!voters.contains { value.contains($0.uuidString) || value.lowercased().contains($0.uuidString.lowercased()) })
                    #expect(!FeelingQuestion.options.contains { value.contains($0) }, "no answer in clear")
                }
            }
            // Counted at close: the debate page shows the aggregate, never who.
            #expect(try await PollCount.close(poll, at: app.clock.now(), app: app))
            #expect(try await BallotBox.ballotCount(pollID: poll.requireID(), on: app.db) == 0)
            var visitor = Browser(app)
            let page = try await visitor.get("/debat-denomination").text
            #expect(page.contains("Période 1") && page.contains("2 (33 %)"))
            #expect(Self.quotesTheTermOnly(page))
        }
    }

    @Test func aNameIsProposedOnceAndGoesThroughModeration() async throws {
        try await withTestApp { app in
            _ = try await makeMember(app, "Camille")
            _ = try await makeMember(app, "Lou")
            _ = try await makeMember(app, "Sam modère", roles: [.moderator])
            var camille = Browser(app)
            try await camille.signIn("Camille")
            let sent = try await camille.submit(["nom": "Personne concernée", "explication": "On est concernés, pas aidés."],
                                                on: "/debat-denomination", to: "/debat-denomination/noms")
            #expect(sent.status == .seeOther)
            var lou = Browser(app)
            try await lou.signIn("Lou")
            let again = try await lou.submit(["nom": "  personne   CONCERNEE ", "explication": "Je le propose aussi, moi."],
                                             on: "/debat-denomination", to: "/debat-denomination/noms")
            #expect(again.status == .unprocessableEntity)
            #expect(again.text.contains("Ce nom a déjà été proposé"))
            #expect(again.text.contains("Je le propose aussi, moi."), "what was typed is kept")
            #expect(try await ProposedName.query(on: app.db).filter(\.$isCurrent == false).count() == 1)

            var visitor = Browser(app)
            #expect(!(try await visitor.get("/debat-denomination").text.contains("Personne concernée")), "waits for a moderator")
            var moderator = Browser(app)
            try await moderator.signIn("Sam modère")
            let queue = try await moderator.get("/moderation").text
            #expect(queue.contains("Nom proposé : Personne concernée"))
            let name = try #require(try await ProposedName.query(on: app.db).filter(\.$isCurrent == false).first())
            #expect(try await moderator.submit(["decision": "publier"], on: "/moderation",
                                               to: "/moderation/noms/\(name.id!)").status == .seeOther)
            #expect(try await visitor.get("/debat-denomination").text.contains("Personne concernée"))
            // Published now: proposing it again points to it.
            let third = try await lou.submit(["nom": "Personne Concernée", "explication": "Encore une fois ce nom."],
                                             on: "/debat-denomination", to: "/debat-denomination/noms")
            #expect(third.text.contains("/debat-denomination/noms/\(name.id!)"))
        }
    }

    @Test func aMemberHasOneOpinionPerNameAndMayChangeIt() async throws {
        try await withTestApp { app in
            _ = try await makeMember(app, "Camille")
            _ = try await makeMember(app, "Sam modère", roles: [.moderator])
            let current = try #require(try await ProposedName.query(on: app.db).filter(\.$isCurrent == true).first())
            let path = "/debat-denomination/noms/\(current.id!)"
            var camille = Browser(app)
            try await camille.signIn("Camille")
            let missing = try await camille.submit(["texte": "Sans position"], on: path, to: path + "/avis")
            #expect(missing.status == .unprocessableEntity && missing.text.contains("Sans position"))
            #expect(try await camille.submit(["position": "pour"], on: path, to: path + "/avis").status == .seeOther)
            #expect(try await NamingContributions.counts(on: app.db)[current.id!]?[.pour] == 1)
            // Changed, with a text: still one opinion, counted once its text is read.
            #expect(try await camille.submit(["position": "contre", "texte": "Ce mot me fait honte au guichet."],
                                             on: path, to: path + "/avis").status == .seeOther)
            #expect(try await NameOpinion.query(on: app.db).count() == 1)
            #expect(try await NamingContributions.counts(on: app.db)[current.id!] == nil, "waits for a moderator")
            var moderator = Browser(app)
            try await moderator.signIn("Sam modère")
            let opinion = try #require(try await NameOpinion.query(on: app.db).first())
            // The moderator decides on the text they read: a change meanwhile sends it back to the queue.
            let stale = try await moderator.submit(["decision": "publier", "version": "1"], on: "/moderation",
                                                   to: "/moderation/avis/\(opinion.id!)")
            #expect(stale.status == .conflict)
            #expect(try await moderator.submit(["decision": "publier", "version": NamingModeration.version(of: opinion)],
                                               on: "/moderation", to: "/moderation/avis/\(opinion.id!)").status == .seeOther)
            #expect(try await NamingContributions.counts(on: app.db)[current.id!] == [.contre: 1])
            var visitor = Browser(app)
            let page = try await visitor.get(path).text
            #expect(page.contains("Ce mot me fait honte au guichet.") && page.contains("— Camille"))
            #expect(page.contains("0 pour · 1 contre · 0 partagé"))
            #expect(Self.quotesTheTermOnly(page))

            // Published texts can still be taken down by a moderator, with a reason.
            let moderatorPage = try await moderator.get(path).text
            #expect(moderatorPage.contains("Retirer cet avis (modération)"))
            let published = try #require(try await NameOpinion.find(opinion.id, on: app.db))
            let takenDown = try await moderator.submit(["decision": "refuser", "motif": "abuse",
                                                        "version": NamingModeration.version(of: published)],
                                                       on: path, to: "/moderation/avis/\(opinion.id!)")
            #expect(takenDown.status == .seeOther)
            #expect(!(try await visitor.get(path).text.contains("Ce mot me fait honte au guichet.")))
            #expect(try await NamingContributions.counts(on: app.db)[current.id!] == nil, "a refused text's stance is not counted")
        }
    }

    @Test func theShortlistAlwaysHoldsTheCurrentNameAndAtMostEight() async throws {
        try await withTestApp { app in
            _ = try await makeMember(app, "Nadia anime", roles: [.facilitator])
            var ids: [UUID] = []
            for index in 0..<8 {
                let name = ProposedName(name: "Nom \(index)", explanation: "Une explication.", authorID: nil, anonymous: false,
                                        status: .published, at: app.clock.now())
                try await name.create(on: app.db)
                ids.append(try name.requireID())
            }
            var facilitator = Browser(app)
            try await facilitator.signIn("Nadia anime")
            let tooMany = try await facilitator.submit(Dictionary(uniqueKeysWithValues: ids.enumerated().map { ("noms[\($0.offset)]", $0.element.uuidString) }),
                                                       on: "/debat-denomination", to: "/debat-denomination/vote")
            #expect(tooMany.status == .unprocessableEntity && tooMany.text.contains("8 noms au plus"))
            let chosen = Dictionary(uniqueKeysWithValues: ids.prefix(3).enumerated().map { ("noms[\($0.offset)]", $0.element.uuidString) })
            #expect(try await facilitator.submit(chosen, on: "/debat-denomination", to: "/debat-denomination/vote").status == .seeOther)
            let decision = try #require(try await NamingDecision.query(on: app.db).with(\.$poll).first())
            try await decision.poll.$options.load(on: app.db)
            #expect(decision.poll.kind == .majorityJudgment)
            #expect(decision.poll.options.sorted { $0.position < $1.position }.map(\.label)
                    == ["« \(CreateNamingDebate.currentName) »", "Nom 0", "Nom 1", "Nom 2"])
        }
    }

    @Test func theDemoHasADebateToReadAndAVoteToSee() async throws {
        try await withTestApp { app in
            _ = try await DemoData.fill(app)
            #expect(try await ProposedName.query(on: app.db).filter(\.$status == .published).count() == 8)
            #expect(try await NameOpinion.query(on: app.db).filter(\.$text != "").filter(\.$status == .published).count() >= 10)
            let rounds = try await NamingRound.query(on: app.db).with(\.$poll).all()
            #expect(rounds.count == 2 && rounds.allSatisfy { $0.poll.aggregate?.options != nil })
            let decision = try #require(try await NamingDecision.query(on: app.db).with(\.$poll).first())
            #expect(decision.poll.status == .closed && decision.poll.aggregate?.grades != nil)
            var visitor = Browser(app)
            let page = try await visitor.get("/debat-denomination").text
            #expect(page.contains("Période 2") && page.contains("(rang 1)") && page.contains("personne accompagnée"))
            #expect(Self.quotesTheTermOnly(page))
            let votePage = try await visitor.get("/scrutins/\(decision.poll.id!)").text
            #expect(votePage.contains("Mention majoritaire") && Self.quotesTheTermOnly(votePage))
        }
    }

    @Test func theDepartementsAnswerIsPublishedAndMembersAreTold() async throws {
        try await withTestApp { app in
            let member = try await makeMember(app, "Camille")
            _ = try await makeMember(app, "Agent", roles: [.staff])
            var staff = Browser(app)
            try await staff.signIn("Agent")
            let empty = try await staff.submit(["reponse": ""], on: "/debat-denomination", to: "/debat-denomination/reponse")
            #expect(empty.status == .unprocessableEntity)
            let text = "Dès janvier, nos courriers diront « personne accompagnée »."
            #expect(try await staff.submit(["reponse": text], on: "/debat-denomination", to: "/debat-denomination/reponse").status == .seeOther)
            var visitor = Browser(app)
            #expect(try await visitor.get("/debat-denomination").text.contains("personne accompagnée"))
            #expect(try await MemberNotification.query(on: app.db).filter(\.$member.$id == member.requireID()).count() == 1)
            var camille = Browser(app)
            try await camille.signIn("Camille")
            #expect(try await camille.submit(["reponse": text], on: "/debat-denomination",
                                             to: "/debat-denomination/reponse").status == .forbidden)
        }
    }
}
