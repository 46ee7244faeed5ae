import Vapor

/// The proposal feature's limits, named once for the rules, the routes and the pages.
enum ProposalLimits {
    /// A staff note on a status change (refusal reason, follow-up).
    static let note = TextInput.Limit.reason
    /// The département's written answer.
    static let answer = 10_000
    /// Proposals and comments shown at once in the moderation queue, the oldest first.
    static let moderationBatch = 50
    /// Paper proposals a member is asked about at once.
    static let paperToConfirm = 50
    /// The search words of the list.
    static let search = 100
}

/// The filters of `/propositions`, as typed in its query string.
struct ProposalFilters: Content {
    var theme: String?
    var territoire: String?
    var statut: String?
    var q: String?
    var tri: String?
    var page: String?
}
