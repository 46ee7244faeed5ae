import Fluent
import Foundation
import SQLKit

/// Per month, what moderation did: counts only, never a text, a title or a
/// name. Publications come from the contributions themselves; decisions
/// from the audit log (each is written there, with its reason code).
struct TransparencyCounts: Sendable {
    struct Month: Sendable, Equatable {
        var year: Int
        var month: Int
        var published = 0
        var refused: [ModerationReason: Int] = [:]
        var sentBack = 0
        var redacted = 0
        var hiddenAfterReports = 0
        var hiddenByModerators = 0
        var restored = 0

        var refusedTotal: Int { refused.values.reduce(0, +) }
        var label: String { "\(FrenchDates.months[month - 1]) \(year)" }
    }

    var months: [Month]

    /// Every moderation decision, by audit action: what the moderators' journal lists.
    static let moderationActions: [String] = ["proposal", "comment"].flatMap { kind in
        ["publish", "reject", "requestChanges", "redact", "hide", "restore", "dismiss", "hidden_by_reports", "reviewed"]
            .map { "\(kind).\($0)" }
    } + ["name.publish", "name.reject", "opinion.publish", "opinion.reject"]

    /// The decisions the page counts, by audit action.
    static let actions = ["proposal.reject", "comment.reject", "name.reject", "opinion.reject", "proposal.requestChanges", "comment.requestChanges", "proposal.redact", "comment.redact",
                          "proposal.hidden_by_reports", "comment.hidden_by_reports", "proposal.hide", "comment.hide",
                          "proposal.restore", "comment.restore"]

    static func load(on database: any Database, months limit: Int = 24) async throws -> TransparencyCounts {
        var byMonth: [Int: Month] = [:]
        func key(_ date: Date) -> Int {
            let parts = FrenchDates.calendar.dateComponents([.year, .month], from: date)
            return parts.year! * 100 + parts.month!
        }
        func touch(_ date: Date, _ change: (inout Month) -> Void) {
            let key = key(date)
            var month = byMonth[key] ?? Month(year: key / 100, month: key % 100)
            change(&month)
            byMonth[key] = month
        }
        struct Dated: Decodable { var at: Date }
        let proposals = try await database.sql.raw("SELECT published_at AS at FROM proposals WHERE published_at IS NOT NULL")
            .all(decoding: Dated.self)
        let comments = try await database.sql.raw("""
            SELECT decided_at AS at FROM proposal_comments WHERE status = 'published' AND decided_at IS NOT NULL
            """).all(decoding: Dated.self)
        // Names and opinions' texts of the naming debate, once a moderator published them.
        let names = try await database.sql.raw("""
            SELECT published_at AS at FROM proposed_names WHERE published_at IS NOT NULL AND is_current = \(bind: false)
            """).all(decoding: Dated.self)
        let opinions = try await AuditEntry.query(on: database).filter(\.$action == "opinion.publish").all()
        for row in proposals + comments + names { touch(row.at) { $0.published += 1 } }
        for entry in opinions { touch(entry.createdAt) { $0.published += 1 } }
        let entries = try await AuditEntry.query(on: database).filter(\.$action ~~ actions).all()
        for entry in entries {
            touch(entry.createdAt) { month in
                switch entry.action {
                case "proposal.reject", "comment.reject", "name.reject", "opinion.reject":
                    let reason = entry.detailValues["reason"].flatMap(ModerationReason.init(rawValue:)) ?? .other
                    month.refused[reason, default: 0] += 1
                case "proposal.requestChanges", "comment.requestChanges": month.sentBack += 1
                case "proposal.redact", "comment.redact": month.redacted += 1
                case "proposal.hidden_by_reports", "comment.hidden_by_reports": month.hiddenAfterReports += 1
                case "proposal.hide", "comment.hide": month.hiddenByModerators += 1
                default: month.restored += 1
                }
            }
        }
        let months = byMonth.keys.sorted(by: >).prefix(limit).compactMap { byMonth[$0] }
        return TransparencyCounts(months: months)
    }
}
