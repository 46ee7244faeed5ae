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

    /// What every reader of a proposal's page sees the same: the proposal
    /// with its theme, territory and author, its steps and all its comments
    /// (filtered for each reader when the page is built). Kept under the
    /// page cache's rules for the page itself (`ProposalsController.show`):
    /// nothing in it depends on who reads, and it is never changed after.
    struct SharedPart: Sendable {
        let proposal: Proposal
        let events: [ProposalEvent]
        let comments: [ProposalComment]

        static func load(_ proposal: Proposal, on database: any Database) async throws -> SharedPart {
            let id = try proposal.requireID()
            if proposal.$author.id != nil && !proposal.anonymous && proposal.$author.value == nil {
                try await proposal.$author.load(on: database)
            }
            return SharedPart(
                proposal: proposal,
                events: try await ProposalEvent.query(on: database).filter(\.$proposal.$id == id)
                    .with(\.$actor).sort(\.$createdAt).all(),
                comments: try await ProposalComment.query(on: database).filter(\.$proposal.$id == id)
                    .with(\.$author).sort(\.$createdAt).all())
        }

        /// About how many bytes it holds, for the cache's bound.
        var cost: Int {
            proposal.body.utf8.count + (proposal.answer?.utf8.count ?? 0) + 2_000
                + events.reduce(0) { $0 + 200 + ($1.note?.utf8.count ?? 0) } + comments.reduce(0) { $0 + 300 + $1.body.utf8.count }
        }
    }

    static func make(_ proposal: Proposal, request: Request) async throws -> ProposalShowModel {
        try await make(SharedPart.load(proposal, on: request.db), request: request)
    }

    /// The page of `shared.proposal` for this reader: their own part (do
    /// they support it, have they said whether they understood the answer)
    /// read in one query, the rest from `shared`.
    static func make(_ shared: SharedPart, request: Request) async throws -> ProposalShowModel {
        let proposal = shared.proposal
        let id = try proposal.requireID()
        let viewer = request.member
        let isAuthor = viewer != nil && proposal.$author.id == viewer?.id
        let roles = viewer?.roles ?? []
        let summary = ProposalSummary(proposal)
        let events = shared.events
        let allComments = shared.comments
        var supportsIt = false
        var ownUnderstanding: Bool?
        if let viewerID = viewer?.id {
            let row = try await request.db.sql.raw("""
                SELECT (SELECT COUNT(*) FROM \(unsafeRaw: ProposalSupport.schema) WHERE proposal_id = \(bind: id) AND member_id = \(bind: viewerID)) AS supports,
                       (SELECT understood FROM \(unsafeRaw: AnswerUnderstanding.schema) WHERE proposal_id = \(bind: id) AND member_id = \(bind: viewerID)) AS understood
                """).first()
            supportsIt = try (row?.decode(column: "supports", as: Int.self) ?? 0) > 0
            if proposal.answer != nil {
                ownUnderstanding = try row?.decode(column: "understood", as: Bool?.self)
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
