import Vapor

/// The proposal feature's limits, named once for the rules, the routes and the pages.
enum ProposalLimits {
    /// A staff note on a status change (refusal reason, follow-up).
    static let note = TextInput.Limit.reason
    /// The département's written answer.
    static let answer = 10_000
    /// The texts published to read again, and the debate's names and opinions,
    /// that the moderation queue reads at most (then pages through), oldest
    /// first: the next appear once these are read. Reports are all read.
    static let moderationQueueLimit = 500
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
