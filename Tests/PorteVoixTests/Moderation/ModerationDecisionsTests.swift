import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting
@testable import PorteVoix

/// Every text column of every table, as someone who can read the database sees it.
func everyStoredText(_ app: Application) async throws -> String {
    let sql = app.db.sql
    let tables = sql.dialect.name == "sqlite"
        ? try await sql.raw("SELECT name FROM sqlite_master WHERE type = 'table'").all().map { try $0.decode(column: "name", as: String.self) }
        : try await sql.raw("SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'").all()
            .map { try $0.decode(column: "name", as: String.self) }
    var text = ""
    for table in tables {
        for row in try await sql.raw("SELECT * FROM \(ident: table)").all() {
            for column in row.allColumns {
                if let value = (try? row.decode(column: column, as: String?.self)) ?? nil { text += value + "\n" }
            }
        }
    }
    return text
}

/// The bytes of the database as a copy taken now would hold them: the SQLite
/// file with its journal, or every PostgreSQL relation file (tables, indexes,
/// TOAST), flushed first.
func databaseFileBytes(_ app: Application) async throws -> [String: Data] {
    if case .sqlite(let path) = app.settings.database {
        var files: [String: Data] = [:]
        for suffix in ["", "-wal", "-shm"] {
            if let data = FileManager.default.contents(atPath: path + suffix) { files["portevoix.sqlite" + suffix] = data }
        }
        return files
    }
    let sql = app.db.sql
    try await sql.raw("CHECKPOINT").run()
    let relations = try await sql.raw("""
        SELECT c.oid::regclass::text AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname IN ('public', 'pg_toast') AND c.relkind IN ('r', 'i', 't') AND pg_relation_filepath(c.oid) IS NOT NULL
        """).all().map { try $0.decode(column: "name", as: String.self) }
    var files: [String: Data] = [:]
    for relation in relations {
        let row = try await sql.raw("SELECT pg_read_binary_file(pg_relation_filepath(\(bind: relation)::regclass)) AS bytes").first()
        files[relation] = try row?.decode(column: "bytes", as: Data.self) ?? Data()
    }
    return files
}

