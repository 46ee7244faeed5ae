import Fluent
import Foundation

/// Pre-moderation (a moderator reads a contribution before anyone else) or
/// post-moderation (it is published at once, and a moderator reads it
/// after), per kind of content. Pre-moderation is the default everywhere.
/// A text in which the detectors found personal data always waits.
enum ModerationMode {
    static let proposals = SiteSettingsStore.Number(name: "post_moderation_proposals", defaultValue: 0, range: 0...1)
    static let comments = SiteSettingsStore.Number(name: "post_moderation_comments", defaultValue: 0, range: 0...1)

    /// Whether a contribution of this kind, with these detector findings, is published at once.
    static func publishesAtOnce(_ setting: SiteSettingsStore.Number, personalData: String?,
                                on database: any Database) async throws -> Bool {
        guard personalData == nil else { return false }
        return try await SiteSettingsStore.number(setting, on: database) == 1
    }

    /// The choices of the settings page.
    static let choices: [(value: String, label: String)] = [
        ("0", "Relire avant de publier (par défaut)"),
        ("1", "Publier tout de suite, puis relire"),
    ]
}
