import Fluent
import Foundation
import SQLKit

/// Why a member reports a contribution.
enum ReportReason: String, Codable, Sendable, CaseIterable {
    case personalData = "personal_data"
    case abuse
    case offTopic = "off_topic"
    case advertising
    case other

    var label: String {
        switch self {
        case .personalData: "Données personnelles (téléphone, adresse, nom d'une personne…)"
        case .abuse: "Propos injurieux ou discriminatoires"
        case .offTopic: "Hors sujet"
        case .advertising: "Publicité"
        case .other: "Autre raison"
        }
    }
}

/// Why a contribution is hidden, as the public page says it.
enum HiddenReason: String, Codable, Sendable {
    /// Enough members reported it: hidden until a moderator decides.
    case reports
    /// A moderator hid it, for one of the report reasons.
    case personalData = "personal_data", abuse, offTopic = "off_topic", advertising, other

    init(_ reason: ReportReason) { self = HiddenReason(rawValue: reason.rawValue) ?? .other }

    var publicText: String {
        switch self {
        case .reports: "Ce contenu est masqué : plusieurs membres l'ont signalé. Une personne de l'équipe de modération va le relire."
        case .personalData: "Ce contenu est masqué par l'équipe de modération : il contenait des données personnelles."
        case .abuse: "Ce contenu est masqué par l'équipe de modération : il ne respectait pas la charte."
        case .offTopic: "Ce contenu est masqué par l'équipe de modération : il était hors sujet."
        case .advertising: "Ce contenu est masqué par l'équipe de modération : c'était de la publicité."
        case .other: "Ce contenu est masqué par l'équipe de modération."
        }
    }
}

/// The only writer of reports and of hiding: a member's report, the hiding
/// that enough reports set off, and a moderator's decision.
enum Reports {
    /// Reports from different members that hide a contribution until a moderator decides.
    static let setting = SiteSettingsStore.Number(name: "reports_to_hide", defaultValue: 3, range: 1...50)
    /// A report's optional comment.
    static let commentLimit = 500

    enum Outcome: Equatable {
        /// Recorded; `hidden` when this report reached the threshold.
        case recorded(hidden: Bool)
        /// This member had already reported it: one report per member and contribution, ever.
        case alreadyReported
    }

    /// Records a member's report; hides the contribution when reports from
    /// enough different members wait for a decision. One transaction.
    static func file(_ kind: ReportedKind, id: UUID, by reporterID: UUID, reason: ReportReason, comment: String,
                     on database: any Database, now: Date) async throws -> Outcome {
        let threshold = try await SiteSettingsStore.number(setting, on: database)
        let table = kind.table
        return try await database.transaction { database in
            // A write first (the row lock on PostgreSQL, the write lock on
            // SQLite): reports sent at the same moment are counted one after
            // the other, so the last of N always sees N.
            try await database.sql.raw("UPDATE \(ident: table) SET hidden_at = hidden_at WHERE id = \(bind: id)").run()
            // After a moderator's decision, the same members cannot hide it again.
            if try await ContentReport.query(on: database).filter(\.$kind == kind).filter(\.$contentID == id)
                .filter(\.$reporter.$id == reporterID).count() > 0 {
                return .alreadyReported
            }
            do {
                try await ContentReport(kind: kind, contentID: id, reporterID: reporterID, reason: reason, comment: comment, at: now)
                    .create(on: database)
            } catch let error as any DatabaseError where error.isConstraintFailure {
                return .alreadyReported
            }
            let waiting = try await ContentReport.query(on: database).filter(\.$kind == kind).filter(\.$contentID == id)
                .filter(\.$resolvedAt == nil).count()
            guard waiting >= threshold else { return .recorded(hidden: false) }
            // Only a visible contribution becomes hidden "after reports": a moderator's hiding stays as it is.
            let visible = try await database.sql.raw("""
                SELECT COUNT(*) AS n FROM \(ident: table) WHERE id = \(bind: id) AND hidden_at IS NULL
                """).first()?.decode(column: "n", as: Int.self) ?? 0
            guard visible > 0 else { return .recorded(hidden: false) }
            try await database.sql.raw("""
                UPDATE \(ident: table) SET hidden_at = \(bind: now), hidden_reason = \(bind: HiddenReason.reports.rawValue)
                WHERE id = \(bind: id) AND hidden_at IS NULL
                """).run()
            if kind == .proposal { try await Recordings.forget(.proposal(id), on: database) }
            // Written by "the server": the log never names who reported.
            try await AuditLog.append(actorID: nil, action: .hiddenByReports(kind),
                                      subject: kind.subject(id),
                                      details: ["count": String(waiting)], at: now, on: database)
            return .recorded(hidden: true)
        }
    }