@Suite("Moderation decisions: refusal reasons, changes, redaction, post-moderation")
struct ModerationDecisionsTests {
    @Test func aDuplicateIsRefusedWithALinkToTheOriginal() async throws {
        try await withTestApp { app in
            let author = try await makeMember(app, "Camille")
            _ = try await makeMember(app, "Sam modère", roles: [.moderator])
            let original = try await makeProposal(app, title: "Des bus le dimanche", author: nil)
            let copy = try await makeProposal(app, title: "Plus de bus le dimanche", author: author, status: .submitted)
            var moderator = Browser(app)
            try await moderator.signIn("Sam modère")
            // No reason, and a duplicate without its original: the page again, what was typed kept.
            let missing = try await moderator.submit(["action": "reject", "note": "Elle existe déjà."],
                                                      on: copy.path, to: copy.path + "/statut")
            #expect(missing.status == .unprocessableEntity)
            #expect(missing.text.contains("Choisissez la raison dans la liste") && missing.text.contains("Elle existe déjà."))
            let noOriginal = try await moderator.submit(["action": "reject", "motif": "duplicate", "note": "Elle existe déjà.",
                                                         "original": "/propositions/pas-un-numero"],
                                                        on: copy.path, to: copy.path + "/statut")
            #expect(noOriginal.status == .unprocessableEntity)
            #expect(noOriginal.text.contains("Collez l&#39;adresse de la proposition d&#39;origine")
                    || noOriginal.text.contains("Collez l'adresse de la proposition d'origine"))
            let refused = try await moderator.submit(["action": "reject", "motif": "duplicate", "note": "Elle existe déjà.",
                                                      "original": "http://conseil.example.fr" + original.path],
                                                     on: copy.path, to: copy.path + "/statut")
            #expect(refused.status == .seeOther)
            let stored = try #require(try await Proposal.find(copy.id, on: app.db))
            #expect(stored.status == .rejected && stored.moderationReason == .duplicate && stored.duplicateOfID == original.id)

            var writer = Browser(app)
            try await writer.signIn("Camille")
            let page = try await writer.get(copy.path).text
            #expect(page.contains("doublon d&#39;une autre proposition") || page.contains("doublon d'une autre proposition"))
            #expect(page.contains("href=\"\(original.path)\""))
            let notices = try await MemberNotification.query(on: app.db).filter(\.$member.$id == author.requireID()).all()
            #expect(notices.contains { $0.message.contains("doublon") && $0.message.contains("Elle existe déjà.") })
            #expect(try await AuditEntry.query(on: app.db).filter(\.$action == "proposal.reject").first()?.detailValues["reason"] == "duplicate")
        }
    }

    /// The journey, and the promise behind it: a phone number sent
    /// anyway, quoted in a moderator's request and in notifications, is
    /// redacted; afterwards it is in no table and in no byte of the files.
    @Test func aRedactedNumberIsNowhereAnyMore() async throws {
        try await withTestApp { app in
            let number = "06 12 34 56 78"
            let author = try await makeMember(app, "Camille")
            _ = try await makeMember(app, "Sam modère", roles: [.moderator])
            var writer = Browser(app)
            try await writer.signIn("Camille")
            let theme = try #require(try await Theme.query(on: app.db).first())
            let fields = ["titre": "Bus : appelez Paul au \(number)", "texte": "Mon voisin Paul au \(number) connaît les horaires.",
                          "theme": theme.id!.uuidString, "territoire": ""]
            let warned = try await writer.submit(fields, on: "/propositions/nouvelle")
            #expect(warned.status == .ok && warned.text.contains("numéro de téléphone"), "the author is warned first")
            var anyway = fields
            anyway["action"] = Screening.sendAnyway
            #expect(try await writer.submit(anyway, on: "/propositions/nouvelle").status == .seeOther)
            let proposal = try #require(try await Proposal.query(on: app.db).filter(\.$author.$id == author.requireID()).first())
            #expect(proposal.status == .submitted && proposal.personalData != nil)

            // The moderator sends it back, quoting the number; the author changes the text only.
            var moderator = Browser(app)
            try await moderator.signIn("Sam modère")
            #expect(try await moderator.get("/moderation").text.contains("numéro de téléphone"))
            let back = try await moderator.submit(["action": "requestChanges", "motif": "personal_data",
                                                   "note": "Merci de retirer le 06.12.34.56.78 (votre numéro)."],
                                                  on: proposal.path, to: proposal.path + "/statut")
            #expect(back.status == .seeOther)
            #expect(try await Proposal.find(proposal.id, on: app.db)?.status == .changesRequested)
            #expect(try await writer.get("/mon-compte/notifications").text.contains("vous demande de modifier"))
            var edit = anyway
            edit["texte"] = "Mon voisin connaît les horaires du bus."
            #expect(try await writer.submit(edit, on: proposal.path + "/modifier").status == .seeOther)
            #expect(try await Proposal.find(proposal.id, on: app.db)?.status == .submitted, "back in the queue")
            #expect(try await everyStoredText(app).contains("06.12.34.56.78"), "the moderator's note quotes it another way")
            #expect(try await everyStoredText(app).contains(number), "the title and the copies still hold it")

            // Redacted, then published.
            let form = try await moderator.get("/moderation/propositions/\(proposal.id!)/modifier")
            #expect(form.status == .ok && form.text.contains("<mark"))
            let redacted = try await moderator.submit(["titre": "Bus : des horaires plus clairs",
                                                       "texte": "Mon voisin connaît les horaires du bus.", "motif": "personal_data",
                                                       "message": "Nous avons retiré un numéro de téléphone."],
                                                      on: "/moderation/propositions/\(proposal.id!)/modifier")
            #expect(redacted.status == .seeOther)
            #expect(try await moderator.submit(["action": "publish"], on: proposal.path, to: proposal.path + "/statut").status == .seeOther)

            var visitor = Browser(app)
            let page = try await visitor.get(proposal.path).text
            #expect(page.contains("Bus : des horaires plus clairs") && page.contains("Texte modifié par l&#39;équipe de modération")
                    || page.contains("Texte modifié par l'équipe de modération"))
            #expect(!page.contains(number))
            try await FreeSpace.scrub(app, tables: Redaction.tables, what: "test")
            let stored = try await everyStoredText(app)
            for variant in [number, "0612345678", "06.12.34.56.78"] {
                #expect(!stored.contains(variant), "\(variant) is still in a table")
            }
            #expect(stored.contains(Redaction.removedMarker), "the copies say something was removed")
            for (name, bytes) in try await databaseFileBytes(app) {
                #expect(!bytes.contains(number), "the number is still in the bytes of \(name)")
                #expect(!bytes.contains("appelez Paul"), "the old title is still in the bytes of \(name)")
            }
            let notices = try await writer.get("/mon-compte/notifications").text
            #expect(notices.contains("a modifié votre proposition « Bus : des horaires plus clairs »"))
        }
    }

    @Test func postModerationPublishesAtOnceButNeverATextWithPersonalData() async throws {
        try await withTestApp { app in
            // Pre-moderation everywhere by default; an administrator chooses per kind of content.
            #expect(try await SiteSettingsStore.number(ModerationMode.proposals, on: app.db) == 0)
            #expect(try await SiteSettingsStore.number(ModerationMode.comments, on: app.db) == 0)
            _ = try await makeMember(app, "Adèle admin", roles: [.admin])
            var admin = Browser(app)
            try await admin.signIn("Adèle admin")
            #expect(try await admin.get("/admin/reglages").text.contains("Publier tout de suite, puis relire"))
            let refused = try await admin.submit(["moderation-propositions": "2"], on: "/admin/reglages")
            #expect(refused.status == .unprocessableEntity)
            let saved = try await admin.submit(["moderation-propositions": "1", "moderation-commentaires": "1"], on: "/admin/reglages")
            #expect(saved.status == .seeOther)
            #expect(try await auditSentences(app, action: "settings.change").last?.contains("Commentaires publiés avant relecture") == true)
            _ = try await makeMember(app, "Camille")
            _ = try await makeMember(app, "Sam modère", roles: [.moderator])
            var writer = Browser(app)
            try await writer.signIn("Camille")
            let theme = try #require(try await Theme.query(on: app.db).first())
            let plain = ["titre": "Des bancs à l'arrêt de bus", "texte": "On attend debout trop longtemps.",
                         "theme": theme.id!.uuidString, "territoire": ""]
            #expect(try await writer.submit(plain, on: "/propositions/nouvelle").status == .seeOther)
            var flagged = ["titre": "Un numéro utile", "texte": "Appelez-moi au 06 12 34 56 78 pour en parler.",
                           "theme": theme.id!.uuidString, "territoire": "", "action": Screening.sendAnyway]
            #expect(try await writer.submit(flagged, on: "/propositions/nouvelle").status == .seeOther)
            let published = try #require(try await Proposal.query(on: app.db).filter(\.$title == "Des bancs à l'arrêt de bus").first())
            #expect(published.status == .published && published.reviewPending == true)
            flagged["action"] = nil
            let waiting = try #require(try await Proposal.query(on: app.db).filter(\.$title == "Un numéro utile").first())
            #expect(waiting.status == .submitted, "a text with personal data waits for a moderator")

            var visitor = Browser(app)
            #expect(try await visitor.get(published.path).status == .ok)
            let comment = try await writer.submit(["commentaire": "Et un abri contre la pluie."], on: published.path,
                                                  to: published.path + "/commentaires")
            #expect(comment.status == .seeOther)
            #expect(try await visitor.get(published.path).text.contains("Et un abri contre la pluie."))

            var moderator = Browser(app)
            try await moderator.signIn("Sam modère")
            let queue = try await moderator.get("/moderation").text
            #expect(queue.contains("Publiés, à relire (2)"))
            #expect(queue.contains("À relire (3 en attente)"))
            let reviewed = try await moderator.submit([:], on: "/moderation", to: "/moderation/propositions/\(published.id!)/relue")
            #expect(reviewed.status == .seeOther)
            #expect(try await Proposal.find(published.id, on: app.db)?.reviewPending == nil)
            #expect(try await moderator.get("/moderation").text.contains("Publiés, à relire (1)"))
            #expect(try await AuditEntry.query(on: app.db).filter(\.$action == "proposal.reviewed").count() == 1)
        }
    }

    /// Post-moderation never publishes what a moderator sent back, however often the author saves.
    @Test func aTextSentBackReturnsToTheQueueEvenUnderPostModeration() async throws {
        try await withTestApp { app in
            try await SiteSettingsStore.setNumber(ModerationMode.proposals, 1, on: app.db)
            let author = try await makeMember(app, "Camille")
            _ = try await makeMember(app, "Sam modère", roles: [.moderator])
            let proposal = try await makeProposal(app, title: "Des insultes dans le titre", author: author, status: .submitted)
            var moderator = Browser(app)
            try await moderator.signIn("Sam modère")
            #expect(try await moderator.submit(["action": "requestChanges", "motif": "abuse", "note": "Sans les insultes, merci."],
                                               on: proposal.path, to: proposal.path + "/statut").status == .seeOther)
            var writer = Browser(app)
            try await writer.signIn("Camille")
            let theme = try #require(try await Theme.query(on: app.db).first())
            for text in ["Le texte encore un peu vif.", "Le texte encore modifié une fois."] {
                let saved = try await writer.submit(["titre": "Un titre plus calme", "texte": text, "theme": theme.id!.uuidString,
                                                     "territoire": ""], on: proposal.path + "/modifier")
                #expect(saved.status == .seeOther)
                let stored = try #require(try await Proposal.find(proposal.id, on: app.db))
                #expect(stored.status == .submitted && stored.reviewPending == nil, "it waits for the moderator")
            }
        }
    }

    /// Two moderators deciding on the same comment at once: one decision is
    /// kept, journaled and told to the author once; the other is told it
    /// was already decided.
    @Test func twoModeratorsDecidingAtOnceMakeOneDecision() async throws {
        try await withTestApp { app in
            let author = try await makeMember(app, "Camille")
            _ = try await makeMember(app, "Sam modère", roles: [.moderator])
            _ = try await makeMember(app, "Fatou modère", roles: [.moderator])
            let proposal = try await makeProposal(app, author: nil)
            let comment = ProposalComment(proposalID: try proposal.requireID(), authorID: try author.requireID(),
                                          body: "Le bus est souvent en retard.", at: app.clock.now())
            try await comment.create(on: app.db)
            let decision = proposal.path + "/commentaires/\(comment.id!)/moderation"
            var first = Browser(app), second = Browser(app)
            try await first.signIn("Sam modère")
            try await second.signIn("Fatou modère")
            // Both pages are open before either decides.
            _ = try await first.get(proposal.path)
            _ = try await second.get(proposal.path)
            let (a, b, page) = (first, second, proposal.path)
            async let publish = { var browser = a; return try await browser.submit(["decision": "publier"], on: page, to: decision) }()
            async let refuse = { var browser = b; return try await browser.submit(["decision": "refuser", "motif": "abuse"], on: page, to: decision) }()
            let statuses = [try await publish.status, try await refuse.status].map(\.code).sorted()
            #expect(statuses == [303, 409])
            #expect(try await AuditEntry.query(on: app.db).count() == 1)
            #expect(try await MemberNotification.query(on: app.db).filter(\.$member.$id == author.requireID()).count() == 1)
            // However the two requests interleave, the rule claims from « waiting »:
            // a copy read before the decision decides nothing.
            #expect(comment.status == .submitted)
            let decided = try #require(try await ProposalComment.find(comment.id, on: app.db))
            #expect(try await !CommentWorkflow.decide(comment, .refuse(.abuse, message: nil), now: app.clock.now(), on: app.db))
            #expect(try await ProposalComment.find(comment.id, on: app.db)?.status == decided.status)
        }
    }

    /// Regression: the journal showed « Action « comment.requestChanges » »
    /// for a comment sent back, its sentence matched by another string.
    @Test func theJournalSaysInFrenchThatACommentWasSentBack() async throws {
        try await withTestApp { app in
            let author = try await makeMember(app, "Camille")
            _ = try await makeMember(app, "Sam modère", roles: [.moderator])
            _ = try await makeMember(app, "Alex administre", roles: [.admin])
            let proposal = try await makeProposal(app, title: "Un bus le dimanche", author: nil)
            let comment = ProposalComment(proposalID: try proposal.requireID(), authorID: try author.requireID(),
                                          body: "Quel idiot, ce chauffeur.", at: app.clock.now())
            try await comment.create(on: app.db)
            var moderator = Browser(app)
            try await moderator.signIn("Sam modère")
            let sentBack = try await moderator.submit(["decision": "modifier", "motif": "abuse", "message": "Sans l'insulte, merci."],
                                                      on: proposal.path, to: proposal.path + "/commentaires/\(comment.id!)/moderation")
            #expect(sentBack.status == .seeOther)
            #expect(try await AuditEntry.query(on: app.db).all().map(\.action) == ["comment.requestChanges"], "the stored code stays")
            var admin = Browser(app)
            try await admin.signIn("Alex administre")
            let journal = try await admin.get("/admin/journal").text
            #expect(journal.contains("Commentaire sur « Un bus le dimanche » renvoyé à son auteur pour modification"))
            #expect(!journal.contains("Action « "))
            let moderators = try await moderator.get("/moderation/journal").text
            #expect(moderators.contains("renvoyé à son auteur pour modification"))
        }
    }

    @Test func aCommentSentBackIsChangedByItsAuthorAndReturnsToTheQueue() async throws {
        try await withTestApp { app in
            let author = try await makeMember(app, "Camille")
            _ = try await makeMember(app, "Lou")
            _ = try await makeMember(app, "Sam modère", roles: [.moderator])
            let proposal = try await makeProposal(app, author: nil)
            let comment = ProposalComment(proposalID: try proposal.requireID(), authorID: try author.requireID(), body: "Quel idiot, ce chauffeur.", at: app.clock.now())
            try await comment.create(on: app.db)
            let decision = proposal.path + "/commentaires/\(comment.id!)/moderation"
            var moderator = Browser(app)
            try await moderator.signIn("Sam modère")
            let noMessage = try await moderator.submit(["decision": "modifier", "motif": "abuse"], on: proposal.path, to: decision)
            #expect(noMessage.status == .unprocessableEntity && noMessage.text.contains("Écrivez ce qu&#39;il faut changer"))
            let sentBack = try await moderator.submit(["decision": "modifier", "motif": "abuse", "message": "Sans l'insulte, merci."],
                                                      on: proposal.path, to: decision)
            #expect(sentBack.status == .seeOther)
            #expect(try await ProposalComment.find(comment.id, on: app.db)?.status == .changesRequested)

            let editPath = proposal.path + "/commentaires/\(comment.id!)/modifier"
            var other = Browser(app)
            try await other.signIn("Lou")
            #expect(try await other.get(editPath).status == .notFound, "only its author changes it")
            var writer = Browser(app)
            try await writer.signIn("Camille")
            let page = try await writer.get(proposal.path).text
            #expect(page.contains("vous demande de modifier votre commentaire") && page.contains(editPath))
            let form = try await writer.get(editPath)
            #expect(form.status == .ok && form.text.contains("Sans l&#39;insulte, merci."))
            // Screened again: a phone number is caught before it goes back.
            let warned = try await writer.submit(["commentaire": "Le chauffeur était pressé. Mon 06 12 34 56 78."], on: editPath)
            #expect(warned.status == .ok && warned.text.contains("numéro de téléphone"))
            #expect(try await ProposalComment.find(comment.id, on: app.db)?.status == .changesRequested, "nothing saved yet")
            let changed = try await writer.submit(["commentaire": "Le chauffeur était pressé, ce jour-là."], on: editPath)
            #expect(changed.status == .seeOther)
            let stored = try #require(try await ProposalComment.find(comment.id, on: app.db))
            #expect(stored.status == .submitted && stored.body == "Le chauffeur était pressé, ce jour-là.")
            #expect(try await moderator.get("/moderation").text.contains("Le chauffeur était pressé"))
            #expect(try await writer.get(editPath).status == .conflict, "back in the queue, it is no longer the author's to change")
            #expect(try await AuditEntry.query(on: app.db).filter(\.$action == "comment.requestChanges").count() == 1)
        }
    }

    @Test func theTransparencyPageCountsDecisionsAndNamesNothing() async throws {
        try await withTestApp { app in
            let author = try await makeMember(app, "Camille")
            _ = try await makeMember(app, "Sam modère", roles: [.moderator])
            let refused = try await makeProposal(app, title: "Une publicité pour mon garage", author: author, status: .submitted)
            _ = try await makeProposal(app, title: "Publiée", author: author)
            var moderator = Browser(app)
            try await moderator.signIn("Sam modère")
            #expect(try await moderator.submit(["action": "reject", "motif": "advertising", "note": "C'est de la publicité."],
                                               on: refused.path, to: refused.path + "/statut").status == .seeOther)
            var visitor = Browser(app)
            let page = try await visitor.get("/moderation/transparence")
            #expect(page.status == .ok)
            let counts = try await TransparencyCounts.load(on: app.db)
            #expect(counts.months.count == 1)
            #expect(counts.months[0].published == 1 && counts.months[0].refused[.advertising] == 1)
            #expect(!page.text.contains("garage") && !page.text.contains("Camille") && !page.text.contains("Sam"))
            #expect(page.text.contains(try await AuditLog.head(on: app.db).hash))

            // The moderators' journal names who decided, looked up now; members get no access.
            let journal = try await moderator.get("/moderation/journal").text
            #expect(journal.contains("Une publicité pour mon garage") && journal.contains("publicité"))
            var member = Browser(app)
            try await member.signIn("Camille")
            #expect(try await member.get("/moderation/journal").status == .forbidden)
        }
    }
}

