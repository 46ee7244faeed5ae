import CSV
import ZIPFoundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
@testable import PorteVoix

/// Staff download what the site publishes; the files are read back with a
/// real CSV parser and compared with the database.
@Suite("Exports for staff")
struct ExportsTests {
    static let tricky = "Premier paragraphe, avec une virgule ; un point-virgule et des \"guillemets\".\n\nSecond paragraphe."

    /// Proposals of every kind of visibility: only the public ones may leave.
    static func fill(_ app: Application) async throws -> (shown: [Proposal], author: Member) {
        let author = try await makeMember(app, "Camille Secrète")
        let shown = [
            try await makeProposal(app, title: "Des bus le dimanche", body: Self.tricky, author: author, status: .published),
            try await makeProposal(app, title: "=SOMME(A1:A9)", author: author, status: .answered),
            try await makeProposal(app, title: "-1 pour les crèches", author: nil, status: .adopted),
        ]
        _ = try await makeProposal(app, title: "En attente de relecture", author: author, status: .submitted)
        _ = try await makeProposal(app, title: "Refusée par la modération", author: author, status: .rejected)
        let hidden = try await makeProposal(app, title: "Masquée après signalements", author: author, status: .published)
        hidden.hiddenAt = Date()
        hidden.hiddenReason = .reports
        try await hidden.save(on: app.db)
        return (shown, author)
    }

    /// "Un vote suivi": 6 ballots (4 pour, 2 contre), counted and published;
    /// "Un vote trop petit": 2 ballots, below the publication minimum of 5.
    static func closeAFollowedAndASmallVote(_ app: Application) async throws {
        for (question, voters) in [("Un vote suivi", 6), ("Un vote trop petit", 2)] {
            let poll = try await makePoll(app, kind: .yesNo, options: [])
            poll.question = question
            try await poll.save(on: app.db)
            for index in 0..<voters {
                let member = try await makeMember(app, "\(question) \(index)")
                _ = try await BallotBox.cast(.yesNo(index % 3 == 0 ? .contre : .pour), poll: poll, memberID: member.requireID(), clock: app.clock, on: app.db)
            }
            try await PollCount.close(poll, at: app.clock.now(), app: app)
        }
    }

    static func download(_ app: Application, _ query: String, as name: String = "Agent") async throws -> TestingHTTPResponse {
        var staff = Browser(app)
        try await staff.signIn(name)
        return try await staff.get("/exports/fichier?" + query)
    }

    @Test func theOpenDataCSVHoldsThePublicProposalsAndNothingElse() async throws {
        try await withTestApp { app in
            _ = try await makeMember(app, "Agent", roles: [.staff])
            let (shown, _) = try await Self.fill(app)
            let response = try await Self.download(app, "jeu=propositions&format=csv")
            #expect(response.status == .ok)
            #expect(response.headers.first(name: .contentType) == "text/csv; charset=utf-8")
            #expect(response.headers.first(name: .contentDisposition)?.contains("propositions-") == true)
            let head = try await AuditLog.head(on: app.db)
            #expect(response.headers.first(name: "X-PorteVoix-Journal-Tete") == "\(head.sequence) \(head.hash)")
            let text = response.body.string
            #expect(text.hasPrefix("id,titre,texte,"), "a header row, comma, no BOM")
            #expect(text.contains("\r\n"))
            let reader = try CSVReader(string: text, hasHeaderRow: true)
            let headers = try #require(reader.headerRow)
            #expect(headers == ExportDataset.proposals.headers)
            var rows: [[String: String]] = []
            while let row = reader.next() { rows.append(Dictionary(uniqueKeysWithValues: zip(headers, row).map { ($0, $1) })) }
            #expect(Set(rows.compactMap { $0["id"] }) == Set(shown.map { $0.id!.uuidString }))
            let sunday = try #require(rows.first { $0["titre"] == "Des bus le dimanche" })
            #expect(sunday["texte"] == Self.tricky, "multi-paragraph text survives")
            #expect(sunday["publiee_le"]?.contains("T") == true, "ISO 8601 dates")
            #expect(rows.first { $0["titre"] == "=SOMME(A1:A9)" } != nil, "open data keeps the text as it is")
            #expect(!text.contains("Camille Secrète"), "no export names a member")
            #expect(!text.contains("En attente") && !text.contains("Refusée") && !text.contains("Masquée"))
        }
    }

