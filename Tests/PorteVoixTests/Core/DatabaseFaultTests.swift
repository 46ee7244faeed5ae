import Fluent
import Foundation
import SQLiteNIO
import SQLKit
import Testing
import Vapor
import VaporTesting
@testable import PorteVoix

/// Runs `statement` on every connection of the SQLite pool (pragmas are per connection).
func onEverySQLiteConnection(_ app: Application, _ statement: String) async throws {
    for eventLoop in app.eventLoopGroup.makeIterator() {
        let database = try #require(app.databases.database(.sqlite, logger: app.logger, on: eventLoop) as? any SQLDatabase)
        try await database.raw(SQLQueryString(stringLiteral: statement)).run()
    }
}

/// The database file fills up: no page can be added. A `VACUUM` first
/// leaves no free page inside the file to reuse.
func fillTheDisk(_ app: Application) async throws {
    let sql = app.db.sql
    try await sql.raw("VACUUM").run()
    let pages = try #require(try await sql.raw("PRAGMA page_count").first()?.decode(column: "page_count", as: Int.self))
    try await onEverySQLiteConnection(app, "PRAGMA max_page_count = \(pages)")
}

func freeTheDisk(_ app: Application) async throws {
    try await onEverySQLiteConnection(app, "PRAGMA max_page_count = 1073741823")
}

/// Another process holding SQLite's write lock (an operator's `sqlite3`
/// shell in a transaction, a long maintenance): a connection of its own.
final class HeldWriteLock {
    let connection: SQLiteConnection

    init(_ app: Application) async throws {
        guard case .sqlite(let path) = app.settings.database else { throw Abort(.internalServerError) }
        connection = try await SQLiteConnection.open(storage: .file(path: path), threadPool: app.threadPool,
                                                     on: app.eventLoopGroup.any()).get()
        _ = try await connection.query("BEGIN IMMEDIATE").get()
    }

    func release() async throws {
        _ = try await connection.query("ROLLBACK").get()
        try await connection.close().get()
    }

    /// Runs `body` while the lock is held, and releases it whatever happens.
    static func during<T>(_ app: Application, _ body: () async throws -> T) async throws -> T {
        let lock = try await HeldWriteLock(app)
        do {
            let result = try await body()
            try await lock.release()
            return result
        } catch {
            try? await lock.release()
            throw error
        }
    }
}

/// What a member, a facilitator and an operator see when the database
/// cannot write: the full disk, the lock held by another process.
@Suite("When the database cannot write", .enabled(if: !TestDatabase.isPostgres, "SQLite's own faults"))
struct DatabaseFaultTests {
    /// The text a member typed: long enough to need new pages in the file.
    static let body = String(repeating: "Un abri couvert à chaque arrêt de bus du canton, avec un banc et un plan lisible. ", count: 30)

    func health(_ app: Application) async throws -> (HTTPStatus, String) {
        var browser = Browser(app)
        let response = try await browser.get("/healthz")
        return (response.status, response.text)
    }

