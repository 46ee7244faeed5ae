import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting
@testable import PorteVoix

@Suite("Accounts: access cards, activation, sign-in, my account")
struct AccountsTests {
    /// A facilitator prints `count` cards and returns their codes.
    func printCards(_ app: Application, count: Int = 2, territory: Territory? = nil) async throws -> [String] {
        try await makeMember(app, "Nadia anime", roles: [.facilitator])
        var facilitator = Browser(app)
        try await facilitator.signIn("Nadia anime")
        let page = try await facilitator.submit(
            ["nombre": String(count), "territoire": territory?.id?.uuidString ?? ""], on: "/admin/cartes"
        )
        #expect(page.status == .ok)
        return page.printedCodes
    }

    @Test func aFacilitatorPrintsCardsWhoseCodesAreStoredOnlyAsHashes() async throws {
        try await withTestApp { app in
            let territory = try #require(try await Territory.query(on: app.db).first())
            let codes = try await printCards(app, count: 9, territory: territory)
            #expect(codes.count == 9)
            #expect(Set(codes).count == 9)
            let cards = try await AccessCard.query(on: app.db).all()
            #expect(cards.count == 9)
            for card in cards {
                #expect(card.codeHash.hasPrefix("$2"))
                #expect(card.$territory.id == territory.id)
                #expect(abs(card.expiresAt.timeIntervalSince(card.createdAt) - 60 * 86_400) < 1)
                #expect(!codes.map { $0.replacingOccurrences(of: " ", with: "") }.contains(card.codeHash))
            }
            let audit = try await auditSentences(app, action: "cards.create")
            #expect(audit.first?.contains("9 cartes d'accès créées") == true)
        }
    }

    @Test func cardBatchesAreLimitedToFifty() async throws {
        try await withTestApp { app in
            try await makeMember(app, "Nadia anime", roles: [.facilitator])
            var facilitator = Browser(app)
            try await facilitator.signIn("Nadia anime")
            for wrong in ["0", "51", "beaucoup", ""] {
                let page = try await facilitator.submit(["nombre": wrong], on: "/admin/cartes")
                #expect(page.status == .unprocessableEntity)
                #expect(page.text.contains("entre 1 et 50"))
                let kept = wrong.isEmpty ? #"name="nombre" value "# : "value=\"\(escapeAttribute(wrong))\""
                #expect(page.text.contains(kept), "keeps what was typed")
            }
            #expect(try await AccessCard.query(on: app.db).count() == 0)
        }
    }

