import Fluent
import Foundation
import SQLKit

/// Settings that administrators change in the interface (not the
/// environment): kept in `site_settings`, one text value a name.
enum SiteSettingsStore {
    /// A whole number setting with its default and the values allowed.
    struct Number: Sendable {
        let name: String
        let defaultValue: Int
        let range: ClosedRange<Int>
    }

    /// The fewest ballots a poll needs for its results to be published, site-wide.
    static let minimumBallotsSetting = Number(name: "minimum_ballots_floor", defaultValue: 5, range: 2...1000)
    /// How many proposals one account may send in an hour.
    static let proposalsPerHourSetting = Number(name: "proposals_per_hour", defaultValue: 5, range: 1...200)
    /// How many comments one account may send in an hour.
    static let commentsPerHourSetting = Number(name: "comments_per_hour", defaultValue: 30, range: 1...1000)
    /// The site's public address, printed on cards and in calendar files.
    static let publicAddressName = "public_address"
    /// When a request with `X-Forwarded-For` last came while the proxy was not trusted.
    static let forwardedForSeenName = "forwarded_for_seen_at"

    static var defaultMinimumBallots: Int { minimumBallotsSetting.defaultValue }

    static func text(_ name: String, on database: any Database) async throws -> String? {
        try await database.sql.raw("""
            SELECT value FROM site_settings WHERE name = \(bind: name)
            """).first()?.decode(column: "value", as: String.self)
    }

    static func setText(_ name: String, _ value: String?, on database: any Database) async throws {
        let sql = database.sql
        guard let value else {
            try await sql.raw("DELETE FROM site_settings WHERE name = \(bind: name)").run()
            return
        }
        try await sql.raw("""
            INSERT INTO site_settings (name, value) VALUES (\(bind: name), \(bind: value))
            ON CONFLICT (name) DO UPDATE SET value = excluded.value
            """).run()
    }

    /// The stored value, clamped to the allowed range, or the default.
    static func number(_ setting: Number, on database: any Database) async throws -> Int {
        guard let stored = try await text(setting.name, on: database).flatMap({ Int($0) }) else { return setting.defaultValue }
        return min(max(stored, setting.range.lowerBound), setting.range.upperBound)
    }

    static func setNumber(_ setting: Number, _ value: Int, on database: any Database) async throws {
        try await setText(setting.name, String(value), on: database)
    }

    static func minimumBallots(on database: any Database) async throws -> Int {
        try await number(minimumBallotsSetting, on: database)
    }
}
