import Fluent
import FluentSQL
import SQLKit
import Foundation
import Voting

/// What staff may filter an export by.
struct ExportFilters: Sendable, Equatable {
    var from: Date?
    var to: Date?
    var territoryID: UUID?
    var themeID: UUID?
}

/// The datasets staff export. Only what the public reads on the site:
/// never a text waiting for moderation, refused or hidden, never a name,
/// never anything about an individual ballot or support.
enum ExportDataset: String, CaseIterable, Sendable {
    case proposals = "propositions"
    case meetings = "seances"
    case polls = "scrutins"
    case debate = "debat-denomination"
    case moderation = "moderation"
    /// Who attended each session, by pseudonym: for facilitators and admins only (travel reimbursement).
    case attendance = "presences"

    var label: String {
        switch self {
        case .proposals: "Les propositions publiées"
        case .meetings: "Les séances"
        case .polls: "Les résultats des votes"
        case .debate: "Le débat sur le nom : les noms et leurs avis"
        case .moderation: "La modération, mois par mois (des nombres seulement)"
        case .attendance: "Les présences aux séances, par pseudonyme (remboursement des frais)"
        }
    }

    /// The datasets a person with these roles may download: only the attendance names anyone.
    static func available(to roles: Set<Role>) -> [ExportDataset] {
        allCases.filter { $0 != .attendance || !roles.isDisjoint(with: Role.organisers) }
            .filter { $0 == .attendance || !roles.isDisjoint(with: [.staff, .admin]) }
    }

    var headers: [String] {
        switch self {
        case .proposals:
            ["id", "titre", "texte", "theme", "territoire", "statut", "deposee_le", "publiee_le", "soutiens",
             "decision_du_conseil", "reponse", "repondue_le", "dernier_point_d_etape", "reponse_comprise", "reponse_pas_comprise"]
        case .meetings:
            ["id", "titre", "debut", "fin", "lieu", "territoire", "statut", "ordre_du_jour", "membres_presents", "autres_presents",
             "decisions", "compte_rendu_publie_le"]
        case .polls:
            ["id", "question", "type", "statut", "clos_le", "bulletins", "resultat_publie", "option", "rang", "voix", "mention_majoritaire"]
        case .debate:
            ["id", "nom", "nom_actuel", "explication", "publie_le", "avis_pour", "avis_contre", "avis_partages",
             "textes_pour", "textes_contre", "textes_partages"]
        case .moderation:
            ["mois", "publies", "refuses", "refuses_donnees_personnelles", "refuses_injurieux", "refuses_hors_sujet", "refuses_doublon",
             "refuses_publicite", "refuses_autre", "renvoyes_a_l_auteur", "modifies", "masques_apres_signalements",
             "masques_par_la_moderation", "retablis"]
        case .attendance:
            ["seance", "date", "lieu", "pseudonyme"]
        }
    }

    /// Records, a batch at a time: memory stays flat whatever the size.
    static let batch = 500

    func stream(_ filters: ExportFilters, on database: any Database,
                _ emit: ([[(String, ExportCell)]]) async throws -> Void) async throws {
        switch self {
        case .proposals: try await Self.proposals(filters, on: database, emit)
        case .meetings: try await Self.meetings(filters, on: database, emit)
        case .polls: try await Self.polls(filters, on: database, emit)
        case .debate: try await Self.debate(on: database, emit)
        case .moderation: try await Self.moderation(filters, on: database, emit)
        case .attendance: try await Self.attendance(filters, on: database, emit)
        }
    }

    // MARK: The naming debate, moderation, attendance

    /// Published names with their counts and published opinion texts; never who wrote them.
    private static func debate(on database: any Database, _ emit: ([[(String, ExportCell)]]) async throws -> Void) async throws {
        let counts = try await NamingContributions.counts(on: database)
        let texts = try await opinionTexts(on: database)
        let names = try await ProposedName.query(on: database).filter(\.$status == .published)
            .sort(\.$isCurrent, .descending).sort(\.$publishedAt).all()
        try await emit(names.map { name in
            let id = name.id ?? UUID()
            return [
                ("id", .text(id.uuidString)), ("nom", .text(name.name)), ("nom_actuel", .text(name.isCurrent ? "oui" : "non")),
                ("explication", .text(name.explanation)), ("publie_le", .date(name.publishedAt)),
                ("avis_pour", .number(counts[id]?[.pour] ?? 0)), ("avis_contre", .number(counts[id]?[.contre] ?? 0)),
                ("avis_partages", .number(counts[id]?[.partage] ?? 0)),
                ("textes_pour", .text((texts[id]?[.pour] ?? []).joined(separator: "\n\n"))),
                ("textes_contre", .text((texts[id]?[.contre] ?? []).joined(separator: "\n\n"))),
                ("textes_partages", .text((texts[id]?[.partage] ?? []).joined(separator: "\n\n"))),
            ]
        })
    }