    @Test func aFullDiskKeepsTheProposalOnThePageTellsTheOperatorAndRecovers() async throws {
        let capture = LogCapture()
        try await withTestApp(beforeConfigure: { app in app.logger = capture.logger(level: .info) }) { app in
            try await makeMember(app, "Clémence")
            var member = Browser(app)
            try await member.signIn("Clémence")
            let theme = try #require(try await Theme.query(on: app.db).first()).id!.uuidString
            let fields = ["titre": "Des abris aux arrêts de bus", "texte": Self.body, "theme": theme]
            let proposalsBefore = try await Proposal.query(on: app.db).count()
            let journalBefore = try await AuditEntry.query(on: app.db).count()

            try await fillTheDisk(app)
            let refused = try await member.submit(fields, on: "/propositions/nouvelle")
            #expect(refused.status == .serviceUnavailable)
            #expect(refused.headers.first(name: "Retry-After") != nil)
            #expect(refused.text.contains("Le site ne peut pas enregistrer pour le moment."))
            #expect(refused.text.contains("Votre texte est ci-dessous : il n&#39;est pas perdu."))
            #expect(refused.text.contains(#"value="Des abris aux arrêts de bus""#), "the title is back in its field")
            #expect(refused.text.contains(Self.body.trimmingCharacters(in: .whitespaces)), "the text is back in its field")
            #expect(refused.csrfToken != nil, "the form can be sent again as it is")
            #expect(refused.headers.first(name: .cacheControl) == "no-store", "the typed text stays out of every cache")
            // Nothing half-written: no proposal, no journal entry, a sound file.
            #expect(try await Proposal.query(on: app.db).count() == proposalsBefore)
            #expect(try await AuditEntry.query(on: app.db).count() == journalBefore)
            let integrity = try await app.db.sql.raw("PRAGMA integrity_check").first()?.decode(column: "integrity_check", as: String.self)
            #expect(integrity == "ok")
            // The operator: a line naming the cause and the request, without the text.
            let lines = capture.all.filter { $0.contains("disque plein") }
            #expect(lines.contains { $0.contains("/propositions/nouvelle") && $0.contains("request-id") && $0.contains("SQLite full") },
                    "\(lines)")
            #expect(!capture.all.contains { $0.contains("abri couvert") }, "the typed text never reaches the log")
            let (status, text) = try await health(app)
            #expect(status == .ok && text.hasPrefix("dégradé\n") && text.contains("disque plein"), "\(text)")

            try await freeTheDisk(app)
            let sent = try await member.submit(fields, on: "/propositions/nouvelle")
            #expect(sent.status == .seeOther, "the next try works without a restart")
            #expect(try await Proposal.query(on: app.db).count() == proposalsBefore + 1)
            let (after, afterText) = try await health(app)
            #expect(after == .ok && afterText == "ok\n", "\(afterText)")
        }
    }

    @Test func aHeldWriteLockKeepsAComment() async throws {
        try await withTestApp { app in
            try await onEverySQLiteConnection(app, "PRAGMA busy_timeout = 100")
            let author = try await makeMember(app, "Autrice")
            let proposal = try await makeProposal(app, author: author, status: .published)
            try await makeMember(app, "Lecteur")
            var reader = Browser(app)
            try await reader.signIn("Lecteur")
            let path = "/propositions/\(proposal.id!.uuidString)"
            let comment = "Il faudrait aussi un abri à la gare routière, où l'on attend longtemps."
            let lock = try await HeldWriteLock(app)
            let refused = try await reader.submit(["commentaire": comment], on: path, to: path + "/commentaires")
            try await lock.release()
            #expect(refused.status == .serviceUnavailable)
            #expect(refused.text.contains("Le site ne peut pas enregistrer pour le moment."))
            #expect(refused.text.contains(#"id="enregistrement-impossible""#), "the proposal's page, its comment form filled")
            #expect(refused.text.contains(comment.replacingOccurrences(of: "'", with: "&#39;")), "the comment is back in its field")
            #expect(try await ProposalComment.query(on: app.db).count() == 0)
            #expect(try await reader.submit(["commentaire": comment], on: path, to: path + "/commentaires").status == .seeOther)
        }
    }

    @Test func aHeldWriteLockKeepsThePseudonymNeverThePasswordAndTellsTheOperator() async throws {
        let capture = LogCapture()
        try await withTestApp(beforeConfigure: { app in app.logger = capture.logger(level: .info) }) { app in
            // Waits shortened for the test; the retries are the site's own.
            try await onEverySQLiteConnection(app, "PRAGMA busy_timeout = 100")
            try await makeMember(app, "Gaëlle", password: "mon mot de passe secret")
            var visitor = Browser(app)
            let lock = try await HeldWriteLock(app)
            let token = try #require(try await visitor.get("/connexion").csrfToken)
            let refused = try await visitor.post("/connexion", form: ["_csrf": token, "pseudonyme": "Gaëlle",
                                                                      "motDePasse": "mon mot de passe secret"])
            #expect(refused.status == .serviceUnavailable)
            #expect(refused.headers.first(name: "Retry-After") != nil)
            #expect(refused.text.contains(#"value="Gaëlle""#), "the pseudonym stays")
            #expect(!refused.text.contains("mon mot de passe secret"), "the password is typed again, never echoed")
            #expect(capture.all.contains { $0.contains("base occupée") && $0.contains("/connexion") })
            #expect(!capture.all.contains { $0.contains("mon mot de passe secret") || $0.contains("Gaëlle") },
                    "neither the password nor the pseudonym reaches the log")
            app.testClock.advance(by: StorageWatch.busyWarningSeconds + 1)
            let (status, text) = try await health(app)
            #expect(status == .ok && text.contains("base de données occupée depuis"), "\(text)")

            try await lock.release()
            let signedIn = try await visitor.post("/connexion", form: ["_csrf": token, "pseudonyme": "Gaëlle",
                                                                       "motDePasse": "mon mot de passe secret"])
            #expect(signedIn.status == .seeOther)
            let (_, healed) = try await health(app)
            #expect(healed == "ok\n", "\(healed)")
        }
    }

    @Test func aHeldWriteLockKeepsTheNameTheOpinionTheMinutesAndTheAnswer() async throws {
        try await withTestApp { app in
            try await onEverySQLiteConnection(app, "PRAGMA busy_timeout = 100")
            try await makeMember(app, "Farida", roles: [.participant, .facilitator, .staff])
            let proposal = try await makeProposal(app, author: try await makeMember(app, "Auteur"), status: .forwarded)
            let meeting = try await makeMeeting(app, status: .closed)
            var browser = Browser(app)
            try await browser.signIn("Farida")
            let proposedName = ProposedName(name: "Allocataire", explanation: "Un nom neutre.", authorID: nil, anonymous: true,
                                            status: .published, at: app.clock.now())
            try await proposedName.create(on: app.db)
            let namePath = "/debat-denomination/noms/\(proposedName.id!.uuidString)"
            try await HeldWriteLock.during(app) {
                let name = try await browser.submit(["nom": "Allocataire du revenu", "explication": "Plus neutre que le mot d'avant."],
                                                    on: "/debat-denomination", to: "/debat-denomination/noms")
                #expect(name.status == .serviceUnavailable)
                #expect(name.text.contains(#"id="enregistrement-impossible""#), "the debate's own form, shown again")
                #expect(name.text.contains("Allocataire du revenu") && name.text.contains("Plus neutre que le mot d&#39;avant."))

                let opinion = try await browser.submit(["position": "pour", "texte": "Ce nom ne blesse personne."], on: namePath, to: namePath + "/avis")
                #expect(opinion.status == .serviceUnavailable)
                #expect(opinion.text.contains(#"id="enregistrement-impossible""#))
                #expect(opinion.text.contains("Ce nom ne blesse personne."), "the opinion's text is back in its field")
                #expect(opinion.text.contains(#"value="pour" checked"#), "and so is its position")

                let minutesPath = "/seances/\(meeting.id!.uuidString)/compte-rendu/modifier"
                let minutes = try await browser.submit(["texte": "La séance a parlé des transports.", "action": "brouillon"], on: minutesPath)
                #expect(minutes.status == .serviceUnavailable)
                #expect(minutes.text.contains(#"id="enregistrement-impossible""#) && minutes.text.contains("<textarea"))
                #expect(minutes.text.contains("La séance a parlé des transports."))

                let path = "/propositions/\(proposal.id!.uuidString)"
                let answer = try await browser.submit(["action": "answer", "reponse": "Le Département étudie un abri par commune."],
                                                      on: path, to: path + "/statut")
                #expect(answer.status == .serviceUnavailable)
                #expect(answer.text.contains(#"id="enregistrement-impossible""#))
                #expect(answer.text.contains("Le Département étudie un abri par commune."))
            }
        }
    }

    @Test func aVoteTheDatabaseRefusedSaysItWasNotCountedAndNeverShowsTheChoice() async throws {
        try await withTestApp { app in
            try await onEverySQLiteConnection(app, "PRAGMA busy_timeout = 100")
            let poll = try await makePoll(app, options: ["Option Alpha", "Option Beta", "Option Gamma"])
            try await makeMember(app, "Votante")
            var voter = Browser(app)
            try await voter.signIn("Votante")
            let ballot = ["note-0": "4", "note-1": "6", "note-2": "0"]
            let lock = try await HeldWriteLock(app)
            let refused = try await voter.submit(ballot, on: poll.path, to: poll.path + "/vote")
            try await lock.release()
            #expect(refused.status == .serviceUnavailable)
            #expect(refused.text.contains("Votre vote n&#39;a pas été compté"))
            #expect(refused.text.contains(#"href="\#(poll.path)""#), "the poll's page is one link away")
            for option in ["Option Alpha", "Option Beta", "Option Gamma", "Excellent", "À rejeter", "Bien"] {
                #expect(!refused.text.contains(option), "the failure page never repeats the choice (\(option))")
            }
            #expect(refused.trackerCode == nil)
            let pollID = try poll.requireID()
            #expect(try await BallotBox.ballotCount(pollID: pollID, on: app.db) == 0)
            #expect(try await BallotBox.voterCount(pollID: pollID, channel: .online, on: app.db.sql) == 0, "register = box")
            // The poll's page says the member has not voted, and the vote goes through now.
            let page = try await voter.get(poll.path)
            #expect(!page.text.contains("Vous avez déjà voté"))
            let cast = try await voter.submit(ballot, on: poll.path, to: poll.path + "/vote")
            #expect(cast.status == .ok && cast.trackerCode != nil)
        }
    }
}