    @Test func aNewMemberActivatesACardTypedWithSpacesAndLowerCase() async throws {
        try await withTestApp { app in
            let code = try #require(try await printCards(app, count: 1).first)
            var newcomer = Browser(app)
            let typed = code.lowercased()
            let step1 = try await newcomer.submit(["code": typed], on: "/activation")
            #expect(step1.status == .seeOther)
            #expect(step1.location == "/activation/compte")

            let step2 = try await newcomer.submit(
                ["pseudonyme": "Camille", "motDePasse": "le chat dort sur la chaise", "confirmation": "le chat dort sur la chaise"],
                on: "/activation/compte"
            )
            #expect(step2.location == "/activation/charte")
            let pending = try #require(try await Member.query(on: app.db).filter(\.$pseudonym == "Camille").first())
            #expect(pending.status == .pending)
            // Before accepting the charter, nothing else opens.
            #expect(try await newcomer.get("/mon-compte").location == "/activation/charte")

            let refused = try await newcomer.submit([:], on: "/activation/charte")
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.text.contains("Cochez la case"))

            let accepted = try await newcomer.submit(["accepte": "oui"], on: "/activation/charte")
            #expect(accepted.location == "/")
            let home = try await newcomer.get("/")
            #expect(home.text.contains("Bienvenue, Camille"))
            #expect(try await newcomer.get("/mon-compte").status == .ok)

            let member = try #require(try await Member.query(on: app.db).filter(\.$pseudonym == "Camille").with(\.$roleRows).first())
            #expect(member.status == .active)
            #expect(member.roles == [.participant])
            #expect(member.charterAcceptedAt != nil)

            // Signs out, then in again.
            let token = try #require(try await newcomer.get("/mon-compte").csrfToken)
            let out = try await newcomer.post("/deconnexion", form: ["_csrf": token])
            #expect(out.location == "/?au-revoir=1")
            #expect(try await newcomer.get(try #require(out.location)).text.contains("Vous êtes déconnecté. À bientôt !"))
            #expect(try await newcomer.get("/mon-compte").status == .seeOther)
            let signedIn = try await newcomer.signIn("camille", password: "le chat dort sur la chaise")
            #expect(signedIn.location == "/")
            #expect(try await newcomer.get("/mon-compte").status == .ok)
        }
    }

    @Test func unknownUsedAndExpiredCodesAreRefusedWithTheirReason() async throws {
        try await withTestApp { app in
            let codes = try await printCards(app, count: 2)
            var visitor = Browser(app)
            let unknown = try await visitor.submit(["code": "2345 6789 ABCD EFGH"], on: "/activation")
            #expect(unknown.status == .unprocessableEntity)
            #expect(unknown.text.contains("ne correspond à aucune carte"))
            #expect(unknown.text.contains("value=\"2345 6789 ABCD EFGH\""))

            let malformed = try await visitor.submit(["code": "1234"], on: "/activation")
            #expect(malformed.text.contains("16 caractères"))

            // Used: activate the first card, then try it again.
            var first = Browser(app)
            try await first.submit(["code": codes[0]], on: "/activation")
            try await first.submit(["pseudonyme": "Premier", "motDePasse": defaultTestPassword,
                                    "confirmation": defaultTestPassword], on: "/activation/compte")
            let used = try await visitor.submit(["code": codes[0]], on: "/activation")
            #expect(used.status == .unprocessableEntity)
            #expect(used.text.contains("déjà servi"))

            // Expired.
            for card in try await AccessCard.query(on: app.db).filter(\.$usedAt == nil).all() {
                card.expiresAt = Date().addingTimeInterval(-60)
                try await card.save(on: app.db)
            }
            let expired = try await visitor.submit(["code": codes[1]], on: "/activation")
            #expect(expired.text.contains("a expiré"))
        }
    }

    @Test func pseudonymsAreUniqueRegardlessOfCaseAndAccents() async throws {
        try await withTestApp { app in
            try await makeMember(app, "Marie")
            let codes = try await printCards(app, count: 1)
            var newcomer = Browser(app)
            try await newcomer.submit(["code": codes[0]], on: "/activation")
            for taken in ["marie", "Marié", " MARIE "] {
                let page = try await newcomer.submit(
                    ["pseudonyme": taken, "motDePasse": defaultTestPassword, "confirmation": defaultTestPassword],
                    on: "/activation/compte"
                )
                #expect(page.status == .unprocessableEntity, "\(taken)")
                #expect(page.text.contains("déjà pris"))
                #expect(page.text.contains("value=\"\(escapeAttribute(taken))\""), "keeps what was typed")
            }
            let fine = try await newcomer.submit(
                ["pseudonyme": "Marie2", "motDePasse": defaultTestPassword, "confirmation": defaultTestPassword],
                on: "/activation/compte"
            )
            #expect(fine.location == "/activation/charte")
        }
    }

    @Test func activationFormShowsEveryErrorAtOnce() async throws {
        try await withTestApp { app in
            let codes = try await printCards(app, count: 1)
            var newcomer = Browser(app)
            try await newcomer.submit(["code": codes[0]], on: "/activation")
            let page = try await newcomer.submit(
                ["pseudonyme": "x", "motDePasse": "court", "confirmation": "court"], on: "/activation/compte"
            )
            #expect(page.status == .unprocessableEntity)
            #expect(page.text.contains("2 informations sont à corriger"))
            #expect(page.text.contains(##"<a href="#champ-pseudonyme">"##))
            #expect(page.text.contains(##"<a href="#champ-motDePasse">"##))
            #expect(page.text.contains("aria-invalid=\"true\""))
        }
    }

    @Test func wrongPseudonymAndWrongPasswordGiveTheSameMessage() async throws {
        try await withTestApp { app in
            try await makeMember(app, "Marie")
            var visitor = Browser(app)
            let wrongPassword = try await visitor.signIn("Marie", password: "pas le bon mot de passe")
            let wrongPseudonym = try await visitor.signIn("Inconnue", password: defaultTestPassword)
            #expect(wrongPassword.status == .unprocessableEntity)
            #expect(wrongPseudonym.status == .unprocessableEntity)
            let message = "Ce pseudonyme et ce mot de passe ne vont pas ensemble."
            #expect(wrongPassword.text.contains(message))
            #expect(wrongPseudonym.text.contains(message))
            #expect(wrongPassword.text.contains(#"value="Marie""#), "keeps the pseudonym")
        }
    }

    @Test func signInAttemptsAreLimitedPerPseudonymWithAGrowingDelay() async throws {
        try await withTestApp { app in
            try await makeMember(app, "Marie")
            var attacker = Browser(app)
            for _ in 1...5 {
                #expect(try await attacker.signIn("Marie", password: "essai au hasard").status == .unprocessableEntity)
            }
            let sixth = try await attacker.signIn("marie", password: "essai au hasard")
            #expect(sixth.status == .unprocessableEntity, "the sixth failure starts the wait")
            let blocked = try await attacker.signIn("Marie", password: defaultTestPassword)
            #expect(blocked.status == .tooManyRequests, "even the right password waits")
            #expect(blocked.text.contains("Vous pourrez réessayer à"))
            #expect(blocked.text.contains("dans 1 minute"))

            // Once the wait is over, the right password works.
            for counter in try await AttemptCounter.query(on: app.db).all() {
                counter.blockedUntil = Date().addingTimeInterval(-1)
                try await counter.save(on: app.db)
            }
            #expect(try await attacker.signIn("Marie").location == "/")
        }
    }

    @Test func signInAttemptsAreLimitedPerAddress() async throws {
        try await withTestApp { app in
            var attacker = Browser(app)
            for index in 1...21 {
                _ = try await attacker.signIn("Personne\(index)", password: "essai au hasard")
            }
            try await makeMember(app, "Marie")
            let blocked = try await attacker.signIn("Marie")
            #expect(blocked.status == .tooManyRequests)
        }
    }

    @Test func theSessionIdChangesAtSignIn() async throws {
        try await withTestApp { app in
            try await makeMember(app, "Marie")
            var browser = Browser(app)
            try await browser.get("/connexion")
            #expect(browser.cookies["portevoix"] == nil, "looking at the sign-in page starts no session")
            #expect(try await WebSessionRecord.query(on: app.db).count() == 0)
            // A cookie planted beforehand (session fixation) is never the one signed in.
            let before = SecureToken.make()
            browser.cookies["portevoix"] = before
            try await browser.signIn("Marie")
            let after = try #require(browser.cookies["portevoix"])
            #expect(before != after)
            var thief = Browser(app)
            thief.cookies["portevoix"] = before
            #expect(try await thief.get("/mon-compte").status == .seeOther)
        }
    }

    @Test func aSuspendedMemberCannotSignInAndIsToldWhomToContact() async throws {
        try await withTestApp { app in
            try await makeMember(app, "Admin", roles: [.admin])
            let marie = try await makeMember(app, "Marie")
            var marieBrowser = Browser(app)
            try await marieBrowser.signIn("Marie")
            #expect(try await marieBrowser.get("/mon-compte").status == .ok)

            var admin = Browser(app)
            try await admin.signIn("Admin")
            let suspended = try await admin.submit(["action": "suspendre"], on: "/admin/membres/\(marie.id!)",
                                                   to: "/admin/membres/\(marie.id!)/statut")
            #expect(suspended.status == .seeOther)

            // Signed out at once, everywhere.
            #expect(try await marieBrowser.get("/mon-compte").status == .seeOther)
            let page = try await marieBrowser.signIn("Marie")
            #expect(page.status == .forbidden)
            #expect(page.text.contains("Votre compte est suspendu"))
            #expect(page.text.contains("animatrice ou l&#39;animateur") || page.text.contains("animatrice ou l'animateur"))
            let wrongPassword = try await marieBrowser.signIn("Marie", password: "pas le bon mot de passe")
            #expect(!wrongPassword.text.contains("suspendu"), "only the right password learns it")

            try await admin.submit(["action": "reactiver"], on: "/admin/membres/\(marie.id!)",
                                   to: "/admin/membres/\(marie.id!)/statut")
            #expect(try await marieBrowser.signIn("Marie").location == "/")
            let actions = try await AuditEntry.query(on: app.db).all().map(\.action)
            #expect(actions.contains("member.suspend"))
            #expect(actions.contains("member.reactivate"))
        }
    }

    @Test func myDataHoldsEverythingAboutMeAndNothingAboutOthers() async throws {
        try await withTestApp { app in
            let territory = try #require(try await Territory.query(on: app.db).first())
            try await makeMember(app, "Marie", roles: [.participant, .moderator], territory: territory)
            let neighbour = try await makeMember(app, "Voisin secret")
            let marie = try #require(try await Member.query(on: app.db).filter(\.$pseudonym == "Marie").first())
            // A paper proposal that names her, and a replacement card asked for her.
            let paper = try await makeProposal(app, title: "Écrite sur papier", author: nil)
            paper.fromPaper = true
            paper.$claimedAuthor.id = marie.id
            try await paper.save(on: app.db)
            try await CardReplacement(memberID: marie.requireID(), requester: neighbour, now: app.clock.now()).create(on: app.db)
            var browser = Browser(app)
            try await browser.signIn("Marie")
            let download = try await browser.get("/mon-compte/donnees")
            #expect(download.status == .ok)
            #expect(download.headers.contentType == .json)
            #expect(download.headers.first(name: .contentDisposition)?.contains("attachment") == true)
            let json = try JSONSerialization.jsonObject(with: Data(download.text.utf8)) as? [String: Any]
            let account = try #require(json?["compte"] as? [String: Any])
            #expect(account["pseudonyme"] as? String == "Marie")
            #expect(account["territoire"] as? String == territory.name)
            #expect((account["roles"] as? [String])?.sorted() == ["membre du conseil", "modérateur·rice"])
            #expect((json?["sessionsOuvertes"] as? [Any])?.count == 1)
            #expect((json?["propositionsSurPapierAConfirmer"] as? [String]) == ["Écrite sur papier"])
            #expect((json?["cartesDeRemplacement"] as? [Any])?.count == 1)
            #expect(!download.text.contains("Voisin secret"))
            #expect(!download.text.contains("$2"), "no hash")
            #expect(!download.text.contains(defaultTestPassword))
        }
    }

    @Test func deletingMyAccountAnonymisesItAndEndsMySessions() async throws {
        try await withTestApp { app in
            let marie = try await makeMember(app, "Marie")
            var phone = Browser(app)
            try await phone.signIn("Marie")
            var computer = Browser(app)
            try await computer.signIn("Marie")

            let unconfirmed = try await computer.submit(["motDePasseActuel": defaultTestPassword],
                                                        on: "/mon-compte", to: "/mon-compte/suppression")
            #expect(unconfirmed.status == .unprocessableEntity)
            #expect(unconfirmed.text.contains("Cochez la case"))
            let wrong = try await computer.submit(["confirme": "oui", "motDePasseActuel": "pas le bon"],
                                                  on: "/mon-compte", to: "/mon-compte/suppression")
            #expect(wrong.status == .unprocessableEntity)
            #expect(try await Member.find(marie.id, on: app.db)?.status == .active)

            let deleted = try await computer.submit(["confirme": "oui", "motDePasseActuel": defaultTestPassword],
                                                    on: "/mon-compte", to: "/mon-compte/suppression")
            #expect(deleted.location == "/")
            #expect(try await computer.get("/").text.contains("Votre compte est supprimé"))

            let row = try #require(try await Member.query(on: app.db).filter(\.$id == marie.id!).with(\.$roleRows).first())
            #expect(row.status == .deleted)
            #expect(row.pseudonym == nil)
            #expect(row.passwordHash == nil)
            #expect(row.roles.isEmpty)
            #expect(row.publicName == "Ancien membre")
            #expect(try await WebSessionRecord.query(on: app.db).filter(\.$memberID == marie.id!).count() == 0)
            #expect(try await phone.get("/mon-compte").status == .seeOther, "the other session ended too")
            #expect(try await phone.signIn("Marie").status == .unprocessableEntity)
        }
    }

    @Test func changingMyPseudonymAndPassword() async throws {
        try await withTestApp { app in
            try await makeMember(app, "Marie")
            try await makeMember(app, "Paul")
            var browser = Browser(app)
            try await browser.signIn("Marie")
            let taken = try await browser.submit(["pseudonyme": "paul", "motDePasseActuel": defaultTestPassword],
                                                 on: "/mon-compte", to: "/mon-compte/pseudonyme")
            #expect(taken.status == .unprocessableEntity)
            #expect(taken.text.contains("déjà pris"))
            #expect(taken.text.contains(#"value="paul""#))
            let renamed = try await browser.submit(["pseudonyme": "Marie-Claire", "motDePasseActuel": defaultTestPassword],
                                                   on: "/mon-compte", to: "/mon-compte/pseudonyme")
            #expect(renamed.location == "/mon-compte")
            #expect(try await browser.get("/mon-compte").text.contains("Marie-Claire"))

            let mismatch = try await browser.submit(
                ["motDePasseActuel": defaultTestPassword, "motDePasse": "une nouvelle phrase", "confirmation": "autre chose encore"],
                on: "/mon-compte", to: "/mon-compte/mot-de-passe")
            #expect(mismatch.text.contains("ne sont pas identiques"))
            let changed = try await browser.submit(
                ["motDePasseActuel": defaultTestPassword, "motDePasse": "une nouvelle phrase", "confirmation": "une nouvelle phrase"],
                on: "/mon-compte", to: "/mon-compte/mot-de-passe")
            #expect(changed.location == "/mon-compte")
            var other = Browser(app)
            #expect(try await other.signIn("Marie-Claire").status == .unprocessableEntity)
            #expect(try await other.signIn("Marie-Claire", password: "une nouvelle phrase").location == "/")
        }
    }

    @Test func aReplacementCardGivesTheAccountBackAndTheOldPasswordStopsWorking() async throws {
        try await withTestApp { app in
            let marie = try await makeMember(app, "Marie")
            var marieOldSession = Browser(app)
            try await marieOldSession.signIn("Marie")

            try await makeMember(app, "Nadia anime", roles: [.facilitator])
            try await makeMember(app, "Paul anime", roles: [.facilitator], activatedAt: aMonthAgo)
            var facilitator = Browser(app)
            try await facilitator.signIn("Nadia anime")
            let unknown = try await facilitator.submit(["pseudonyme": "Personne"], on: "/admin/cartes",
                                                       to: "/admin/cartes/remplacement")
            #expect(unknown.status == .unprocessableEntity)
            #expect(unknown.text.contains("Aucun membre n&#39;a ce pseudonyme") || unknown.text.contains("Aucun membre n'a ce pseudonyme"))
            // Four eyes: the request prints nothing; its author cannot confirm it.
            let requested = try await facilitator.submit(["pseudonyme": "marie"], on: "/admin/cartes",
                                                         to: "/admin/cartes/remplacement")
            #expect(requested.status == .seeOther)
            #expect(requested.text.isEmpty || requested.printedCodes.isEmpty)
            let pending = try #require(try await CardReplacement.query(on: app.db).first())
            let confirm = "/admin/cartes/remplacement/\(pending.id!)/confirmer"
            let ownPage = try await facilitator.get("/admin/cartes").text
            #expect(ownPage.contains("Vous avez fait cette demande"))
            let self_ = try await facilitator.submit([:], on: "/admin/cartes", to: confirm)
            #expect(self_.status == .forbidden)
            #expect(self_.printedCodes.isEmpty)
            var check = Browser(app)
            #expect(try await check.signIn("Marie").location == "/", "nothing changes before the confirmation")

            // A second person confirms: the card is not printed for them.
            var second = Browser(app)
            try await second.signIn("Paul anime")
            let confirmed = try await second.submit([:], on: "/admin/cartes", to: confirm)
            #expect(confirmed.status == .seeOther && confirmed.printedCodes.isEmpty)
            #expect(try await second.submit([:], on: "/admin/cartes", to: confirm).status == .notFound, "confirmed once")
            let print = "/admin/cartes/remplacement/\(pending.id!)/imprimer"
            #expect(try await second.submit([:], on: "/admin/cartes", to: print).status == .forbidden, "the confirmer never gets the code")

            // The server too busy to hash the new code: nothing changes, the card waits to be printed.
            let gate = app.hashingGate
            app.hashingGate = HashingGate(limit: 1, patience: .milliseconds(10), staffPatience: .milliseconds(10))
            let release = DispatchSemaphore(value: 0)
            let busy = Task { try await app.hashingGate.run(on: app.threadPool) { release.wait() } }
            while await app.hashingGate.peak == 0 { try await Task.sleep(for: .milliseconds(10)) }
            let tooBusy = try await facilitator.submit([:], on: "/admin/cartes", to: print)
            release.signal()
            #expect(tooBusy.status == .tooManyRequests)
            #expect(tooBusy.printedCodes.isEmpty)
            try await busy.value
            app.hashingGate = gate
            #expect(try await CardReplacement.find(pending.id, on: app.db)?.printedAt == nil)
            var stillHers = Browser(app)
            #expect(try await stillHers.signIn("Marie").location == "/", "her password still works")

            // The person who asked prints it, once.
            let printed = try await facilitator.submit([:], on: "/admin/cartes", to: print)
            let code = try #require(printed.printedCodes.first)
            #expect(printed.text.contains("Pour le compte « Marie »"))
            #expect(try await facilitator.submit([:], on: "/admin/cartes", to: print).status == .notFound, "printed once")

            // From now on, the old password and sessions are gone, and whoever tries is told.
            #expect(try await marieOldSession.get("/mon-compte").status == .seeOther, "old sessions end")
            var stranger = Browser(app)
            let refused = try await stranger.signIn("Marie")
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.text.contains("La carte de ce compte a été remplacée"))
            #expect(refused.text.contains("confirmée par une animatrice ou un animateur"))

            var marieNew = Browser(app)
            try await marieNew.submit(["code": code], on: "/activation")
            let step2 = try await marieNew.get("/activation/compte")
            #expect(step2.text.contains("Cette carte vous rend l&#39;accès au compte « Marie »")
                    || step2.text.contains("Cette carte vous rend l'accès au compte « Marie »"))
            #expect(!step2.text.contains("name=\"pseudonyme\""))
            let done = try await marieNew.submit(
                ["motDePasse": "mon nouveau mot de passe", "confirmation": "mon nouveau mot de passe"],
                on: "/activation/compte")
            #expect(done.location == "/")
            let account = try await marieNew.get("/mon-compte")
            #expect(account.status == .ok)
            #expect(account.text.contains("Les cartes de remplacement de mon compte"))
            #expect(account.text.contains("demandée par une animatrice ou un animateur, confirmée par une animatrice ou un animateur"))

            var later = Browser(app)
            #expect(try await later.signIn("Marie", password: "mon nouveau mot de passe").location == "/")
            #expect(try await Member.query(on: app.db).count() == 3, "no new account")
            #expect(try await Member.find(marie.id, on: app.db)?.pseudonym == "Marie")
            let journal = try await AuditEntry.query(on: app.db).all().map(\.action)
            #expect(journal.contains("cards.replacement.request") && journal.contains("cards.replacement"))
        }
    }

    /// Every action that changes who can act as whom, tried by each role:
    /// only the roles the design allows succeed.
    @Test func noRoleCanGiveItselfOrAnyoneMoreThanAnAdministratorGranted() async throws {
        try await withTestApp { app in
            let admin = try await makeMember(app, "Admin Démo", roles: [.admin], activatedAt: aMonthAgo)
            try await makeMember(app, "Second admin", roles: [.admin])
            try await makeMember(app, "Julien anime", roles: [.facilitator])
            try await makeMember(app, "Modératrice", roles: [.moderator])
            try await makeMember(app, "Agent", roles: [.staff])
            let member = try await makeMember(app, "Simple membre")
            for (name, privileged) in [("Julien anime", true), ("Modératrice", false), ("Agent", false), ("Simple membre", false)] {
                var browser = Browser(app)
                try await browser.signIn(name)
                let token = try #require(try await browser.get("/mon-compte").csrfToken)
                // A replacement card for the administrator: the path that made a facilitator administrator.
                let card = try await browser.post("/admin/cartes/remplacement", form: ["_csrf": token, "pseudonyme": "Admin Démo"])
                #expect(card.status == .forbidden, "\(name) → replacement card for an admin")
                #expect(card.printedCodes.isEmpty)
                // Roles, suspension: administrators only.
                let roles = try await browser.post("/admin/membres/\(member.id!)/roles",
                                                   form: ["_csrf": token, "roles[]": "admin"])
                #expect(roles.status == .forbidden, "\(name) → roles")
                let own = try #require(try await Member.query(on: app.db).filter(\.$pseudonymKey == Pseudonym.key(for: name)).first()?.id)
                let selfRoles = try await browser.post("/admin/membres/\(own)/roles", form: ["_csrf": token, "roles[]": "admin"])
                #expect(selfRoles.status == .forbidden, "\(name) → own roles")
                let suspend = try await browser.post("/admin/membres/\(admin.id!)/statut", form: ["_csrf": token, "statut": "suspended"])
                #expect(suspend.status == .forbidden, "\(name) → suspension")
                // Plain access cards: facilitators and admins only.
                let cards = try await browser.post("/admin/cartes", form: ["_csrf": token, "nombre": "1"])
                #expect((cards.status == .ok) == privileged, "\(name) → new cards: \(cards.status)")
                // The installation link works only while there is no administrator.
                let install = try await browser.get("/installation?jeton=n-importe-quoi")
                #expect(install.status != .ok || !install.text.contains("motDePasse"), "\(name) → installation")
            }
            // Administrators: a replacement for a privileged account takes two of them.
            var adminBrowser = Browser(app)
            try await adminBrowser.signIn("Second admin")
            let card = try await adminBrowser.submit(["pseudonyme": "Julien anime"], on: "/admin/cartes", to: "/admin/cartes/remplacement")
            #expect(card.printedCodes.isEmpty, "one administrator alone gets no card for a facilitator")
            let request = try #require(try await CardReplacement.query(on: app.db).filter(\.$printedAt == nil).first())
            var firstAdmin = Browser(app)
            try await firstAdmin.signIn("Admin Démo")
            let confirmed = try await firstAdmin.submit([:], on: "/admin/cartes", to: "/admin/cartes/remplacement/\(request.id!)/confirmer")
            #expect(confirmed.printedCodes.isEmpty)
            let printed = try await adminBrowser.submit([:], on: "/admin/cartes", to: "/admin/cartes/remplacement/\(request.id!)/imprimer")
            #expect(printed.printedCodes.count == 1, "asked by one administrator, confirmed by another, printed by the first")
            let rows = try await MemberRole.query(on: app.db).filter(\.$member.$id == member.requireID()).all().map(\.role)
            #expect(rows == [.participant], "nobody but an administrator changed roles")
            #expect(try await Member.find(admin.id, on: app.db)?.status == .active)
        }
    }

    @Test func theInstallationLinkCreatesTheFirstAdministratorOnce() async throws {
        try await withTestApp { app in
            let token = try await InstallationLinks.make(on: app.db, now: app.clock.now())
            var visitor = Browser(app)
            #expect(try await visitor.get("/installation?jeton=faux").status == .notFound)
            #expect(try await visitor.get("/installation").status == .notFound)
            let form = try await visitor.get("/installation?jeton=\(token)")
            #expect(form.status == .ok)
            let invalid = try await visitor.submit(
                ["jeton": token, "pseudonyme": "A", "motDePasse": "court", "confirmation": "court"],
                on: "/installation?jeton=\(token)", to: "/installation")
            #expect(invalid.status == .unprocessableEntity)
            let created = try await visitor.submit(
                ["jeton": token, "pseudonyme": "Hélène admin", "motDePasse": defaultTestPassword,
                 "confirmation": defaultTestPassword],
                on: "/installation?jeton=\(token)", to: "/installation")
            #expect(created.location == "/admin")
            #expect(try await visitor.get("/admin").status == .ok)
            #expect(try await Administrators.exist(on: app.db))
            #expect(try await visitor.get("/installation?jeton=\(token)").status == .notFound, "single use")
            let audit = try await AuditEntry.query(on: app.db).filter(\.$action == "installation").count()
            #expect(audit == 1)
        }
    }

    @Test func administratorsManageRolesTerritoriesAndThemes() async throws {
        try await withTestApp { app in
            let admin = try await makeMember(app, "Admin", roles: [.admin])
            let marie = try await makeMember(app, "Marie")
            var browser = Browser(app)
            try await browser.signIn("Admin")

            let list = try await browser.get("/admin/membres?q=mari")
            #expect(list.text.contains("Marie"))
            #expect(!list.text.contains(">Admin<"))
            let filtered = try await browser.get("/admin/membres?role=admin")
            #expect(filtered.text.contains(">Admin<"))
            #expect(!filtered.text.contains(">Marie<"))

            let territory = try #require(try await Territory.query(on: app.db).first())
            let saved = try await browser.submit(
                ["roles[]": "moderator", "territoire": territory.id!.uuidString],
                on: "/admin/membres/\(marie.id!)", to: "/admin/membres/\(marie.id!)/roles")
            #expect(saved.status == .seeOther)
            let updated = try #require(try await Member.query(on: app.db).filter(\.$id == marie.id!).with(\.$roleRows).first())
            #expect(updated.roles == [.moderator])
            #expect(updated.$territory.id == territory.id)

            // The last administrator cannot drop their own role.
            let lastAdmin = try await browser.submit(["roles[]": "participant"], on: "/admin/membres/\(admin.id!)",
                                                     to: "/admin/membres/\(admin.id!)/roles")
            #expect(lastAdmin.status == .unprocessableEntity)
            #expect(lastAdmin.text.contains("seul administrateur"))

            let added = try await browser.submit(["nom": "Bassin minier"], on: "/admin/listes", to: "/admin/territoires")
            #expect(added.status == .seeOther)
            let duplicate = try await browser.submit(["nom": "Bassin minier"], on: "/admin/listes", to: "/admin/territoires")
            #expect(duplicate.status == .unprocessableEntity)
            #expect(duplicate.text.contains("existe déjà"))
            let theme = try #require(try await Theme.query(on: app.db).first())
            try await browser.submit(["nom": "Mobilité"], on: "/admin/listes", to: "/admin/themes/\(theme.id!)")
            #expect(try await Theme.find(theme.id, on: app.db)?.name == "Mobilité")

            let journal = try await browser.get("/admin/journal")
            #expect(journal.text.contains("Rôles de « Marie »"))
            #expect(journal.text.contains("Bassin minier"))
            #expect(journal.text.contains("renommé, qui s&#39;appelle maintenant « Mobilité »"))
        }
    }

    @Test func theAuditLogIsAppendOnly() async throws {
        try await withTestApp { app in
            try await AuditLog.append(actorID: nil, action: .demo, at: app.clock.now(), on: app.db)
            let sql = try #require(app.db as? any SQLDatabase)
            await #expect(throws: (any Error).self) {
                try await sql.raw("UPDATE audit_entries SET action = 'falsifié'").run()
            }
            await #expect(throws: (any Error).self) {
                try await sql.raw("DELETE FROM audit_entries").run()
            }
            #expect(try await AuditEntry.query(on: app.db).first()?.action == "demo")
        }
    }

    @Test func freshInstallsOfferDefaultTerritoriesAndThemes() async throws {
        try await withTestApp { app in
            let territories = try await Territory.query(on: app.db).count()
            let themes = try await Theme.query(on: app.db).count()
            #expect(territories == CreateTerritoriesAndThemes.defaultTerritories.count)
            #expect(themes == CreateTerritoriesAndThemes.defaultThemes.count)
        }
    }

    @Test func theDemoFillsEveryRole() async throws {
        try await withTestApp { app in
            let accounts = try await DemoData.fill(app)
            let roles = try await MemberRole.query(on: app.db).all().map(\.role)
            #expect(Set(roles) == Set(Role.allCases))
            #expect(accounts.count == DemoData.members.count)
            var browser = Browser(app)
            let admin = try #require(accounts.first)
            #expect(try await browser.signIn(admin.pseudonym, password: admin.password).location == "/")
        }
    }
}
