import Foundation
import PersonalData

/// What pages show of a proposal, as plain values.
struct ProposalSummary: Sendable {
    var id: UUID
    var title: String
    var body = ""
    var status: ProposalStatus
    var themeName: String
    /// "Tout le département" when the proposal has no territory.
    var territoryName = "Tout le département"
    /// The author's name as the public sees it (never the pseudonym of an anonymous author).
    var publicAuthorName = "Un membre du conseil"
    var anonymous = false
    var fromPaper = false
    var supportsCount = 0
    var createdAt: Date
    var publishedAt: Date?
    var answer: String?
    var answeredAt: Date?
    /// The answer in easy-to-read French, shown first when there is one.
    var answerEasy: String?
    /// What the detectors found when it was sent, for moderators.
    var personalData: [PersonalDataKind] = []
    /// Hidden after reports or by a moderator: why.
    var hidden: HiddenReason?
    /// Refused or sent back: the reason from the list; a duplicate's original.
    var moderationReason: ModerationReason?
    var duplicateOf: UUID?
    /// A moderator changed the text: everyone reads the marker.
    var redacted = false
    /// Published at once, still to be read by a moderator.
    var reviewPending = false

    func url(_ page: SiteURL.ProposalPage = .show) -> SiteURL { .proposal(id, page) }
}

extension ProposalSummary {
    /// Theme, territory and author are read only if they were loaded: a
    /// list that shows them loads them (an unloaded one shows empty, never
    /// as "the whole département" or as another author).
    init(_ proposal: Proposal) {
        self.init(
            id: proposal.id ?? UUID(), title: proposal.title, body: proposal.body, status: proposal.status,
            themeName: proposal.$theme.value?.name ?? "",
            territoryName: proposal.$territory.id == nil ? "Tout le département" : proposal.$territory.value??.name ?? "",
            publicAuthorName: proposal.$author.id == nil || proposal.$author.value != nil || proposal.anonymous
                ? proposal.publicAuthorName : "Un membre du conseil",
            anonymous: proposal.anonymous, fromPaper: proposal.fromPaper, supportsCount: proposal.supportsCount,
            createdAt: proposal.createdAt, publishedAt: proposal.publishedAt,
            answer: proposal.answer, answeredAt: proposal.answeredAt, answerEasy: proposal.answerEasy,
            personalData: Screening.kinds(stored: proposal.personalData), hidden: proposal.hiddenAt == nil ? nil : proposal.hiddenReason,
            moderationReason: proposal.moderationReason, duplicateOf: proposal.duplicateOfID,
            redacted: proposal.redactedAt != nil, reviewPending: proposal.reviewPending == true
        )
    }
}

/// A comment as pages show it.
struct CommentSummary: Sendable {
    var id: UUID
    var authorName: String
    var body: String
    var createdAt: Date
    var status: CommentStatus = .published
    var refusalReason: String?
    /// What the detectors found when it was sent, for moderators.
    var personalData: [PersonalDataKind] = []
    /// Hidden after reports or by a moderator: why.
    var hidden: HiddenReason?
    /// The proposal it is about, for lists of comments from several proposals.
    var proposal: PageLink?
    var moderationReason: ModerationReason?
    /// A moderator changed the text: everyone reads the marker.
    var redacted = false
    /// Published at once, still to be read by a moderator.
    var reviewPending = false
}

extension CommentSummary {
    init(_ comment: ProposalComment) {
        self.init(
            id: comment.id ?? UUID(), authorName: comment.$author.value??.publicName ?? "Ancien membre",
            body: comment.body, createdAt: comment.createdAt, status: comment.status,
            refusalReason: comment.refusalReason, personalData: Screening.kinds(stored: comment.personalData),
            hidden: comment.hiddenAt == nil ? nil : comment.hiddenReason,
            proposal: comment.$proposal.value.map { PageLink(url: .proposal(comment.$proposal.id), title: $0.title) },
            moderationReason: comment.moderationReason, redacted: comment.redactedAt != nil,
            reviewPending: comment.reviewPending == true
        )
    }
}
