import Foundation

/// The settings administrators change by number, with the words the
/// settings page and the journal use for each.
enum SettingLabels {
    /// The number settings of the page, by form field.
    static let numbers: [(field: String, setting: SiteSettingsStore.Number, audit: String)] = [
        ("minimum", SiteSettingsStore.minimumBallotsSetting, "Nombre minimum de bulletins pour publier un résultat"),
        ("propositions", SiteSettingsStore.proposalsPerHourSetting, "Propositions par compte et par heure"),
        ("commentaires", SiteSettingsStore.commentsPerHourSetting, "Commentaires par compte et par heure"),
        ("signalements", Reports.setting, "Signalements qui masquent un contenu"),
        ("moderation-propositions", ModerationMode.proposals, "Propositions publiées avant relecture (1 : oui)"),
        ("moderation-commentaires", ModerationMode.comments, "Commentaires publiés avant relecture (1 : oui)"),
    ]

    /// The journal names a setting by its key; its sentence shows the label.
    static func audit(of name: String) -> String {
        numbers.first { $0.setting.name == name }?.audit ?? name
    }
}
