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

/// Plays a crowd (or a script) sending sign-ins all at once: the slow
/// password hashes must not take every core.
@Suite("Password hashes run a few at a time")
struct HashingGateTests {
    /// A member whose password hash costs as much as in production.
    static func slowMember(_ app: Application, _ name: String) async throws {
        let member = try await makeMember(app, name)
        member.passwordHash = try Bcrypt.hash(SecretHasher.prepare(defaultTestPassword), cost: 10)
        try await member.save(on: app.db)
    }

    @Test func neverMoreHashesAtOnceThanCores() async throws {
        try await withTestApp { app in
            for index in 0..<12 { try await makeMember(app, "Membre \(index)") }
            let statuses = try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
                for index in 0..<40 {
                    group.addTask {
                        var browser = Browser(app)
                        // Known and unknown pseudonyms: both cost one hash.
                        return try await browser.signIn(index < 24 ? "Membre \(index % 12)" : "Personne \(index)",
                                                        password: "pas le bon mot de passe").status
                    }
                }
                return try await group.reduce(into: [HTTPStatus]()) { $0.append($1) }
            }
            #expect(statuses.allSatisfy { $0 == .unprocessableEntity || $0 == .tooManyRequests }, "\(statuses)")
            let peak = await app.hashingGate.peak
            #expect(peak >= 1 && peak <= System.coreCount, "\(peak) hashes at once on \(System.coreCount) cores")
        }
    }

    @Test func pastTheWaitTheVisitorGetsTheTrySoonPageAndNothingCounts() async throws {
        try await withTestApp { app in
            app.hashingGate = HashingGate(limit: 1, patience: .milliseconds(10))
            for index in 0..<8 { try await Self.slowMember(app, "Lente \(index)") }
            let pages = try await withThrowingTaskGroup(of: TestingHTTPResponse.self) { group in
                for index in 0..<8 {
                    group.addTask {
                        var browser = Browser(app)
                        return try await browser.signIn("Lente \(index)", password: "pas le bon mot de passe")
                    }
                }
                return try await group.reduce(into: [TestingHTTPResponse]()) { $0.append($1) }
            }
            let busy = pages.filter { $0.status == .tooManyRequests }
            #expect(!busy.isEmpty, "one place and 10 ms of patience: some had to give up")
            #expect(pages.allSatisfy { $0.status == .tooManyRequests || $0.status == .unprocessableEntity })
            for page in busy {
                #expect(page.text.contains("Beaucoup de personnes se connectent en ce moment"))
                #expect(page.text.contains(#"value="Lente "#), "the pseudonym stays in the form")
                #expect(page.headers.first(name: "Retry-After") == "5")
            }
            // Only the checks that ran count as failures.
            let counted = try await AttemptCounter.query(on: app.db).all()
                .filter { $0.id != AttemptKey("connexion-adresse", "inconnue", limit: .perAddress).id }
                .reduce(0) { $0 + $1.failures }
            #expect(counted == pages.count - busy.count)
            #expect(await app.hashingGate.peak == 1)

            // Once the crowd has passed, the right password works.
            var owner = Browser(app)
            #expect(try await owner.signIn("Lente 0").status == .seeOther)
        }
    }
}