extension DatabaseFaultTests {
    @Test func aFormWithoutItsOwnPageKeepsItsTextNeverItsPassword() async throws {
        try await withTestApp { app in
            try await onEverySQLiteConnection(app, "PRAGMA busy_timeout = 100")
            try await makeMember(app, "Ancien nom", password: "mon mot de passe secret")
            var member = Browser(app)
            try await member.signIn("Ancien nom", password: "mon mot de passe secret")
            let token = try #require(try await member.get("/mon-compte").csrfToken)
            let refused = try await HeldWriteLock.during(app) {
                try await member.post("/mon-compte/pseudonyme", form: [
                    "_csrf": token, "pseudonyme": "Nouveau nom", "motDePasseActuel": "mon mot de passe secret",
                ])
            }
            #expect(refused.status == .serviceUnavailable)
            #expect(refused.headers.first(name: "Retry-After") != nil && refused.headers.first(name: .cacheControl) == "no-store")
            #expect(refused.text.contains("Votre envoi n&#39;a pas pu être enregistré"))
            #expect(refused.text.contains("texte-garde-") && refused.text.contains(">Nouveau nom</textarea>"), "the pseudonym is there to copy")
            #expect(!refused.text.contains("mon mot de passe secret"), "the password never comes back")
            #expect(try await Member.query(on: app.db).filter(\.$pseudonym == "Nouveau nom").count() == 0)
        }
    }