    /// The texts of published opinions, by name and stance; never who wrote them.
    static func opinionTexts(on database: any Database) async throws -> [UUID: [OpinionStance: [String]]] {
        var texts: [UUID: [OpinionStance: [String]]] = [:]
        for opinion in try await NameOpinion.query(on: database).filter(\.$status == .published).filter(\.$text != "")
            .sort(\.$updatedAt).all() {
            texts[opinion.$proposedName.id, default: [:]][opinion.stance, default: []].append(opinion.text)
        }
        return texts
    }

    /// The transparency page's counts, a month a record.
    private static func moderation(_ filters: ExportFilters, on database: any Database,
                                   _ emit: ([[(String, ExportCell)]]) async throws -> Void) async throws {
        let months = try await TransparencyCounts.load(on: database, months: 240).months.reversed()
        try await emit(months.compactMap { month in
            let start = FrenchDates.calendar.date(from: DateComponents(year: month.year, month: month.month, day: 1)) ?? .distantPast
            if let from = filters.from, start < FrenchDates.calendar.date(byAdding: .month, value: -1, to: from) ?? from { return nil }
            if let to = filters.to, start >= to { return nil }
            var record: [(String, ExportCell)] = [("mois", .text(String(format: "%04d-%02d", month.year, month.month))),
                                                  ("publies", .number(month.published)), ("refuses", .number(month.refusedTotal))]
            let reasons: [(String, ModerationReason)] = [("refuses_donnees_personnelles", .personalData), ("refuses_injurieux", .abuse),
                                                         ("refuses_hors_sujet", .offTopic), ("refuses_doublon", .duplicate),
                                                         ("refuses_publicite", .advertising), ("refuses_autre", .other)]
            record += reasons.map { ($0.0, .number(month.refused[$0.1] ?? 0)) }
            record += [("renvoyes_a_l_auteur", .number(month.sentBack)), ("modifies", .number(month.redacted)),
                       ("masques_apres_signalements", .number(month.hiddenAfterReports)),
                       ("masques_par_la_moderation", .number(month.hiddenByModerators)), ("retablis", .number(month.restored))]
            return record
        })
    }

    /// A batch of sessions after the one with id `after`, filtered by date and territory, in date order.
    static func meetingsPage(_ filters: ExportFilters, after: UUID?, limit: Int = batch,
                             on database: any Database) async throws -> [Meeting] {
        var query = Meeting.query(on: database)
        if let from = filters.from { query = query.filter(\.$startsAt >= from) }
        if let to = filters.to { query = query.filter(\.$startsAt < to) }
        if let territory = filters.territoryID { query = query.filter(\.$territory.$id == territory) }
        return try await query.after(after, orderedBy: "starts_at").sort(\.$startsAt).sort(\.$id).limit(limit).all()
    }

    /// Who was ticked present, session by session: the one export that names members.
    private static func attendance(_ filters: ExportFilters, on database: any Database,
                                   _ emit: ([[(String, ExportCell)]]) async throws -> Void) async throws {
        try await forEachPage(size: batch, fetch: { try await meetingsPage(filters, after: $0, limit: $1, on: database) },
                              cursor: { $0.id }) { page in
            let byID = Dictionary(uniqueKeysWithValues: page.map { ($0.id!, $0) })
            let rows = try await MeetingAttendance.query(on: database).filter(\.$meeting.$id ~~ Array(byID.keys)).with(\.$member).all()
            try await emit(rows.compactMap { row in
                guard let meeting = byID[row.$meeting.id] else { return nil }
                return [("seance", .text(meeting.title)), ("date", .date(meeting.startsAt)), ("lieu", .text(meeting.place)),
                        ("pseudonyme", .text(row.member.publicName))]
            }.sorted { ($0[1].1.asText, $0[3].1.asText) < ($1[1].1.asText, $1[3].1.asText) })
        }
    }