    /// More than two batches, with publication instants that share a second and carry
    /// fractions a Double cannot hold exactly: each proposal leaves once, and the file ends.
    /// (The pages once compared a date read back into Swift, and returned the same page forever.)
    @Test func everyProposalLeavesOnceAcrossBatches() async throws {
        try await withTestApp { app in
            let themeID = try await Theme.query(on: app.db).first()!.requireID()
            let base = Date(timeIntervalSinceReferenceDate: 817_000_000.123_456_789)
            let count = ExportDataset.batch * 2 + 7
            var proposals: [Proposal] = []
            for index in 0..<count {
                let proposal = Proposal(title: "Proposition \(index)", body: "Texte", themeID: themeID, territoryID: nil, authorID: nil,
                                        anonymous: false, fromPaper: false, enteredByID: nil, status: .published, at: app.clock.now())
                // Groups of three share one instant.
                proposal.publishedAt = base.addingTimeInterval(Double(index / 3) * 0.001_7)
                proposals.append(proposal)
            }
            try await proposals.create(on: app.db)
            var text = ""
            let bytes = try await ExportRun.write(dataset: "propositions", format: "csv", app: app) { text += String(buffer: $0) }
            #expect(bytes == text.utf8.count)
            let reader = try CSVReader(string: text, hasHeaderRow: true)
            var ids: [String] = []
            while let row = reader.next() { ids.append(row[0]) }
            #expect(ids.count == count)
            #expect(Set(ids).symmetricDifference(proposals.map { $0.id!.uuidString }).isEmpty, "no proposal lost, none twice")
        }
    }

    @Test func theSpreadsheetCSVHasABOMSemicolonsAndNoFormula() async throws {
        try await withTestApp { app in
            _ = try await makeMember(app, "Agent", roles: [.staff])
            _ = try await Self.fill(app)
            let response = try await Self.download(app, "jeu=propositions&format=csv-tableur")
            let bytes = Array(response.body.readableBytesView)
            #expect(bytes.starts(with: [0xEF, 0xBB, 0xBF]), "UTF-8 with BOM")
            let text = String(decoding: bytes.dropFirst(3), as: UTF8.self)
            let reader = try CSVReader(string: text, hasHeaderRow: true, delimiter: ";")
            let headers = try #require(reader.headerRow)
            var titles: [String] = []
            while let row = reader.next() { titles.append(row[headers.firstIndex(of: "titre")!]) }
            #expect(titles.contains("'=SOMME(A1:A9)") && titles.contains("'-1 pour les crèches"))
            #expect(!titles.contains { $0.first.map { "=+-@".contains($0) } == true }, "no cell starts a formula")
        }
    }

    @Test func jsonAndThePollResultsFollowThePublicationMinimum() async throws {
        try await withTestApp { app in
            _ = try await makeMember(app, "Agent", roles: [.staff])
            _ = try await Self.fill(app)
            let json = try await Self.download(app, "jeu=propositions&format=json")
            let records = try JSONSerialization.jsonObject(with: Data(json.body.readableBytesView)) as? [[String: Any]]
            #expect(records?.count == 3)
            #expect(records?.allSatisfy { $0["soutiens"] is Int } == true, "numbers stay numbers")

            // One poll counted with enough ballots, one below the minimum.
            try await Self.closeAFollowedAndASmallVote(app)
            let csv = try await Self.download(app, "jeu=scrutins&format=csv").body.string
            let reader = try CSVReader(string: csv, hasHeaderRow: true)
            let headers = try #require(reader.headerRow)
            var rows: [[String: String]] = []
            while let row = reader.next() { rows.append(Dictionary(uniqueKeysWithValues: zip(headers, row).map { ($0, $1) })) }
            let followed = rows.filter { $0["question"] == "Un vote suivi" }
            #expect(followed.count == 3 && followed.first { $0["option"] == "pour" }?["voix"] == "4")
            let small = rows.filter { $0["question"] == "Un vote trop petit" }
            #expect(small.count == 1 && small[0]["resultat_publie"] == "non" && small[0]["voix"] == "")
        }
    }