    @Test func aYesNoVoteRefusedAtAnySpellingOfItsAddressNeverEchoesTheChoice() async throws {
        try await withTestApp { app in
            try await onEverySQLiteConnection(app, "PRAGMA busy_timeout = 100")
            let poll = try await makePoll(app, kind: .yesNo, options: [])
            try await makeMember(app, "Oui")
            var voter = Browser(app)
            try await voter.signIn("Oui")
            let token = try #require(try await voter.get(poll.path).csrfToken)
            let lock = try await HeldWriteLock(app)
            for path in [poll.path + "/vote", poll.path.lowercased() + "/vote", poll.path + "/vote/", poll.path + "//vote"] {
                let refused = try await voter.post(path, form: ["_csrf": token, "choix": "pour"])
                #expect(refused.status == .serviceUnavailable, "\(path)")
                #expect(refused.text.contains("Votre vote n&#39;a pas été compté"), "\(path)")
                #expect(!refused.text.contains("texte-garde-") && !refused.text.contains(">pour<"), "\(path): the choice never comes back")
            }
            try await lock.release()
            #expect(try await BallotBox.voterCount(pollID: poll.requireID(), on: app.db.sql) == 0)
        }
    }

    @Test func aLockHeldAMomentIsWaitedOutAndTheProposalSavedOnce() async throws {
        let capture = LogCapture()
        try await withTestApp(beforeConfigure: { app in app.logger = capture.logger(level: .info) }) { app in
            try await onEverySQLiteConnection(app, "PRAGMA busy_timeout = 100")
            try await makeMember(app, "Patiente")
            var member = Browser(app)
            try await member.signIn("Patiente")
            let theme = try #require(try await Theme.query(on: app.db).first()).id!.uuidString
            let token = try #require(try await member.get("/propositions/nouvelle").csrfToken)
            let lock = try await HeldWriteLock(app)
            // Released once the site has been refused and is about to try again.
            let releasing = Task {
                while !capture.all.contains(where: { $0.contains("nouvel essai") }) { try await Task.sleep(for: .milliseconds(10)) }
                try await lock.release()
            }
            let sent = try await member.post("/propositions/nouvelle", form: [
                "_csrf": token, "titre": "Un banc à l'arrêt", "texte": "Pour attendre le bus assis.", "theme": theme,
            ])
            try await releasing.value
            #expect(sent.status == .seeOther, "the transaction refused while the lock was held ran again once it was free")
            #expect(capture.all.contains { $0.contains("Transaction refusée (base occupée), nouvel essai 2 sur 3") })
            #expect(try await Proposal.query(on: app.db).filter(\.$title == "Un banc à l'arrêt").count() == 1, "saved once")
        }
    }

