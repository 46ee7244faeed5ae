import Foundation

/// The polls feature's limits, named once for the rules, routes and pages.
enum PollLimits {
    /// The question asked.
    static let question = 300
    /// One choice of a single, approval or majority-judgment poll.
    static let option = TextInput.Limit.line
    /// The most choices a poll offers.
    static let options = 20
    /// How many key holders a sealed box has, and the length of a holder's name.
    static let keyHolders = 2...9
    static let holderName = 80
    /// The most ballots a poll may require before its results are published.
    static let highestMinimum = 1000
    /// A key share as typed (69 symbols, spaces and dashes allowed).
    static let typedShare = 300
    /// Members registered at once as having voted on paper.
    static let paperVotersAtOnce = 1000
    /// Open polls and polls in preparation on `/scrutins`, and proposals offered when creating one.
    static let listed = 200
    /// Closed polls on one page of `/scrutins`.
    static let closedPerPage = 20
}