    @Test func filtersAndRolesAreCheckedOnTheServer() async throws {
        try await withTestApp { app in
            _ = try await makeMember(app, "Agent", roles: [.staff])
            _ = try await makeMember(app, "Lou")
            _ = try await Self.fill(app)
            let future = try await Self.download(app, "jeu=propositions&format=csv&du=2099-01-01").body.string
            #expect(future.split(separator: "\r\n").count == 1, "only the header row")
            let wrong = try await Self.download(app, "jeu=rien&format=csv&du=2026-02-31")
            #expect(wrong.status == .unprocessableEntity)
            #expect(wrong.body.string.contains("Choisissez les données") && wrong.body.string.contains("Cette date n&#39;existe pas"))
            var member = Browser(app)
            try await member.signIn("Lou")
            #expect(try await member.get("/exports").status == .forbidden)
            #expect(try await member.get("/exports/fichier?jeu=propositions&format=csv").status == .forbidden)
        }
    }

    /// The one export that names members: attendance, for facilitators and admins, never for staff.
    @Test func onlyTheAttendanceNamesMembersAndOnlyFacilitatorsGetIt() async throws {
        try await withTestApp { app in
            _ = try await makeMember(app, "Agent", roles: [.staff])
            _ = try await makeMember(app, "Nadia anime", roles: [.facilitator])
            let meeting = try await makeMeeting(app, status: .closed)
            let present = try await makeMember(app, "Présente Pour Le Train")
            try await MeetingAttendance(meetingID: meeting.requireID(), memberID: present.requireID()).create(on: app.db)
            let staff = try await Self.download(app, "jeu=presences&format=csv")
            #expect(staff.status == .unprocessableEntity, "staff never get the names")
            let sessions = try await Self.download(app, "jeu=seances&format=csv").body.string
            #expect(!sessions.contains("Présente Pour Le Train") && sessions.contains(meeting.title))
            let facilitator = try await Self.download(app, "jeu=presences&format=csv", as: "Nadia anime")
            #expect(facilitator.status == .ok && facilitator.body.string.contains("Présente Pour Le Train"))
            #expect(try await Self.download(app, "jeu=propositions&format=csv", as: "Nadia anime").status == .unprocessableEntity)
        }
    }

    @Test func theDebateAndModerationDatasetsHoldCountsAndPublishedTextsOnly() async throws {
        try await withTestApp { app in
            _ = try await makeMember(app, "Agent", roles: [.staff])
            let author = try await makeMember(app, "Camille Secrète")
            let current = try #require(try await ProposedName.query(on: app.db).filter(\.$isCurrent == true).first())
            _ = try await NamingContributions.giveOpinion(on: current.requireID(), by: author.requireID(), stance: .contre,
                                                          text: "Un texte pas encore relu", anonymous: false, on: app.db, now: app.clock.now())
            let debate = try await Self.download(app, "jeu=debat-denomination&format=json")
            let records = try JSONSerialization.jsonObject(with: Data(debate.body.readableBytesView)) as? [[String: Any]]
            #expect(records?.count == 1 && records?.first?["avis_contre"] as? Int == 0, "unpublished opinions are not counted")
            #expect(!debate.body.string.contains("pas encore relu") && !debate.body.string.contains("Camille"))
            _ = try await makeProposal(app, title: "Une proposition publiée", author: author, status: .published)
            let moderation = try await Self.download(app, "jeu=moderation&format=csv").body.string
            let reader = try CSVReader(string: moderation, hasHeaderRow: true)
            #expect(reader.headerRow == ExportDataset.moderation.headers)
            let row = try #require(reader.next())
            #expect(row[1] == "1", "one publication this month")
        }
    }