    @Test func aJournalChainBrokenInTheFilesIsNamedByHealth() async throws {
        try await withTestApp { app in
            try await makeMember(app, "Admin", roles: [.admin])
            try await AuditLog.append(actorID: nil, action: .proposalPaper, at: app.clock.now(), on: app.db)
            try await AuditLog.append(actorID: nil, action: .proposalPaper, at: app.clock.now(), on: app.db)
            #expect(try await health(app).1 == "ok\n")
            // Someone with the files (the triggers are in them too) rewrites an entry the site has not checked yet.
            try await AuditLog.append(actorID: nil, action: .proposalPaper, at: app.clock.now(), on: app.db)
            let last = try await AuditLog.storedHead(on: app.db).sequence
            try await app.db.sql.raw("DROP TRIGGER audit_entries_no_update").run()
            try await app.db.sql.raw("UPDATE audit_entries SET details = '{\"x\":\"1\"}' WHERE sequence = \(bind: last)").run()
            let (status, text) = try await health(app)
            #expect(status == .ok && text.hasPrefix("dégradé\n") && text.contains("journal des actions invérifiable"), "\(text)")
            #expect(text.contains("n° \(last)"))
        }
    }
}

/// The fault's name from the database's own codes, and the pages for the
/// cases a test cannot cause on SQLite (the connection dropped at commit).
@Suite("Database faults by name")
struct DatabaseFaultNamingTests {
    @Test func sqliteCodesNameTheirCause() {
        #expect(DatabaseFault.sqlite(.full) == .diskFull)
        #expect(DatabaseFault.sqlite(.busy) == .busy)
        #expect(DatabaseFault.sqlite(.ioErrorFailedWrite) == .ioError)
        #expect(DatabaseFault.sqlite(.readonlyDirectory) == .readOnly)
        #expect(DatabaseFault.sqlite(.constraintUniqueFailed) == nil, "a constraint is no fault")
        #expect(DatabaseFault(ConnectionPoolTimeoutError.connectionRequestTimeout) == .unreachable)
        #expect(DatabaseFault.postgres(sqlState: "53100") == .diskFull)
        #expect(DatabaseFault.postgres(sqlState: "40001") == .conflict && DatabaseFault.postgres(sqlState: "40P01") == .conflict)
        #expect(DatabaseFault.postgres(sqlState: "57P01") == .connectionLost && DatabaseFault.postgres(sqlState: "57P03") == .unreachable)
        #expect(DatabaseFault.postgres(sqlState: "23505") == nil, "a unique violation is no fault")
        #expect(DatabaseFault(Abort(.internalServerError)) == nil)
        #expect(DatabaseFault.busy.isRetryable && DatabaseFault.conflict.isRetryable)
        #expect(!DatabaseFault.connectionLost.isRetryable && DatabaseFault.connectionLost.mayHaveCommitted)
        #expect(!DatabaseFault.diskFull.mayHaveCommitted && !DatabaseFault.unreachable.mayHaveCommitted)
    }

    @Test func aVoteWhoseCommitCannotBeKnownSendsTheMemberToTheRegister() throws {
        let pollID = UUID()
        let unknown = FaultPages.ballotModel(.connectionLost, poll: .poll(pollID))
        #expect(unknown.title == "Nous ne savons pas si votre vote a été compté")
        #expect(unknown.link?.url == .poll(pollID))
        let refused = FaultPages.ballotModel(.diskFull, poll: .poll(pollID))
        #expect(refused.title == "Votre vote n'a pas été compté")
        // The fault came after the commit (the page, the session): the vote is counted, and the page says so.
        for saved in [FaultPages.Saved.vote, .alreadyVoted] {
            let counted = FaultPages.ballotModel(.connectionLost, poll: .poll(pollID), saved: saved)
            #expect(counted.title == "Votre vote est compté" && !counted.paragraphs.joined().contains("pas été compté"))
        }
        #expect(FaultPages.ballotModel(.diskFull, poll: .poll(pollID), saved: .paperBallot).title == "Le bulletin papier est enregistré")
        for page in [SiteURL.PollPage.vote, .confirm, .change, .paperBallots] {
            #expect(FaultPages.ballotPoll(of: SiteURL.poll(pollID, page).path) == .poll(pollID))
        }
        #expect(FaultPages.ballotPoll(of: SiteURL.poll(pollID).path) == nil)
        #expect(FaultPages.ballotPoll(of: "/propositions/nouvelle") == nil)
    }
}
