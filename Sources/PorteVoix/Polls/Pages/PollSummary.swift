import Foundation
import Voting

/// What pages show of a poll, as plain values: its status is the one its
/// schedule gives at the time the page is built (`PollLifecycle`).
struct PollSummary: Sendable {
    var id: UUID
    var question: String
    var details = ""
    /// The question in easy-to-read French, shown first when there is one.
    var questionEasy: String?
    var kind: PollKind
    var status: PollStatus
    var custody: BallotCustody = .standard
    var eligibility: PollEligibility = .all
    var territoryName: String?
    /// The session the poll belongs to (paper ballots are entered there), and its link when loaded.
    var meetingID: UUID?
    var meeting: PageLink?
    var proposal: PageLink?
    var closesAt: Date?
    var counted = false
    var maxChoices = 1
    var keyThreshold = 0
    var holderNames: [String] = []
    var paperBallots = 0
    var channel: PollChannel = .online
    /// Sealed custody: shares their holders have not fetched yet.
    var keySharesPending = 0
    /// The options' labels, in order (none for a yes/no poll).
    var options: [String] = []

    var awaitsKeyHolders: Bool { status == .closed && !counted && custody == .sealed }

    /// The status as people read it, the wait for key holders included.
    var statusLabel: String { awaitsKeyHolders ? "clos, en attente des détenteurs de clés" : status.label }

    func url(_ page: SiteURL.PollPage = .show) -> SiteURL { .poll(id, page) }
}

extension PollSummary {
    /// The poll as shown at `now`. Relations are read only if they were loaded.
    init(_ poll: Poll, asOf now: Date) {
        self.init(
            id: poll.id ?? UUID(), question: poll.question, details: poll.details, questionEasy: poll.questionEasy, kind: poll.kind,
            status: PollLifecycle.status(poll.status, opensAt: poll.scheduledOpening, closesAt: poll.closesAt, now: now),
            custody: poll.custody, eligibility: poll.eligibility,
            territoryName: poll.$territory.value??.name,
            meetingID: poll.$meeting.id,
            meeting: poll.$meeting.value?.map { PageLink(url: .meeting($0.id ?? UUID()), title: $0.title) },
            proposal: poll.$proposal.value??.hiddenAt == nil
                ? poll.$proposal.value?.map { PageLink(url: .proposal($0.id ?? UUID()), title: $0.title) } : nil,
            closesAt: poll.closesAt, counted: poll.countedAt != nil, maxChoices: poll.maxChoices,
            keyThreshold: poll.keyThreshold, holderNames: poll.holderNames, paperBallots: poll.paperBallots,
            channel: poll.channel, keySharesPending: poll.keySharesPending,
            options: poll.$options.value?.sorted { $0.position < $1.position }.map(\.label) ?? []
        )
    }
}
