import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting
@testable import PorteVoix

@Suite("Proposals")
struct ProposalsTests {
    static let hostile = #"<script>alert("x")</script>' onmouseover='alert(1)"#

    func themeID(_ app: Application) async throws -> String {
        try await Theme.query(on: app.db).first()!.requireID().uuidString
    }

    @Test func aMemberSubmitsWithMistakesFixesThemAndPreviews() async throws {
        try await withTestApp { app in
            try await makeMember(app, "Camille")
            var browser = Browser(app)
            try await browser.signIn("Camille")
            let long = String(repeating: "a", count: 121)
            let wrong = try await browser.submit(["titre": long, "texte": "court", "theme": "", "action": "envoyer"],
                                                 on: "/propositions/nouvelle")
            #expect(wrong.status == .unprocessableEntity)
            #expect(wrong.text.contains("3 informations sont à corriger"))
            #expect(wrong.text.contains("121 caractères"))
            #expect(wrong.text.contains("Expliquez votre idée"))
            #expect(wrong.text.contains("Choisissez le thème"))
            #expect(wrong.text.contains("value=\"\(long)\""), "keeps the title")
            #expect(wrong.text.contains(">court</textarea>"), "keeps the text")

            let theme = try await themeID(app)
            let form = ["titre": "Une navette pour les rendez-vous", "texte": "Le bus passe deux fois par jour.\n\nIl faut une navette.",
                        "theme": theme, "territoire": ""]
            var preview = form
            preview["action"] = "apercu"
            let previewed = try await browser.submit(preview, on: "/propositions/nouvelle")
            #expect(previewed.status == .ok)
            #expect(previewed.text.contains("Aperçu : voici ce que les autres liront"))
            #expect(previewed.text.contains("<p>Le bus passe deux fois par jour.</p><p>Il faut une navette.</p>"))
            #expect(try await Proposal.query(on: app.db).count() == 0, "a preview saves nothing")

            var send = form
            send["action"] = "envoyer"
            let sent = try await browser.submit(send, on: "/propositions/nouvelle")
            #expect(sent.status == .seeOther)
            let proposal = try #require(try await Proposal.query(on: app.db).first())
            #expect(proposal.status == .submitted)
            #expect(sent.location == proposal.path)
            #expect(try await browser.get(proposal.path).text.contains("en attente de relecture"))
        }
    }

    @Test func aSubmittedProposalIsInvisibleToOtherMembers() async throws {
        try await withTestApp { app in
            let author = try await makeMember(app, "Camille")
            try await makeMember(app, "Voisin")
            try await makeMember(app, "Sam", roles: [.moderator])
            try await makeMember(app, "Agent", roles: [.staff])
            let proposal = try await makeProposal(app, title: "Idée secrète", author: author, status: .submitted)
            var anonymous = Browser(app)
            #expect(try await anonymous.get(proposal.path).status == .notFound)
            #expect(!(try await anonymous.get("/propositions").text.contains("Idée secrète")))
            for name in ["Voisin", "Agent"] {
                var other = Browser(app)
                try await other.signIn(name)
                #expect(try await other.get(proposal.path).status == .notFound, "\(name)")
            }
            var moderator = Browser(app)
            try await moderator.signIn("Sam")
            #expect(try await moderator.get(proposal.path).status == .ok)
            #expect(try await moderator.get("/moderation").text.contains("Idée secrète"))
            var own = Browser(app)
            try await own.signIn("Camille")
            #expect(try await own.get(proposal.path).status == .ok)
            #expect(try await own.get("/propositions/miennes").text.contains("Idée secrète"))
        }
    }

