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
        // Names of the naming debate, once a moderator published them (opinions: from the log, below).
        let names = try await database.sql.raw("""
            SELECT published_at AS at FROM proposed_names WHERE published_at IS NOT NULL AND is_current = \(bind: false)
            """).all(decoding: Dated.self)
        for row in proposals + comments + names { touch(row.at) { $0.published += 1 } }
        // The decisions, and the opinions' publications, from the log (`AuditAction.transparency`).
        let counted = AuditAction.transparencyActions.map(\.rawValue)
        let entries = try await AuditEntry.query(on: database).filter(\.$action ~~ counted).all()
        for entry in entries {
            guard let category = AuditAction(rawValue: entry.action)?.transparency else { continue }
            touch(entry.createdAt) { month in
                switch category {
                case .published: month.published += 1
                case .refused:
                    let reason = entry.detailValues["reason"].flatMap(ModerationReason.init(rawValue:)) ?? .other
                    month.refused[reason, default: 0] += 1
                case .sentBack: month.sentBack += 1
                case .redacted: month.redacted += 1
                case .hiddenAfterReports: month.hiddenAfterReports += 1
                case .hiddenByModerators: month.hiddenByModerators += 1
                case .restored: month.restored += 1
                }
            }
        }
        let months = byMonth.keys.sorted(by: >).prefix(limit).compactMap { byMonth[$0] }
        return TransparencyCounts(months: months)
    }
}
