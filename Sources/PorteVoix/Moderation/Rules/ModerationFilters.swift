import Vapor

/// The filters of the moderation queue, as typed in its query string.
struct ModerationFilters: Sendable, Equatable {
    enum Kind: String, Sendable, CaseIterable {
        case all = "", proposals = "propositions", comments = "commentaires", published = "publies", debate = "debat",
             reports = "signalements"

        var label: String {
            switch self {
            case .all: "Tout"
            case .proposals: "Les propositions"
            case .comments: "Les commentaires"
            case .published: "Les textes publiés à relire"
            case .debate: "Le débat sur le nom"
            case .reports: "Les signalements et contenus masqués"
            }
        }
    }

    var kind: Kind = .all
    /// Only the reports sent for this reason.
    var reason: ReportReason?
    /// Only the proposals and comments in which the detectors found personal data.
    var flaggedOnly = false
    /// The page of one kind (the overview, "Tout", has one page).
    var page = 1

    init(kind: Kind = .all, reason: ReportReason? = nil, flaggedOnly: Bool = false, page: Int = 1) {
        self.kind = kind
        self.reason = reason
        self.flaggedOnly = flaggedOnly
        self.page = page
    }

    /// Unknown values are ignored: a mangled link shows everything.
    init(_ query: URLQueryContainer) {
        kind = query[String.self, at: "quoi"].flatMap(Kind.init(rawValue:)) ?? .all
        reason = query[String.self, at: "raison"].flatMap(ReportReason.init(rawValue:))
        flaggedOnly = query[String.self, at: "donnees"] == "oui"
        page = kind == .all ? 1 : Pagination.number(query[String.self, at: "page"])
    }

    /// The query of a link to the same filters (without the page).
    var query: [(String, String)] {
        [("quoi", kind.rawValue)] + (reason.map { [("raison", $0.rawValue)] } ?? []) + (flaggedOnly ? [("donnees", "oui")] : [])
    }

    /// The same filters, one kind only: where « Voir tout » leads.
    func only(_ kind: Kind) -> ModerationFilters {
        ModerationFilters(kind: kind, reason: reason, flaggedOnly: flaggedOnly)
    }

    /// How many of a kind one page shows: a few of each in the overview,
    /// more when one kind is chosen; fewer of those that carry decision forms.
    /// Every page stays within the 30 KB budget (design/ui.md).
    func perPage(_ section: Kind) -> Int {
        switch section {
        case .proposals, .comments: kind == .all ? 5 : 20
        default: kind == .all ? 1 : 4
        }
    }

    func shows(_ section: Kind) -> Bool { kind == .all || kind == section }
}