    @Test func theAuthorEditsWhileSubmittedAndWithdrawsUntilScheduled() async throws {
        try await withTestApp { app in
            let author = try await makeMember(app, "Camille")
            try await makeMember(app, "Voisin")
            let proposal = try await makeProposal(app, author: author, status: .submitted)
            var browser = Browser(app)
            try await browser.signIn("Camille")
            let theme = try await themeID(app)
            let edited = try await browser.submit(
                ["titre": "Titre corrigé", "texte": "Un texte corrigé et plus clair.", "theme": theme, "action": "envoyer"],
                on: proposal.path + "/modifier")
            #expect(edited.location == proposal.path)
            #expect(try await Proposal.find(proposal.id, on: app.db)?.title == "Titre corrigé")

            var other = Browser(app)
            try await other.signIn("Voisin")
            #expect(try await other.get(proposal.path + "/modifier").status == .notFound, "others cannot even see it")

            // Published: no more edits, but it can still be withdrawn.
            let published = try #require(try await Proposal.find(proposal.id, on: app.db))
            published.status = .published
            try await published.save(on: app.db)
            #expect(try await browser.get(proposal.path + "/modifier").status == .forbidden)
            let withdrawn = try await browser.submit(["action": "withdraw"], on: proposal.path, to: proposal.path + "/statut")
            #expect(withdrawn.status == .seeOther)
            #expect(try await Proposal.find(proposal.id, on: app.db)?.status == .withdrawn)

            let scheduled = try await makeProposal(app, author: author, status: .scheduled)
            let refused = try await browser.submit(["action": "withdraw"], on: scheduled.path, to: scheduled.path + "/statut")
            #expect(refused.status == .conflict)
            #expect(refused.text.contains("n&#39;est plus possible") || refused.text.contains("n'est plus possible"))
        }
    }

