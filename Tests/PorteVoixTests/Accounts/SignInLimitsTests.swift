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
                    group.addTask { try await AttemptThrottle.recordFailure([key], on: app.db, now: app.clock.now()) }
                }
                try await group.waitForAll()
            }
            let counter = try #require(try await AttemptCounter.find(key.id, on: app.db))
            #expect(counter.failures == 40)
            #expect(counter.blockedUntil.map { $0 > Date() } == true)
        }
    }

    /// Plays a stranger who read "Marie" under a comment and guesses her
    /// password from their own browser, to keep her out during a vote.
    @Test func aStrangerGuessingElsewhereDoesNotLockTheOwnerOut() async throws {
        try await withTestApp { app in
            let marie = try await makeMember(app, "Marie")
            let name = KnownDevice.cookieName(secure: false)
            var owner = Browser(app)
            #expect(try await owner.signIn("Marie").status == .seeOther)
            let device = try #require(owner.cookies[name], "signing in remembers the browser")
            #expect(!device.lowercased().contains(marie.id!.uuidString.lowercased()) && !device.contains("Marie"),
                    "the cookie names nobody")
            try await owner.submit([:], on: "/mon-compte", to: "/deconnexion")
            #expect(owner.cookies[name] == device, "it outlives sign-out")

            var stranger = Browser(app)
            var last: HTTPStatus = .ok
            for attempt in 0..<30 {
                last = try await stranger.signIn("Marie", password: "essai numéro \(attempt)").status
            }
            #expect(last == .tooManyRequests)
            // Any browser Marie never used is blocked, even with the right password…
            var library = Browser(app)
            #expect(try await library.signIn("Marie").status == .tooManyRequests)
            // …and so is a stranger who forges the cookie or brings their own account's.
            var forger = Browser(app)
            forger.cookies[name] = String(device.dropLast()) + (device.hasSuffix("A") ? "B" : "A")
            #expect(try await forger.signIn("Marie").status == .tooManyRequests)
            // Marie's own browser still gets in.
            #expect(try await owner.signIn("Marie").status == .seeOther)
            #expect(try await owner.get("/mon-compte").status == .ok)
            // …and can still change her password there, which checks the current one.
            let changed = try await owner.submit(["motDePasseActuel": defaultTestPassword, "motDePasse": "une autre phrase longue",
                                                  "confirmation": "une autre phrase longue"],
                                                 on: "/mon-compte", to: "/mon-compte/mot-de-passe")
            #expect(changed.status == .seeOther)
            // Her browser is remembered with the new password too.
            try await owner.submit([:], on: "/mon-compte", to: "/deconnexion")
            #expect(try await owner.signIn("Marie", password: "une autre phrase longue").status == .seeOther)

            // Her own wrong passwords count for her browser alone, with the same limit.
            try await owner.submit([:], on: "/mon-compte", to: "/deconnexion")
            for attempt in 0..<6 {
                _ = try await owner.signIn("Marie", password: "je ne sais plus \(attempt)")
            }
            #expect(try await owner.signIn("Marie", password: "une autre phrase longue").status == .tooManyRequests)
        }
    }

    /// A member on a borrowed phone, blocked by someone else's guesses, with
    /// the facilitator beside them; and a member who tries to do it alone.
    @Test func aFacilitatorLiftsTheBlockInPersonAndItIsAudited() async throws {
        try await withTestApp { app in
            try await makeMember(app, "Marie")
            try await makeMember(app, "Julien anime", roles: [.facilitator])
            try await makeMember(app, "Paul")
            var stranger = Browser(app)
            for attempt in 0..<8 {
                _ = try await stranger.signIn("Marie", password: "essai numéro \(attempt)")
            }
            var phone = Browser(app)
            #expect(try await phone.signIn("Marie").status == .tooManyRequests)

            var paul = Browser(app)
            try await paul.signIn("Paul")
            let refused = try await paul.post("/admin/cartes/debloquer", form: ["_csrf": "x", "debloquer": "Marie"])
            #expect(refused.status == .forbidden)

            var facilitator = Browser(app)
            try await facilitator.signIn("Julien anime")
            let unknown = try await facilitator.submit(["debloquer": "Mari"], on: "/admin/cartes", to: "/admin/cartes/debloquer")
            #expect(unknown.status == .unprocessableEntity)
            #expect(unknown.text.contains("a ce pseudonyme. Vérifiez"))
            #expect(unknown.text.contains(#"value="Mari""#))
            let lifted = try await facilitator.submit(["debloquer": "marie"], on: "/admin/cartes", to: "/admin/cartes/debloquer")
            #expect(lifted.status == .seeOther)
            #expect(try await facilitator.get("/admin/cartes").text.contains("La connexion de « Marie » est débloquée"))
            let entry = try #require(try await auditSentences(app, action: "signin.unblock").first)
            #expect(entry.contains("Marie"))

            #expect(try await phone.signIn("Marie").status == .seeOther)
            // An account with a role is an administrator's to unblock.
            try await makeMember(app, "Adèle admin", roles: [.admin])
            for attempt in 0..<8 {
                _ = try await stranger.signIn("Adèle admin", password: "essai numéro \(attempt)")
            }
            let privileged = try await facilitator.submit(["debloquer": "Adèle admin"], on: "/admin/cartes",
                                                          to: "/admin/cartes/debloquer")
            #expect(privileged.status == .forbidden)
            #expect(privileged.text.contains("seul un administrateur peut débloquer"))
            // Nothing to lift: said so, and nothing written.
            _ = try await facilitator.submit(["debloquer": "Paul"], on: "/admin/cartes", to: "/admin/cartes/debloquer")
            #expect(try await facilitator.get("/admin/cartes").text.contains("est pas bloquée"))
            #expect(try await AuditEntry.query(on: app.db).filter(\.$action == "signin.unblock").count() == 1)
        }
    }

    /// Plays someone who once knew the password and collected remembered
    /// browsers, hoping to keep guessing after the member changed it.
    @Test func aNewPasswordEndsEveryRememberedBrowser() async throws {
        try await withTestApp { app in
            let marie = try await makeMember(app, "Marie")
            var former = Browser(app)
            #expect(try await former.signIn("Marie").status == .seeOther)
            try await former.submit([:], on: "/mon-compte", to: "/deconnexion")
            var stranger = Browser(app)
            for attempt in 0..<8 {
                _ = try await stranger.signIn("Marie", password: "essai numéro \(attempt)")
            }
            // A replacement card or a new password: the old token no longer counts.
            marie.passwordHash = try await SecretHasher.hash("un tout nouveau mot de passe", application: app)
            try await marie.save(on: app.db)
            #expect(try await former.signIn("Marie", password: "un tout nouveau mot de passe").status == .tooManyRequests)
        }
    }

    @Test func aKnownDeviceCookieIsWorthNothingForAnotherAccount() async throws {
        try await withTestApp { app in
            try await makeMember(app, "Marie")
            try await makeMember(app, "Mallory")
            let name = KnownDevice.cookieName(secure: false)
            var stranger = Browser(app)
            for attempt in 0..<6 {
                _ = try await stranger.signIn("Marie", password: "essai numéro \(attempt)")
            }
            // Mallory signs in on her own browser, then tries Marie with that cookie.
            var mallory = Browser(app)
            #expect(try await mallory.signIn("Mallory").status == .seeOther)
            #expect(mallory.cookies[name] != nil)
            try await mallory.submit([:], on: "/mon-compte", to: "/deconnexion")
            #expect(try await mallory.signIn("Marie").status == .tooManyRequests)
            // Five members on one family computer: each is remembered.
            for other in ["Un", "Deux", "Trois", "Quatre"] {
                try await makeMember(app, "Famille \(other)")
                var family = Browser(app)
                family.cookies = mallory.cookies.filter { $0.key == name }
                #expect(try await family.signIn("Famille \(other)").status == .seeOther)
                mallory.cookies[name] = family.cookies[name]
            }
            #expect(KnownDevice.tokens(mallory.cookies[name]).count == KnownDevice.maximumTokens)
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
