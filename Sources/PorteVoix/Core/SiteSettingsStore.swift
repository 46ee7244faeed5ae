import Fluent
import SQLKit

/// Settings that administrators change in the interface (not the
/// environment): kept in `site_settings`.
enum SiteSettingsStore {
    /// The fewest ballots a poll needs for its results to be published, site-wide.
    static let minimumBallotsName = "minimum_ballots_floor"
    static let defaultMinimumBallots = 5
    static let minimumBallotsRange = 2...1000

    static func minimumBallots(on database: any Database) async throws -> Int {
        let value = try await (database as! any SQLDatabase).raw("""
            SELECT value FROM site_settings WHERE name = \(bind: minimumBallotsName)
            """).first()?.decode(column: "value", as: String.self)
        return value.flatMap { Int($0) }.map { max($0, minimumBallotsRange.lowerBound) } ?? defaultMinimumBallots
    }

    static func setMinimumBallots(_ value: Int, on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        try await sql.raw("""
            INSERT INTO site_settings (name, value) VALUES (\(bind: minimumBallotsName), \(bind: String(value)))
            ON CONFLICT (name) DO UPDATE SET value = excluded.value
            """).run()
    }
}
