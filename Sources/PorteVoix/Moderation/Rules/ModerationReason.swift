import Foundation

/// Why a moderator refuses, sends back, redacts or hides a contribution:
/// the list the author reads one of, and the transparency page counts.
enum ModerationReason: String, Codable, Sendable, CaseIterable {
    case personalData = "personal_data"
    case abuse
    case offTopic = "off_topic"
    case duplicate
    case advertising
    case other

    var label: String {
        switch self {
        case .personalData: "données personnelles"
        case .abuse: "propos injurieux ou discriminatoires"
        case .offTopic: "hors sujet"
        case .duplicate: "doublon d'une autre proposition"
        case .advertising: "publicité"
        case .other: "autre raison"
        }
    }

    /// The label of a reason code found in the audit log or in a column,
    /// including the hiding that reports set off.
    static func labelOf(_ code: String) -> String {
        if let reason = ModerationReason(rawValue: code) { return reason.label }
        if code == HiddenReason.reports.rawValue { return "après signalements" }
        return code
    }

    /// The choices of a form's reason list, in order.
    static var choices: [(value: String, label: String)] {
        allCases.map { ($0.rawValue, $0.label.prefix(1).uppercased() + $0.label.dropFirst()) }
    }
}