/// A redaction destroys what was read aloud of the old text, everywhere: the
/// recording's row, and its bytes in the database files.
@Suite("Redaction and recordings")
struct RedactionRecordingTests {
    @Test func aRedactedTextsRecordingIsDestroyedToTheLastByte() async throws {
        try await withTestApp { app in
            let author = try await makeMember(app, "Camille")
            _ = try await makeMember(app, "Sam modère", roles: [.moderator])
            let proposal = try await makeProposal(app, title: "Bus : appelez Paul", body: "Mon voisin Paul au 06 12 34 56 78 connaît les horaires.",
                                                  author: author)
            var visitor = Browser(app)
            let before = try await visitor.get("/ecouter/propositions/\(proposal.id!)")
            #expect(before.status == .ok)
            let oldAudio = Data(buffer: before.body)
            let oldKey = try #require(try await SpeechRecording.query(on: app.db).first()?.id)

            var moderator = Browser(app)
            try await moderator.signIn("Sam modère")
            let redacted = try await moderator.submit(["titre": "Bus : des horaires plus clairs", "texte": "Mon voisin connaît les horaires.",
                                                       "motif": "personal_data", "message": ""],
                                                      on: "/moderation/propositions/\(proposal.id!)/modifier")
            #expect(redacted.status == .seeOther)
            #expect(try await SpeechRecording.find(oldKey, on: app.db) == nil, "the old recording is destroyed with the text")
            try await FreeSpace.scrub(app, tables: Redaction.tables, what: "test")
            // A stretch from the middle of the old recording is in no file.
            let slice = oldAudio.subdata(in: (oldAudio.count / 2)..<(oldAudio.count / 2 + 64))
            for (name, bytes) in try await databaseFileBytes(app) {
                #expect(bytes.range(of: slice) == nil, "the old recording is still in the bytes of \(name)")
            }
            let after = try await visitor.get("/ecouter/propositions/\(proposal.id!)")
            #expect(after.status == .ok && Data(buffer: after.body) != oldAudio, "the new text gets a new recording")
        }
    }
}