    // MARK: Proposals

    private static func proposals(_ filters: ExportFilters, on database: any Database,
                                  _ emit: ([[(String, ExportCell)]]) async throws -> Void) async throws {
        // Plain rows are light: larger batches, fewer round trips.
        try await forEachPage(size: 4 * batch, fetch: { try await proposalRows(filters, after: $0, limit: $1, on: database) },
                              cursor: { $0.id }) { page in try await emit(try await proposalRecords(page, on: database)) }
    }

    /// Public proposals after the one with id `after`, by publication date.
    /// Keyset pages: each batch costs the same, however far in.
    static func proposalsPage(_ filters: ExportFilters, after: UUID?, limit: Int = batch,
                              on database: any Database) async throws -> [Proposal] {
        var query = Proposal.query(on: database).shownToThePublic()
        if let from = filters.from { query = query.filter(\.$publishedAt >= from) }
        if let to = filters.to { query = query.filter(\.$publishedAt < to) }
        if let territory = filters.territoryID { query = query.filter(\.$territory.$id == territory) }
        if let theme = filters.themeID { query = query.filter(\.$theme.$id == theme) }
        // Every public proposal has a publication date; one without would sort first and never loop.
        return try await query.after(after, orderedBy: "published_at").sort(\.$publishedAt).sort(\.$id).limit(limit).all()
    }

    /// The columns an export reads of a proposal, as plain values: reading
    /// 100,000 full models cost most of an export's time in reflection.
    struct ProposalRow: Sendable {
        var id: UUID
        var title: String
        var body: String
        var themeID: UUID
        var territoryID: UUID?
        var status: ProposalStatus
        var createdAt: Date
        var publishedAt: Date?
        var supportsCount: Int
        var answer: String?
        var answeredAt: Date?

        init(_ proposal: Proposal) {
            self.init(id: proposal.id ?? UUID(), title: proposal.title, body: proposal.body, themeID: proposal.$theme.id,
                      territoryID: proposal.$territory.id, status: proposal.status, createdAt: proposal.createdAt,
                      publishedAt: proposal.publishedAt, supportsCount: proposal.supportsCount, answer: proposal.answer,
                      answeredAt: proposal.answeredAt)
        }

        init(id: UUID, title: String, body: String, themeID: UUID, territoryID: UUID?, status: ProposalStatus, createdAt: Date,
             publishedAt: Date?, supportsCount: Int, answer: String?, answeredAt: Date?) {
            self.id = id
            self.title = title
            self.body = body
            self.themeID = themeID
            self.territoryID = territoryID
            self.status = status
            self.createdAt = createdAt
            self.publishedAt = publishedAt
            self.supportsCount = supportsCount
            self.answer = answer
            self.answeredAt = answeredAt
        }
    }

    /// `proposalsPage`'s rows (the same filters, order and keyset), as `ProposalRow`s.
    static func proposalRows(_ filters: ExportFilters, after: UUID?, limit: Int = batch,
                             on database: any Database) async throws -> [ProposalRow] {
        let sql = database.sql
        var query = sql.select()
            .columns("id", "title", "body", "theme_id", "territory_id", "status", "created_at", "published_at", "supports_count",
                     "answer", "answered_at")
            .from(Proposal.schema)
            .where("status", .in, ProposalStatus.publicStatuses.map(\.rawValue))
            .where("hidden_at", .is, SQLLiteral.null)
        if let from = filters.from { query = query.where("published_at", .greaterThanOrEqual, from) }
        if let to = filters.to { query = query.where("published_at", .lessThan, to) }
        if let territory = filters.territoryID { query = query.where("territory_id", .equal, territory) }
        if let theme = filters.themeID { query = query.where("theme_id", .equal, theme) }
        if let after {
            query = query.where(SQLQueryString("""
                ("published_at", "id") > (SELECT "published_at", "id" FROM "proposals" WHERE "id" = \(bind: after))
                """))
        }
        return try await query.orderBy("published_at").orderBy("id").limit(limit).all().map { row in
            ProposalRow(id: try row.decode(column: "id", as: UUID.self), title: try row.decode(column: "title", as: String.self),
                        body: try row.decode(column: "body", as: String.self), themeID: try row.decode(column: "theme_id", as: UUID.self),
                        territoryID: try row.decode(column: "territory_id", as: UUID?.self),
                        status: ProposalStatus(rawValue: try row.decode(column: "status", as: String.self)) ?? .published,
                        createdAt: try row.decode(column: "created_at", as: Date.self),
                        publishedAt: try row.decode(column: "published_at", as: Date?.self),
                        supportsCount: try row.decode(column: "supports_count", as: Int.self),
                        answer: try row.decode(column: "answer", as: String?.self),
                        answeredAt: try row.decode(column: "answered_at", as: Date?.self))
        }
    }

