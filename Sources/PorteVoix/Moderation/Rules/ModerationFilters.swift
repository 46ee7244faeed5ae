import Vapor

/// The filters of the moderation queue, as typed in its query string.
struct ModerationFilters: Sendable, Equatable {
    enum Kind: String, Sendable, CaseIterable {
        case all = "", proposals = "propositions", comments = "commentaires", reports = "signalements"

        var label: String {
            switch self {
            case .all: "Tout"
            case .proposals: "Les propositions"
            case .comments: "Les commentaires"
            case .reports: "Les signalements et contenus masqués"
            }
        }
    }

    var kind: Kind = .all
    /// Only the reports sent for this reason.
    var reason: ReportReason?
    /// Only the proposals and comments in which the detectors found personal data.
    var flaggedOnly = false

    init(kind: Kind = .all, reason: ReportReason? = nil, flaggedOnly: Bool = false) {
        self.kind = kind
        self.reason = reason
        self.flaggedOnly = flaggedOnly
    }

    /// Unknown values are ignored: a mangled link shows everything.
    init(_ query: URLQueryContainer) {
        kind = query[String.self, at: "quoi"].flatMap(Kind.init(rawValue:)) ?? .all
        reason = query[String.self, at: "raison"].flatMap(ReportReason.init(rawValue:))
        flaggedOnly = query[String.self, at: "donnees"] == "oui"
    }

    func shows(_ section: Kind) -> Bool { kind == .all || kind == section }
}