    /// Reads an OpenDocument spreadsheet's first table back: rows of cells, paragraphs joined by newlines.
    final class ODSRows: NSObject, XMLParserDelegate {
        var rows: [[String]] = []
        var valueTypes: [[String]] = []
        private var cell: String?
        private var paragraphs: [String] = []
        private var text = ""

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            switch name {
            case "table:table-row": rows.append([]); valueTypes.append([])
            case "table:table-cell":
                cell = ""
                paragraphs = []
                valueTypes[valueTypes.count - 1].append(attributes["office:value-type"] ?? "")
            case "text:p": text = ""
            default: break
            }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            switch name {
            case "text:p": paragraphs.append(text)
            case "table:table-cell":
                rows[rows.count - 1].append(paragraphs.joined(separator: "\n"))
                cell = nil
            default: break
            }
        }
    }

    @Test func theODSFileOpensAsASpreadsheetWithTheSameValues() async throws {
        try await withTestApp { app in
            _ = try await makeMember(app, "Agent", roles: [.staff])
            let (shown, _) = try await Self.fill(app)
            let response = try await Self.download(app, "jeu=propositions&format=ods")
            #expect(response.status == .ok && response.headers.first(name: .contentType) == ODSFile.mimeType)
            let archive = try Archive(data: Data(response.body.readableBytesView), accessMode: .read)
            var entries: [Entry] = []
            for entry in archive { entries.append(entry) }
            #expect(entries.first?.path == "mimetype", "the mimetype comes first")
            var mime = Data()
            _ = try archive.extract(entries[0]) { mime.append($0) }
            #expect(String(decoding: mime, as: UTF8.self) == ODSFile.mimeType)
            #expect(entries.contains { $0.path == "META-INF/manifest.xml" })
            let contentEntry = try #require(entries.first { $0.path == "content.xml" })
            var content = Data()
            _ = try archive.extract(contentEntry) { content.append($0) }
            let reader = ODSRows()
            let parser = XMLParser(data: content)
            parser.shouldProcessNamespaces = false
            parser.delegate = reader
            #expect(parser.parse(), "content.xml is well-formed XML")
            #expect(reader.rows.first == ExportDataset.proposals.headers)
            let body = reader.rows.dropFirst()
            #expect(Set(body.map { $0[0] }) == Set(shown.map { $0.id!.uuidString }))
            let titleColumn = ExportDataset.proposals.headers.firstIndex(of: "titre")!
            let textColumn = ExportDataset.proposals.headers.firstIndex(of: "texte")!
            let supportColumn = ExportDataset.proposals.headers.firstIndex(of: "soutiens")!
            let sunday = try #require(body.first { $0[titleColumn] == "Des bus le dimanche" })
            #expect(sunday[textColumn] == Self.tricky)
            #expect(reader.valueTypes[1][supportColumn] == "float", "numbers are numbers")
        }
    }

    /// The printable session report: agenda, decisions, counts, published results with charts, minutes; nothing private.
    @Test func theSessionReportHoldsWhatThePublicMayReadAndTheCharts() async throws {
        try await withTestApp { app in
            let meeting = try await makeMeeting(app, status: .closed, otherAttendees: 2)
            meeting.minutes = "Le conseil a bien travaillé."
            meeting.minutesPublishedAt = Date()
            try await meeting.save(on: app.db)
            let item = AgendaItem(meetingID: try meeting.requireID(), position: 0, title: "Les transports", details: "")
            try await item.create(on: app.db)
            let adopted = try await makeProposal(app, title: "Des bus le dimanche", author: nil, status: .adopted)
            let hidden = try await makeProposal(app, title: "Une proposition masquée", author: nil, status: .scheduled)
            hidden.hiddenAt = Date()
            hidden.hiddenReason = .reports
            try await hidden.save(on: app.db)
            for proposal in [adopted, hidden] {
                let link = AgendaItemProposal()
                link.$item.id = try item.requireID()
                link.$proposal.id = try proposal.requireID()
                try await link.create(on: app.db)
            }
            let present = try await makeMember(app, "Présente")
            try await MeetingAttendance(meetingID: meeting.requireID(), memberID: present.requireID()).create(on: app.db)
            for (question, voters) in [("Adopter les bus ?", 6), ("Un vote trop petit ?", 2)] {
                let poll = try await makePoll(app, kind: .yesNo, options: [])
                poll.question = question
                poll.$meeting.id = meeting.id
                try await poll.save(on: app.db)
                for index in 0..<voters {
                    let member = try await makeMember(app, "\(question) \(index)")
                    _ = try await BallotBox.cast(.yesNo(.pour), poll: poll, memberID: member.requireID(), clock: app.clock, on: app.db)
                }
                try await PollCount.close(poll, at: app.clock.now(), app: app)
            }
            var visitor = Browser(app)
            let page = try await visitor.get("/seances/\(meeting.id!)/rapport")
            #expect(page.status == .ok)
            let text = page.text
            #expect(text.contains("3 personnes présentes, dont 1 membres du conseil") || text.contains("3 personnes présentes"))
            #expect(text.contains("« Des bus le dimanche » : adoptée par le conseil"))
            #expect(!text.contains("Une proposition masquée"), "a hidden proposal stays out")
            #expect(text.contains("<svg") && text.contains("Pour : 6"))
            #expect(text.contains("Un vote trop petit ?") && text.contains("résultat non publié"))
            #expect(text.contains("Le conseil a bien travaillé."))
            #expect(!text.contains("Présente"), "the report names nobody")

            // The sessions export carries the same decisions, and nothing hidden.
            _ = try await makeMember(app, "Agent", roles: [.staff])
            let csv = try await Self.download(app, "jeu=seances&format=csv").body.string
            let reader = try CSVReader(string: csv, hasHeaderRow: true)
            let headers = try #require(reader.headerRow)
            let row = try #require(reader.next())
            let decisions = row[try #require(headers.firstIndex(of: "decisions"))]
            #expect(decisions.contains("« Des bus le dimanche » : adoptée par le conseil"))
            #expect(decisions.contains("Adopter les bus ? : adoptée (pour 6, contre 0, abstention 0)"))
            #expect(decisions.contains("Un vote trop petit ? : résultat non publié"))
            #expect(!decisions.contains("masquée"))
        }
    }
}