    static func proposalRecords(_ page: [Proposal], on database: any Database) async throws -> [[(String, ExportCell)]] {
        try await proposalRecords(page.map(ProposalRow.init), on: database)
    }

    /// What the public reads of each proposal: never its author, never who supports it.
    static func proposalRecords(_ page: [ProposalRow], on database: any Database) async throws -> [[(String, ExportCell)]] {
        guard !page.isEmpty else { return [] }
        let themes = Dictionary(uniqueKeysWithValues: try await Theme.query(on: database).all().map { ($0.id!, $0.name) })
        let territories = Dictionary(uniqueKeysWithValues: try await Territory.query(on: database).all().map { ($0.id!, $0.name) })
        let ids = page.map(\.id)
        // The latest follow-up of each, in one query for the batch.
        var followUps: [UUID: String] = [:]
        for event in try await ProposalEvent.query(on: database).filter(\.$proposal.$id ~~ ids)
            .filter(\.$status ~~ [.inProgress, .done, .declined]).sort(\.$createdAt).all() {
            if let note = event.note { followUps[event.$proposal.id] = note }
        }
        // « J'ai compris / Je n'ai pas bien compris »: counts only.
        let understanding = try await Understanding.counts(of: ids, on: database)
        return page.map { proposal in
            let decision: String = switch proposal.status {
            case .adopted, .forwarded, .answered, .inProgress, .done, .declined: "adoptée"
            case .notAdopted: "non adoptée"
            default: ""
            }
            return [
                ("id", .text(proposal.id.uuidString)), ("titre", .text(proposal.title)), ("texte", .text(proposal.body)),
                ("theme", .text(themes[proposal.themeID] ?? "")),
                ("territoire", .text(proposal.territoryID.flatMap { territories[$0] } ?? "Tout le département")),
                ("statut", .text(proposal.status.label)), ("deposee_le", .date(proposal.createdAt)),
                ("publiee_le", .date(proposal.publishedAt)), ("soutiens", .number(proposal.supportsCount)),
                ("decision_du_conseil", .text(decision)), ("reponse", .text(proposal.answer ?? "")),
                ("repondue_le", .date(proposal.answeredAt)),
                ("dernier_point_d_etape", .text(followUps[proposal.id] ?? "")),
                ("reponse_comprise", .number(understanding[proposal.id]?.understood ?? 0)),
                ("reponse_pas_comprise", .number(understanding[proposal.id]?.notUnderstood ?? 0)),
            ]
        }
    }

    // MARK: Sessions

    private static func meetings(_ filters: ExportFilters, on database: any Database,
                                 _ emit: ([[(String, ExportCell)]]) async throws -> Void) async throws {
        try await forEachPage(size: batch, fetch: { try await meetingsPage(filters, after: $0, limit: $1, on: database) },
                              cursor: { $0.id }) { page in try await emit(try await meetingRecords(page, on: database)) }
    }

