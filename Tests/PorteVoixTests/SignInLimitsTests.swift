import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
@testable import PorteVoix

@Suite("Sign-in limits and look-alike pseudonyms")
struct SignInLimitsTests {
    @Test func fortyConcurrentWrongPasswordsCountForty() async throws {
        try await withTestApp { app in
            let key = AttemptKey("connexion-compte", "marie", limit: .perAccount)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<40 {
                    group.addTask { try await AttemptThrottle.recordFailure([key], on: app.db) }
                }
                try await group.waitForAll()
            }
            let counter = try #require(try await AttemptCounter.find(key.id, on: app.db))
            #expect(counter.failures == 40)
            #expect(counter.blockedUntil.map { $0 > Date() } == true)
        }
    }

    @Test func invisibleAndBidirectionalCharactersAreRefused() throws {
        for typed in ["Ma\u{200B}rie", "Marie\u{202E}", "\u{2066}Marie\u{2069}", "Ma\u{00AD}rie", "\u{FEFF}Marie"] {
            #expect(throws: Pseudonym.Problem.invisibleCharacters) { try Pseudonym(typed) }
        }
        // NFKC: full-width letters and ligatures become plain ones.
        #expect(try Pseudonym("Ｍａｒｉｅ").display == "Marie")
        #expect(try Pseudonym("ﬁfi").display == "fifi")
    }

    @Test func twoPseudonymsThatLookAlikeCannotBothExist() async throws {
        try await withTestApp { app in
            try await makeMember(app, "Marie")
            try await makeMember(app, "Bernard")
            try await makeMember(app, "Paul10")
            for lookalike in ["Mаrie", "Μarie", "Bemard", "PauI1O", "M a r i e", "marie"] {
                let pseudonym = try Pseudonym(lookalike)
                #expect(try await Member.isTaken(pseudonym, on: app.db), "\(lookalike)")
            }
            #expect(try await !Member.isTaken(try Pseudonym("Mariette"), on: app.db))
        }
    }
}

@Suite("Moderators and their own contributions")
struct OwnModerationTests {
    @Test func aModeratorCannotPublishOrRefuseTheirOwnProposalOrComment() async throws {
        try await withTestApp { app in
            try await makeMember(app, "Fatou", roles: [.participant, .moderator])
            try await makeMember(app, "Sam modère", roles: [.moderator])
            var fatou = Browser(app)
            try await fatou.signIn("Fatou")
            let theme = try #require(try await Theme.query(on: app.db).first())
            let sent = try await fatou.submit(["titre": "Des bancs à l'arrêt de bus", "texte": "Il n'y a nulle part où s'asseoir.",
                                               "theme": theme.id!.uuidString], on: "/propositions/nouvelle")
            let path = try #require(sent.location?.split(separator: "#").first.map(String.init))
            let page = try await fatou.get(path).text
            #expect(!page.contains("value=\"publish\""), "no button to publish one's own proposal")
            let forced = try await fatou.submit(["action": "publish"], on: path, to: path + "/statut")
            #expect(forced.status == .forbidden)
            #expect(forced.text.contains("Vous ne pouvez pas relire votre propre proposition"))
            var sam = Browser(app)
            try await sam.signIn("Sam modère")
            #expect(try await sam.submit(["action": "publish"], on: path, to: path + "/statut").status == .seeOther)

            try await fatou.submit(["commentaire": "Et un abri contre la pluie."], on: path, to: path + "/commentaires")
            let comment = try #require(try await ProposalComment.query(on: app.db).first())
            let moderation = path + "/commentaires/\(comment.id!)/moderation"
            let own = try await fatou.submit(["decision": "publier"], on: path, to: moderation)
            #expect(own.status == .forbidden)
            #expect(try await ProposalComment.find(comment.id, on: app.db)?.status == .submitted)
            #expect(try await sam.submit(["decision": "publier"], on: path, to: moderation).status == .seeOther)
        }
    }
}