/// The export's own CSV writer against CSV.swift's, the library it replaced
/// for speed: the same bytes for every field a person could type, and what
/// a real parser reads back is what was written.
@Suite struct CSVWriterTests {
    static let hostile = ["", "simple", "a,b", "a;b", "il a dit \"non\"", "\"", "\"\"", "ligne 1\nligne 2", "retour\r\nchariot", "\r",
                          "=SOMME(A1:A2)", "é à ç œ 🙂", "\u{FEFF}bom", " espaces ", "tab\tulation", "fin,", ",début", "😀,😀"]

    static func library(_ rows: [[String]], delimiter: String) throws -> String {
        let stream = OutputStream(toMemory: ())
        let writer = try CSVWriter(stream: stream, delimiter: delimiter, newline: .crlf)
        for row in rows { try writer.write(row: row) }
        writer.stream.close()
        let data = stream.property(forKey: .dataWrittenToMemoryStreamKey) as? Data ?? Data()
        return String(decoding: data, as: UTF8.self) + "\r\n"
    }

    @Test(arguments: [",", ";"]) func writesWhatCSVSwiftWrites(delimiter: String) throws {
        let rows = Self.hostile.map { [$0, "x", $0] } + [Self.hostile]
        let ours = ExportFormat.csvLines(rows, delimiter: delimiter)
        #expect(ours == (try Self.library(rows, delimiter: delimiter)))
        let reader = try CSVReader(string: ours, hasHeaderRow: false, delimiter: Character(delimiter).unicodeScalars.first!)
        var read: [[String]] = []
        while let row = reader.next() { read.append(row) }
        #expect(read == rows)
    }

    /// A delimiter with a combining accent after it is still a delimiter byte
    /// to a spreadsheet: this writer quotes it (CSV.swift, comparing
    /// characters, does not).
    @Test func aDelimiterFollowedByAnAccentIsQuoted() {
        #expect(ExportFormat.csvLines([["a,\u{301}b", "c"]], delimiter: ",") == "\"a,\u{301}b\",c\r\n")
    }
}