    @Test func moderatorsPublishOrRefuseWithAReasonTheAuthorReads() async throws {
        try await withTestApp { app in
            let author = try await makeMember(app, "Camille")
            try await makeMember(app, "Sam", roles: [.moderator])
            let first = try await makeProposal(app, title: "Première", author: author, status: .submitted)
            let second = try await makeProposal(app, title: "Seconde", author: author, status: .submitted)
            var moderator = Browser(app)
            try await moderator.signIn("Sam")
            #expect(try await moderator.submit(["action": "publish"], on: first.path, to: first.path + "/statut").status == .seeOther)
            let noReason = try await moderator.submit(["action": "reject", "note": " "], on: second.path, to: second.path + "/statut")
            #expect(noReason.status == .unprocessableEntity)
            #expect(noReason.text.contains("Écrivez quelques mots"))
            try await moderator.submit(["action": "reject", "motif": "personal_data", "note": "Elle contient un nom de famille."],
                                       on: second.path, to: second.path + "/statut")
            #expect(try await Proposal.find(first.id, on: app.db)?.status == .published)
            #expect(try await Proposal.find(second.id, on: app.db)?.status == .rejected)

            var browser = Browser(app)
            try await browser.signIn("Camille")
            let header = try await browser.get("/")
            #expect(header.text.contains("Notifications (2 non lues)"))
            let inbox = try await browser.get("/mon-compte/notifications").text
            #expect(inbox.contains("Votre proposition « Première » est publiée."))
            #expect(inbox.contains("n&#39;a pas été publiée (données personnelles). Elle contient un nom de famille.")
                    || inbox.contains("n'a pas été publiée (données personnelles). Elle contient un nom de famille."))
            try await browser.submit([:], on: "/mon-compte/notifications", to: "/mon-compte/notifications/lues")
            #expect(try await browser.get("/").text.contains(">Notifications<"))

            let audit = try await AuditEntry.query(on: app.db).all().map(\.action)
            #expect(audit.contains("proposal.publish"))
            #expect(audit.contains("proposal.reject"))
        }
    }

    @Test func anonymousProposalsShowNoPseudonymToAnyoneButTheAuthor() async throws {
        try await withTestApp { app in
            let author = try await makeMember(app, "Pseudo Secret")
            try await makeMember(app, "Admin", roles: [.admin, .staff, .moderator, .facilitator])
            let proposal = try await makeProposal(app, title: "Sans nom", author: author, anonymous: true)
            var admin = Browser(app)
            try await admin.signIn("Admin")
            for path in [proposal.path, "/propositions", "/suivi", "/"] {
                let page = try await admin.get(path).text
                #expect(!page.contains("Pseudo Secret"), "\(path)")
            }
            #expect(try await admin.get(proposal.path).text.contains("Proposée par Un membre du conseil"))
            var own = Browser(app)
            try await own.signIn("Pseudo Secret")
            #expect(try await own.get(proposal.path).text.contains("Proposée par vous (publiée sans votre pseudonyme)"))
        }
    }

    @Test func supportsCountOnceAndNobodySeesWhoSupports() async throws {
        try await withTestApp { app in
            let author = try await makeMember(app, "Camille")
            try await makeMember(app, "Supporter Discret")
            try await makeMember(app, "Admin", roles: [.admin, .staff, .moderator, .facilitator])
            let proposal = try await makeProposal(app, author: author)
            var supporter = Browser(app)
            try await supporter.signIn("Supporter Discret")
            for _ in 0..<2 {
                try await supporter.submit(["action": "soutenir"], on: proposal.path, to: proposal.path + "/soutien")
            }
            #expect(try await Proposal.find(proposal.id, on: app.db)?.supportsCount == 1)
            #expect(try await supporter.get(proposal.path).text.contains("Vous soutenez cette proposition."))

            var admin = Browser(app)
            try await admin.signIn("Admin")
            for path in [proposal.path, "/propositions", "/admin/journal", "/moderation", "/suivi"] {
                let page = try await admin.get(path)
                #expect(!page.text.contains("Supporter Discret"), "\(path)")
            }
            #expect(try await admin.get(proposal.path).text.contains("1 soutien"))
            #expect(!(try await admin.get("/mon-compte/donnees").text.contains(proposal.title)))

            try await supporter.submit(["action": "retirer"], on: proposal.path, to: proposal.path + "/soutien")
            #expect(try await Proposal.find(proposal.id, on: app.db)?.supportsCount == 0)
        }
    }

    @Test func commentsAreReviewedBeforePublication() async throws {
        try await withTestApp { app in
            let author = try await makeMember(app, "Camille")
            try await makeMember(app, "Yanis")
            try await makeMember(app, "Sam", roles: [.moderator])
            let proposal = try await makeProposal(app, author: author)
            var yanis = Browser(app)
            try await yanis.signIn("Yanis")
            let tooLong = try await yanis.submit(["commentaire": String(repeating: "é", count: 2001)],
                                                 on: proposal.path, to: proposal.path + "/commentaires")
            #expect(tooLong.status == .unprocessableEntity)
            #expect(tooLong.text.contains("2001 caractères"))
            try await yanis.submit(["commentaire": "Très bonne idée !"], on: proposal.path, to: proposal.path + "/commentaires")
            try await yanis.submit(["commentaire": "Un second avis."], on: proposal.path, to: proposal.path + "/commentaires")
            #expect(try await yanis.get(proposal.path).text.contains("Votre commentaire attend sa relecture."))
            var visitor = Browser(app)
            #expect(!(try await visitor.get(proposal.path).text.contains("Très bonne idée")))

            var moderator = Browser(app)
            try await moderator.signIn("Sam")
            let comments = try await ProposalComment.query(on: app.db).sort(\.$createdAt).all()
            let publish = proposal.path + "/commentaires/\(comments[0].id!)/moderation"
            try await moderator.submit(["decision": "publier"], on: proposal.path, to: publish)
            let reject = proposal.path + "/commentaires/\(comments[1].id!)/moderation"
            let noReason = try await moderator.submit(["decision": "refuser"], on: proposal.path, to: reject)
            #expect(noReason.status == .unprocessableEntity)
            try await moderator.submit(["decision": "refuser", "motif": "off_topic", "message": "Parlons du bus ici."],
                                       on: proposal.path, to: reject)

            #expect(try await visitor.get(proposal.path).text.contains("Très bonne idée"))
            #expect(!(try await visitor.get(proposal.path).text.contains("Un second avis.")))
            let inbox = try await yanis.get("/mon-compte/notifications").text
            #expect(inbox.contains("est publié"))
            #expect(inbox.contains("Raison : hors sujet. Parlons du bus ici."))
        }
    }

    @Test func staffCarryAProposalToItsAnswerAndFollowUp() async throws {
        try await withTestApp { app in
            let author = try await makeMember(app, "Camille")
            try await makeMember(app, "Agent", roles: [.staff])
            try await makeMember(app, "Voisin")
            let proposal = try await makeProposal(app, title: "Crèche le samedi", author: author)
            var staff = Browser(app)
            try await staff.signIn("Agent")
            var participant = Browser(app)
            try await participant.signIn("Voisin")
            #expect(try await participant.submit(["action": "schedule"], on: proposal.path, to: proposal.path + "/statut").status == .forbidden)

            for action in ["schedule", "adopt", "forward"] {
                let response = try await staff.submit(["action": action], on: proposal.path, to: proposal.path + "/statut")
                #expect(response.status == .seeOther, "\(action)")
            }
            let noAnswer = try await staff.submit(["action": "answer", "reponse": ""], on: proposal.path, to: proposal.path + "/statut")
            #expect(noAnswer.status == .unprocessableEntity)
            try await staff.submit(["action": "answer", "reponse": "Nous ouvrons une crèche le samedi.\n\nEn mars."],
                                   on: proposal.path, to: proposal.path + "/statut")
            try await staff.submit(["action": "progress", "note": "Les travaux ont commencé."], on: proposal.path, to: proposal.path + "/statut")
            try await staff.submit(["action": "complete"], on: proposal.path, to: proposal.path + "/statut")

            let page = try await participant.get(proposal.path).text
            #expect(page.contains("La réponse du Département"))
            #expect(page.contains("<p>Nous ouvrons une crèche le samedi.</p><p>En mars.</p>"))
            #expect(page.contains("Les travaux ont commencé."))
            #expect(page.contains("réalisée"))
            let followUp = try await participant.get("/suivi").text
            #expect(followUp.contains("Crèche le samedi"))
            let events = try await ProposalEvent.query(on: app.db).filter(\.$proposal.$id == proposal.id!).count()
            #expect(events == 7)
            var own = Browser(app)
            try await own.signIn("Camille")
            let inbox = try await own.get("/mon-compte/notifications").text
            for message in ["inscrite à une séance", "a adopté", "transmise au Département", "a répondu", "Point d&#39;étape", "est réalisée"] {
                #expect(inbox.contains(message) || inbox.contains(message.replacingOccurrences(of: "&#39;", with: "'")), "\(message)")
            }
        }
    }

    @Test func hostileStringsInEveryFieldAreShownAsText() async throws {
        try await withTestApp { app in
            try await makeMember(app, "Camille")
            try await makeMember(app, "Équipe", roles: [.moderator, .staff])
            var author = Browser(app)
            try await author.signIn("Camille")
            let theme = try await themeID(app)
            try await author.submit(["titre": Self.hostile, "texte": Self.hostile + "\n\n" + Self.hostile, "theme": theme,
                                     "action": "envoyer"], on: "/propositions/nouvelle")
            let proposal = try #require(try await Proposal.query(on: app.db).first())
            var team = Browser(app)
            try await team.signIn("Équipe")
            for (action, fields) in [("publish", [String: String]()), ("schedule", ["note": Self.hostile]),
                                     ("notAdopt", [:]), ("answer", ["reponse": Self.hostile]),
                                     ("decline", ["note": Self.hostile])] {
                var form = fields
                form["action"] = action
                #expect(try await team.submit(form, on: proposal.path, to: proposal.path + "/statut").status == .seeOther, "\(action)")
            }
            try await author.submit(["commentaire": Self.hostile], on: proposal.path, to: proposal.path + "/commentaires")
            let comment = try #require(try await ProposalComment.query(on: app.db).first())
            try await team.submit(["decision": "publier"], on: proposal.path,
                                  to: proposal.path + "/commentaires/\(comment.id!)/moderation")
            let errorPage = try await author.submit(["titre": Self.hostile, "texte": "x", "theme": "", "action": "envoyer"],
                                                    on: "/propositions/nouvelle")
            for page in [try await team.get(proposal.path).text, try await team.get("/propositions").text,
                         try await team.get("/suivi").text, try await author.get("/mon-compte/notifications").text,
                         errorPage.text, try await team.get("/").text] {
                #expect(!page.contains("<script>alert"))
                #expect(!page.contains("' onmouseover='"))
            }
            #expect(try await team.get(proposal.path).text.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"))
        }
    }

    @Test func filtersSearchAndPages() async throws {
        try await withTestApp { app in
            let author = try await makeMember(app, "Camille")
            let themes = try await Theme.query(on: app.db).sort(\.$position).all()
            let territories = try await Territory.query(on: app.db).sort(\.$position).all()
            let start = Date().addingTimeInterval(-100_000)
            for index in 0..<24 {
                try await makeProposal(app, title: "Proposition numéro \(index)", author: author,
                                       theme: themes[index % 2], territory: index % 3 == 0 ? nil : territories[0],
                                       publishedAt: start.addingTimeInterval(Double(index) * 60))
            }
            let special = try await makeProposal(app, title: "Des places en Crèche", body: "Pour les ÉCOLES aussi.",
                                                 author: author, theme: themes[2], publishedAt: start)
            special.supportsCount = 9
            try await special.save(on: app.db)
            try await makeProposal(app, title: "Cachée", author: author, status: .submitted)
            try await makeProposal(app, title: "Une réponse", author: author, status: .answered, theme: themes[2])

            var browser = Browser(app)
            let first = try await browser.get("/propositions").text
            #expect(first.contains("26 propositions."))
            #expect(occurrences(of: "class=\"carte-proposition\"", in: first) == 20)
            #expect(first.contains("Page 1 sur 2"))
            #expect(first.contains("Proposition numéro 23"), "newest first")
            let second = try await browser.get("/propositions?page=2").text
            #expect(occurrences(of: "class=\"carte-proposition\"", in: second) == 6)
            #expect(!second.contains("Cachée"))

            let byTheme = try await browser.get("/propositions?theme=\(themes[0].id!)").text
            #expect(byTheme.contains("12 propositions."))
            let wholeDepartement = try await browser.get("/propositions?territoire=departement").text
            #expect(wholeDepartement.contains("Proposition numéro 3<"))
            #expect(!wholeDepartement.contains("Proposition numéro 1<"))
            let byTerritory = try await browser.get("/propositions?territoire=\(territories[0].id!)").text
            #expect(byTerritory.contains("16 propositions."))
            let byStatus = try await browser.get("/propositions?statut=repondue").text
            #expect(byStatus.contains("1 proposition."))
            #expect(byStatus.contains("Une réponse"))

            for query in ["creche", "CRÈCHE", "écoles", "places creche"] {
                let found = try await browser.get("/propositions?q=\(query.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)").text
                #expect(found.contains("1 proposition."), "\(query)")
                #expect(found.contains("Des places en Crèche"), "\(query)")
            }
            // A mangled page number keeps the filters; one past the end shows the last page.
            let mangled = try await browser.get("/propositions?tri=soutenues&page=abc").text
            #expect(mangled.contains(#"<option value="soutenues" selected="selected">"#))
            #expect(mangled.contains("Page 1 sur 2"))
            let beyond = try await browser.get("/propositions?page=99").text
            #expect(beyond.contains("Page 2 sur 2"))
            #expect(occurrences(of: "class=\"carte-proposition\"", in: beyond) == 6)
            let injection = try await browser.get("/propositions?q=%25%27%20OR%201%3D1").text
            #expect(injection.contains("Aucune proposition ne correspond."))

            let supported = try await browser.get("/propositions?tri=soutenues").text
            let position = supported.range(of: "Des places en Crèche")?.lowerBound
            let other = supported.range(of: "Proposition numéro")?.lowerBound
            #expect(position != nil && other != nil && position! < other!)
            // Filters are kept in the page links.
            let filtered = try await browser.get("/propositions?theme=\(themes[0].id!)&tri=soutenues&q=proposition").text
            #expect(!filtered.contains("Page 1 sur"), "12 results: one page")
            #expect(supported.contains("tri=soutenues&amp;page=2"), "page links keep the sort")
        }
    }

    @Test func facilitatorsEnterPaperProposals() async throws {
        try await withTestApp { app in
            try await makeMember(app, "Nadia", roles: [.facilitator])
            let marie = try await makeMember(app, "Marie")
            var facilitator = Browser(app)
            try await facilitator.signIn("Nadia")
            let theme = try await themeID(app)
            let unknown = try await facilitator.submit(
                ["pseudonyme": "Personne", "titre": "Sur papier", "texte": "Écrite à la main en séance.", "theme": theme],
                on: "/propositions/papier")
            #expect(unknown.status == .unprocessableEntity)
            #expect(unknown.text.contains(#"value="Personne""#))
            try await facilitator.submit(["pseudonyme": "marie", "titre": "Pour Marie", "texte": "Écrite à la main en séance.",
                                          "theme": theme], on: "/propositions/papier")
            try await facilitator.submit(["pseudonyme": "", "titre": "Sans compte", "texte": "Écrite à la main en séance.",
                                          "theme": theme], on: "/propositions/papier")
            let forMarie = try #require(try await Proposal.query(on: app.db).filter(\.$title == "Pour Marie").first())
            #expect(forMarie.$author.id == nil, "hers only once she confirms (PaperAttributionTests)")
            #expect(forMarie.$claimedAuthor.id == marie.id)
            #expect(forMarie.fromPaper)
            #expect(forMarie.status == .submitted)
            let noAccount = try #require(try await Proposal.query(on: app.db).filter(\.$title == "Sans compte").first())
            #expect(noAccount.$author.id == nil)
            #expect(noAccount.publicAuthorName == "Proposition reçue sur papier")
            #expect(try await facilitator.get(noAccount.path).text.contains("Écrite sur papier"))
        }
    }

    @Test func theListingRunsTheSameQueriesForFiveOrTwentyItems() async throws {
        let capture = LogCapture()
        try await withTestApp(beforeConfigure: { app in app.logger = capture.logger(level: .debug) }) { app in
            let author = try await makeMember(app, "Camille")
            for index in 0..<5 { try await makeProposal(app, title: "P\(index)", author: author) }
            var browser = Browser(app)
            func queries(_ path: String) async throws -> Int {
                let before = capture.all.count
                _ = try await browser.get(path)
                return capture.all[before...].filter { $0.contains("Running query") }.count
            }
            let few = try await queries("/propositions")
            for index in 5..<25 { try await makeProposal(app, title: "P\(index)", author: author) }
            let many = try await queries("/propositions")
            #expect(few == many, "\(few) queries for 5 items, \(many) for 20")
            #expect(many <= 6)
            let suivi = try await queries("/suivi")
            #expect(suivi <= 6)
        }
    }

    @Test(.enabled(if: !TestDatabase.isPostgres, "SQLite's EXPLAIN QUERY PLAN"))
    func theListingUsesIndexesWithTenThousandProposals() async throws {
        try await withTestApp { app in
            let sql = try #require(app.db as? any SQLDatabase)
            let author = try await makeMember(app, "Camille")
            let theme = try await Theme.query(on: app.db).first()!.requireID()
            try await app.db.transaction { database in
                let sql = database as! any SQLDatabase
                for index in 0..<10_000 {
                    try await sql.raw("""
                        INSERT INTO proposals (id, title, body, theme_id, author_id, anonymous, from_paper, status,
                          status_changed_at, published_at, created_at, supports_count, search_text)
                        VALUES (\(bind: UUID()), \(bind: "Proposition \(index)"), 'Texte', \(bind: theme), \(bind: author.id!),
                          0, 0, 'published', 0, \(bind: Double(index)), 0, \(bind: index % 50), 'proposition texte')
                        """).run()
                }
            }
            try await sql.raw("ANALYZE").run()
            for (name, orderBy) in [("recent", "published_at DESC"), ("supported", "supports_count DESC, published_at DESC")] {
                let plan = try await sql.raw("""
                    EXPLAIN QUERY PLAN SELECT * FROM proposals
                    WHERE status IN ('published', 'scheduled', 'adopted', 'not_adopted', 'forwarded', 'answered', 'in_progress', 'done', 'declined')
                    ORDER BY \(unsafeRaw: orderBy) LIMIT 20 OFFSET 0
                    """).all().map { try $0.decode(column: "detail", as: String.self) }
                print("Query plan (\(name)): \(plan.joined(separator: " | "))")
                #expect(plan.contains { $0.contains("USING INDEX") || $0.contains("USING COVERING INDEX") }, "\(name): \(plan)")
                #expect(!plan.contains { $0.hasPrefix("SCAN proposals") && !$0.contains("INDEX") }, "\(name): \(plan)")
            }
            let themed = try await sql.raw("""
                EXPLAIN QUERY PLAN SELECT * FROM proposals WHERE status IN ('published') AND theme_id = \(bind: theme)
                ORDER BY published_at DESC LIMIT 20
                """).all().map { try $0.decode(column: "detail", as: String.self) }
            #expect(themed.contains { $0.contains("INDEX") }, "\(themed)")
        }
    }

    @Test func theDemoHasProposalsInEveryStatus() async throws {
        try await withTestApp { app in
            _ = try await DemoData.fill(app)
            let statuses = Set(try await Proposal.query(on: app.db).all().map(\.status))
            #expect(statuses == Set(ProposalStatus.allCases))
            #expect(try await Proposal.query(on: app.db).count() >= 40)
            #expect(try await ProposalComment.query(on: app.db).count() > 10)
            #expect(try await ProposalSupport.query(on: app.db).count() > 20)
            let answered = try await Proposal.query(on: app.db).filter(\.$answer != nil).count()
            #expect(answered >= 10)
        }
    }
}