    /// A moderator's decision on a published contribution: shown again, or
    /// hidden for a reason. The waiting reports are resolved either way.
    /// - Returns: whether it was hidden before: the author hears only of a change they can see.
    @discardableResult
    static func decide(_ kind: ReportedKind, id: UUID, hide reason: ReportReason?, on database: any Database,
                       now: Date) async throws -> Bool {
        let table = kind.table
        return try await database.transaction { database in
            let wasHidden = try await database.sql.raw("""
                SELECT COUNT(*) AS n FROM \(ident: table) WHERE id = \(bind: id) AND hidden_at IS NOT NULL
                """).first()?.decode(column: "n", as: Int.self) ?? 0 > 0
            if let reason {
                try await database.sql.raw("""
                    UPDATE \(ident: table) SET hidden_at = \(bind: now), hidden_reason = \(bind: HiddenReason(reason).rawValue)
                    WHERE id = \(bind: id)
                    """).run()
                if kind == .proposal { try await Recordings.forget(.proposal(id), on: database) }
            } else {
                try await database.sql.raw("""
                    UPDATE \(ident: table) SET hidden_at = NULL, hidden_reason = NULL WHERE id = \(bind: id)
                    """).run()
            }
            try await ContentReport.query(on: database).filter(\.$kind == kind).filter(\.$contentID == id)
                .filter(\.$resolvedAt == nil).set(\.$resolvedAt, to: now).update()
            return wasHidden
        }
    }

    /// Proposals and comments waiting for review, and reported contributions
    /// waiting for a decision: the moderators' badge.
    static func waitingForReview(on database: any Database) async throws -> Int {
        let row = try await database.sql.raw("""
            SELECT (SELECT COUNT(*) FROM proposals WHERE status = 'submitted')
                 + (SELECT COUNT(*) FROM proposal_comments WHERE status = 'submitted')
                 + (SELECT COUNT(*) FROM proposals WHERE review_pending = \(bind: true))
                 + (SELECT COUNT(*) FROM proposal_comments WHERE review_pending = \(bind: true))
                 + (SELECT COUNT(*) FROM proposed_names WHERE status = 'submitted')
                 + (SELECT COUNT(*) FROM name_opinions WHERE status = 'submitted')
                 + (SELECT COUNT(*) FROM (SELECT DISTINCT content_kind, content_id FROM content_reports
                                          WHERE resolved_at IS NULL) AS reported) AS waiting
            """).first()
        return try row?.decode(column: "waiting", as: Int.self) ?? 0
    }

    /// Waiting reports, by contribution: how many, and why.
    struct Waiting: Sendable {
        var kind: ReportedKind
        var contentID: UUID
        var count: Int
        var reasons: [ReportReason]
        var comments: [String]
    }

    /// Contributions a moderator hid, with no report waiting: to restore them.
    static func hiddenByModerators(on database: any Database) async throws -> [(kind: ReportedKind, id: UUID)] {
        let proposals = try await Proposal.query(on: database).filter(\.$hiddenAt != nil).filter(\.$hiddenReason != .reports)
            .sort(\.$hiddenAt, .descending).limit(50).all()
        let comments = try await ProposalComment.query(on: database).filter(\.$hiddenAt != nil).filter(\.$hiddenReason != .reports)
            .sort(\.$hiddenAt, .descending).limit(50).all()
        return try proposals.map { (.proposal, try $0.requireID()) } + comments.map { (.comment, try $0.requireID()) }
    }

    static func waiting(on database: any Database) async throws -> [Waiting] {
        let reports = try await ContentReport.query(on: database).filter(\.$resolvedAt == nil).sort(\.$createdAt).all()
        var grouped: [String: Waiting] = [:]
        var order: [String] = []
        for report in reports {
            let key = report.kind.rawValue + report.contentID.uuidString
            if grouped[key] == nil {
                grouped[key] = Waiting(kind: report.kind, contentID: report.contentID, count: 0, reasons: [], comments: [])
                order.append(key)
            }
            grouped[key]!.count += 1
            if !grouped[key]!.reasons.contains(report.reason) { grouped[key]!.reasons.append(report.reason) }
            if !report.comment.isEmpty { grouped[key]!.comments.append(report.comment) }
        }
        return order.compactMap { grouped[$0] }
    }
}