    /// What the public reads of each session: counts of who came, never names.
    static func meetingRecords(_ page: [Meeting], on database: any Database) async throws -> [[(String, ExportCell)]] {
        guard !page.isEmpty else { return [] }
        let territories = Dictionary(uniqueKeysWithValues: try await Territory.query(on: database).all().map { ($0.id!, $0.name) })
        let ids = try page.map { try $0.requireID() }
        var agendas: [UUID: [String]] = [:]
        // Decisions: the public proposals on the agenda with where they stand, then each vote's published outcome.
        var decisions: [UUID: [String]] = [:]
        for item in try await AgendaItem.query(on: database).filter(\.$meeting.$id ~~ ids).with(\.$proposals).sort(\.$position).all() {
            agendas[item.$meeting.id, default: []].append(item.title)
            for proposal in item.proposals where proposal.isShownToThePublic {
                decisions[item.$meeting.id, default: []].append("« \(proposal.title) » : \(proposal.status.label)")
            }
        }
        for poll in try await Poll.query(on: database).filter(\.$meeting.$id ~~ ids).filter(\.$status == .closed)
            .with(\.$options).sort(\.$closedAt).all() {
            guard let meetingID = poll.$meeting.id else { continue }
            let outcome = try await publishedResults(poll, on: database)?.outcome ?? "résultat non publié"
            decisions[meetingID, default: []].append("\(poll.question) : \(outcome)")
        }
        // Counts only: who attended is the facilitators' attendance export, not this one.
        var present: [UUID: Int] = [:]
        for row in try await MeetingAttendance.query(on: database).filter(\.$meeting.$id ~~ ids).all() {
            present[row.$meeting.id, default: 0] += 1
        }
        return page.map { meeting in
            let id = meeting.id ?? UUID()
            return [
                ("id", .text(id.uuidString)), ("titre", .text(meeting.title)), ("debut", .date(meeting.startsAt)),
                ("fin", .date(meeting.endsAt)), ("lieu", .text(meeting.place)),
                ("territoire", .text(meeting.$territory.id.flatMap { territories[$0] } ?? "Tout le département")),
                ("statut", .text(meeting.status.label)), ("ordre_du_jour", .text((agendas[id] ?? []).joined(separator: "\n"))),
                ("membres_presents", .number(present[id] ?? 0)), ("autres_presents", .number(meeting.otherAttendees)),
                ("decisions", .text((decisions[id] ?? []).joined(separator: "\n"))),
                ("compte_rendu_publie_le", .date(meeting.minutesPublishedAt)),
            ]
        }
    }

    // MARK: Polls

    /// One record per option of each closed poll; a poll below the
    /// publication minimum is listed once, without results.
    private static func polls(_ filters: ExportFilters, on database: any Database,
                              _ emit: ([[(String, ExportCell)]]) async throws -> Void) async throws {
        try await forEachPage(size: batch, fetch: { try await pollsPage(filters, after: $0, limit: $1, on: database) },
                              cursor: { $0.id }) { page in
            var records: [[(String, ExportCell)]] = []
            for poll in page {
                let base: [(String, ExportCell)] = [
                    ("id", .text(poll.id?.uuidString ?? "")), ("question", .text(poll.question)), ("type", .text(poll.kind.rawValue)),
                    ("statut", .text(poll.statusLabel)), ("clos_le", .date(poll.closedAt)),
                ]
                guard let results = try await publishedResults(poll, on: database) else {
                    records.append(base + [("bulletins", .number(poll.aggregate?.ballots ?? 0)), ("resultat_publie", .text("non")),
                                           ("option", .text("")), ("rang", .text("")), ("voix", .text("")),
                                           ("mention_majoritaire", .text(""))])
                    continue
                }
                for row in results.exportRows {
                    records.append(base + [("bulletins", .number(results.ballots)), ("resultat_publie", .text("oui")),
                                           ("option", .text(row.option)), ("rang", row.rank.map(ExportCell.number) ?? .text("")),
                                           ("voix", row.votes.map(ExportCell.number) ?? .text("")),
                                           ("mention_majoritaire", .text(row.grade ?? ""))])
                }
            }
            try await emit(records)
        }
    }

    /// Closed polls after the one with id `after`, by closing date, with their options.
    static func pollsPage(_ filters: ExportFilters, after: UUID?, limit: Int = batch, on database: any Database) async throws -> [Poll] {
        var query = Poll.query(on: database).filter(\.$status == .closed).with(\.$options)
        if let from = filters.from { query = query.filter(\.$closedAt >= from) }
        if let to = filters.to { query = query.filter(\.$closedAt < to) }
        if let territory = filters.territoryID { query = query.filter(\.$territory.$id == territory) }
        return try await query.after(after, orderedBy: "closed_at").sort(\.$closedAt).sort(\.$id).limit(limit).all()
    }

    /// The results the poll's page shows: none below the publication minimum.
    static func publishedResults(_ poll: Poll, on database: any Database) async throws -> PollResults? {
        PollResults.published(poll, minimum: try await PollResults.minimumBallots(poll, on: database))
    }
}
