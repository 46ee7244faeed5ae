import Fluent
import Vapor

extension QueryBuilder where Model == Proposal {
    /// What the public may read: one of these statuses, and not hidden by
    /// reports or by a moderator. Every public list goes through it.
    func shownToThePublic(_ statuses: [ProposalStatus] = ProposalStatus.publicStatuses) -> Self {
        filter(\.$status ~~ statuses).filter(\.$hiddenAt == nil)
    }
}

extension Proposal {
    var isShownToThePublic: Bool { status.isPublic && hiddenAt == nil }
}

enum ProposalQueries {
    enum Sort: String { case recent = "recentes", supported = "soutenues" }

    /// The public listing: a fixed number of queries whatever the page size
    /// (the page, then its themes and territories), on indexed columns.
    static func publicListing(
        filters: ProposalFilters, page: Int, per: Int, on database: any Database
    ) async throws -> Page<Proposal> {
        var query = Proposal.query(on: database)
        if let status = filters.statut.flatMap(ProposalStatus.init(slug:)), status.isPublic {
            query = query.shownToThePublic([status])
        } else {
            query = query.shownToThePublic()
        }
        if let theme = filters.theme.flatMap(UUID.init(uuidString:)) {
            query = query.filter(\.$theme.$id == theme)
        }
        if filters.territoire == "departement" {
            query = query.filter(\.$territory.$id == nil)
        } else if let territory = filters.territoire.flatMap(UUID.init(uuidString:)) {
            query = query.filter(\.$territory.$id == territory)
        }
        for term in SearchText.terms(filters.q ?? "") {
            query = query.filter(\.$searchText, .contains(inverse: false, .anywhere), term)
        }
        switch Sort(rawValue: filters.tri ?? "") ?? .recent {
        case .recent:
            query = query.sort(\.$publishedAt, .descending)
        case .supported:
            query = query.sort(\.$supportsCount, .descending).sort(\.$publishedAt, .descending)
        }
        return try await query.with(\.$theme).with(\.$territory)
            .paginateWithinRange(page: page, per: per)
    }
}

/// Everything the page of one proposal shows, for this visitor, as plain values.
struct ProposalShowModel: Sendable {
    /// One step of the proposal's history.
    struct Event: Sendable {
        var status: ProposalStatus
        var createdAt: Date
        var note: String?
        /// Who made the change, for staff; the public name when the author did.
        var actorName: String
    }

    var proposal: ProposalSummary
    var events: [Event]
    var comments: [CommentSummary]
    /// The visitor's own comments still waiting for review (or refused).
    var ownPendingComments: [CommentSummary] = []
    /// For moderators: comments waiting for review.
    var commentsToReview: [CommentSummary] = []
    var isSignedIn: Bool
    /// Moderators see hidden comments and hidden proposals in full.
    var isModerator = false
    var isAuthor = false
    var supportsIt = false
    var actions: [ProposalAction] = []
    var csrf: String?
    /// Staff see who made each change; the public sees what and when.
    var showsActors = false
    var actionErrors = FormErrors()
    var failedAction: ProposalAction?
    var typedNote = ""
    var typedAnswer = ""
    /// A refusal or a request for changes: the reason chosen, the original of a duplicate.
    var typedReason = ""
    var typedOriginal = ""
    var commentErrors = FormErrors()
    var typedComment = ""
    /// The detectors found personal data in the comment: the warning, and a button to send anyway.
    var commentScreened = false
    /// Past the hourly limit: when the comment can be sent.
    var commentPaused: Pause?
    var commentDecisionErrors: [UUID: String] = [:]
    /// A report to correct: which contribution, what was typed and chosen, and why.
    struct ReportError: Sendable {
        var target: UUID
        var typed: String
        var reason: String
        var errors: FormErrors
    }

    var reportError: ReportError?
    /// Under the answer: what this member said they understood, if they did.
    var ownUnderstanding: Bool?
    /// For staff: how many understood the answer (never who).
    var understanding: Understanding.Counts?
    /// Staff write the easy-to-read version of the answer.
    var writesEasyAnswer = false

    static func make(_ proposal: Proposal, request: Request) async throws -> ProposalShowModel {
        let id = try proposal.requireID()
        let viewer = request.member
        let isAuthor = viewer != nil && proposal.$author.id == viewer?.id
        let roles = viewer?.roles ?? []
        if proposal.$author.id != nil && !proposal.anonymous && proposal.$author.value == nil {
            try await proposal.$author.load(on: request.db)
        }
        let summary = ProposalSummary(proposal)
        let events = try await ProposalEvent.query(on: request.db).filter(\.$proposal.$id == id)
            .with(\.$actor).sort(\.$createdAt).all()
        let allComments = try await ProposalComment.query(on: request.db).filter(\.$proposal.$id == id)
            .with(\.$author).sort(\.$createdAt).all()
        var supportsIt = false
        var ownUnderstanding: Bool?
        if let viewerID = viewer?.id {
            supportsIt = try await ProposalSupport.query(on: request.db)
                .filter(\.$proposal.$id == id).filter(\.$member.$id == viewerID).count() > 0
            if proposal.answer != nil {
                ownUnderstanding = try await Understanding.answer(proposal: id, member: viewerID, on: request.db)
            }
        }
        var model = ProposalShowModel(
            proposal: summary,
            events: events.map {
                Event(status: $0.status, createdAt: $0.createdAt, note: $0.note,
                      actorName: actorName($0, of: proposal, publicAuthorName: summary.publicAuthorName))
            },
            comments: allComments.filter { $0.status == .published }.map(CommentSummary.init),
            ownPendingComments: allComments.filter { $0.status != .published && $0.$author.id == viewer?.id && viewer != nil }
                .map(CommentSummary.init),
            commentsToReview: roles.contains(.moderator) ? allComments.filter { $0.status == .submitted }.map(CommentSummary.init) : [],
            isSignedIn: viewer != nil,
            isModerator: roles.contains(.moderator),
            isAuthor: isAuthor,
            supportsIt: supportsIt,
            // Named on an unconfirmed paper proposal: no reviewing it either.
            actions: viewer == nil ? [] : ProposalWorkflow.available(from: proposal.status, roles: roles, isAuthor: isAuthor)
                .filter { !($0.isModeration && proposal.$claimedAuthor.id != nil && proposal.$claimedAuthor.id == viewer?.id) },
            csrf: viewer == nil ? nil : try await request.csrfToken(),
            showsActors: !roles.isDisjoint(with: [.staff, .moderator, .admin])
        )
        model.ownUnderstanding = ownUnderstanding
        if proposal.answer != nil, roles.contains(.staff) {
            model.writesEasyAnswer = true
            model.understanding = try await Understanding.counts(of: [id], on: request.db)[id] ?? Understanding.Counts()
        }
        return model
    }

    /// Who made a change, for staff. Steps taken by the author are shown
    /// under the public name, so that an anonymous author stays anonymous.
    static func actorName(_ event: ProposalEvent, of proposal: Proposal, publicAuthorName: String) -> String {
        if event.$actor.id != nil && event.$actor.id == proposal.$author.id {
            return publicAuthorName
        }
        if event.status == .submitted || event.status == .withdrawn {
            return proposal.fromPaper && event.status == .submitted
                ? "\(event.actor?.publicName ?? "Ancien membre") (saisie papier)"
                : publicAuthorName
        }
        return event.actor?.publicName ?? "Ancien membre"
    }
}
