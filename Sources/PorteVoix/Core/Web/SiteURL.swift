import Foundation
import Plot
import Vapor

/// A place in a path that holds a record's id: `.key` where a route is
/// registered, `.value(id)` where a link is built.
enum Param: Sendable, Hashable {
    case key
    case value(UUID)
}

/// The names under which routes receive their ids, shared by the URL map
/// (`routes.swift`) and the handlers that read them (`request.id(_:)`).
enum ParamName: String, Sendable {
    case proposal = "proposalID"
    case comment = "commentID"
    case meeting = "meetingID"
    case agendaItem = "itemID"
    case poll = "pollID"
    case member = "memberID"
    case listItem = "listItemID"
    case replacement = "replacementID"
    case proposedName = "nameID"
    case opinion = "opinionID"
    case apiToken = "apiTokenID"
}

/// One piece of a path.
enum PathSegment: Sendable, Hashable {
    case constant(String)
    case parameter(ParamName, Param, suffix: String = "")
}

/// Every address of the HTML site. A route is registered from a case
/// (`routes.swift` is the map) and every link, form action and redirect is
/// built from one, so a link cannot point where nothing is served. The
/// segments of each case are spelled out in `routes.swift`, beside the
/// handlers.
enum SiteURL: Sendable, Hashable {
    case home
    case siteMap
    case health
    /// Operators' figures (Prometheus), with their token only.
    case metrics
    case content(ContentSlug)

    // Accounts
    case signIn, signOut
    case activation, activationAccount, activationCharter
    case installation
    case myAccount(MyAccountPage)
    /// Staff's personal tokens for the read API, and the revocation of one.
    case apiTokens
    case apiTokenRevocation(Param)
    case admin(AdminPage)
    case adminMember(Param, AdminMemberPage)
    case territory(Param)
    case theme(Param)
    case cardReplacement(Param)
    case cardReplacementPrint(Param)

    // Proposals
    case proposals, newProposal, myProposals, paperProposal, paperToConfirm
    case followUp, moderation
    case proposal(Param, ProposalPage)
    case commentModeration(proposal: Param, comment: Param)
    case commentReport(proposal: Param, comment: Param)
    /// The author changes a comment a moderator sent back.
    case commentEdit(proposal: Param, comment: Param)
    /// A moderator's decision on reported (or any published) content.
    case proposalVisibility(Param)
    case commentVisibility(Param)
    /// A moderator rewrites a text; the original is destroyed.
    case proposalRedaction(Param)
    case commentRedaction(Param)
    /// Read after publication (post-moderation): nothing to change.
    case proposalReviewed(Param)
    case commentReviewed(Param)
    case moderationJournal, transparency

    // Meetings
    case meetings, newMeeting, calendar
    case meeting(Param, MeetingPage)
    case agendaItem(meeting: Param, item: Param, AgendaItemPage)

    // The naming debate
    case namingDebate, namingNames, namingRounds, namingDecision, namingAnswer, namingSynthesis
    case namingName(Param)
    case namingOpinion(Param)
    case namingNameModeration(Param)
    case namingOpinionModeration(Param)

    // Exports
    case exports, exportFile, activityReport

    // Polls
    case polls, newPoll
    case poll(Param, PollPage)

    /// A page's text read aloud (`ListenController`).
    case listen(ListenPage)
    /// The voting kiosk of a session (`KioskController`).
    case kiosk(KioskPage)

    enum ContentSlug: String, Sendable, CaseIterable {
        case charter = "charte", privacy = "confidentialite", accessibility = "accessibilite"
        case legal = "mentions-legales", help = "aide"
    }

    enum MyAccountPage: Sendable, Hashable {
        case show, pseudonym, password, data, deletion, notifications, notificationsRead
    }

    enum AdminPage: Sendable, Hashable {
        case dashboard, members, lists, territories, themes, journal
        case settings, settingsAddress
        case cards, cardReplacements, cardUnblock, cardAddress
    }

    enum AdminMemberPage: Sendable, Hashable { case show, roles, status }

    enum ProposalPage: Sendable, Hashable {
        case show, edit, status, support, comments, paperAnswer, report
        /// Staff's easy-to-read version of the answer; a member's « J'ai compris ».
        case easyAnswer, understanding
    }

    enum MeetingPage: Sendable, Hashable {
        case show, calendarFile, projection, printableMinutes, reply, edit, status, agenda
        case attendance, attendanceSheet, minutes, linkProposal, report
        /// A facilitator makes this device the session's voting kiosk, or ends the kiosks.
        case kiosk, kioskEnd
    }

    enum AgendaItemPage: Sendable, Hashable { case edit, move, current, delete }

    enum ListenPage: Sendable, Hashable {
        case proposal(Param), meeting(Param), poll(Param), name(Param), debate, content(ContentSlug)
    }

    enum KioskPage: Sendable, Hashable {
        /// The sign-in (`/connexion` receives it), then the member's polls.
        case welcome, moreTime, done
    }

    enum PollPage: Sendable, Hashable {
        case show, trackers, confirm, change, vote, status, paper, paperVoters, paperBallots, count, myShare
        case easyQuestion
    }

    // Links take ids; registering takes `.key`.
    static func adminMember(_ id: UUID, _ page: AdminMemberPage = .show) -> SiteURL { .adminMember(.value(id), page) }
    static func proposal(_ id: UUID, _ page: ProposalPage = .show) -> SiteURL { .proposal(.value(id), page) }
    static func meeting(_ id: UUID, _ page: MeetingPage = .show) -> SiteURL { .meeting(.value(id), page) }
    static func poll(_ id: UUID, _ page: PollPage = .show) -> SiteURL { .poll(.value(id), page) }

    static func agendaItem(_ meeting: UUID, _ item: UUID, _ page: AgendaItemPage) -> SiteURL {
        .agendaItem(meeting: .value(meeting), item: .value(item), page)
    }

    static func commentModeration(_ proposal: UUID, _ comment: UUID) -> SiteURL {
        .commentModeration(proposal: .value(proposal), comment: .value(comment))
    }

    static func namingName(_ id: UUID) -> SiteURL { .namingName(.value(id)) }
    static func namingOpinion(_ id: UUID) -> SiteURL { .namingOpinion(.value(id)) }
    static func namingNameModeration(_ id: UUID) -> SiteURL { .namingNameModeration(.value(id)) }
    static func namingOpinionModeration(_ id: UUID) -> SiteURL { .namingOpinionModeration(.value(id)) }
    static func proposalRedaction(_ id: UUID) -> SiteURL { .proposalRedaction(.value(id)) }
    static func commentRedaction(_ id: UUID) -> SiteURL { .commentRedaction(.value(id)) }
    static func proposalReviewed(_ id: UUID) -> SiteURL { .proposalReviewed(.value(id)) }
    static func commentReviewed(_ id: UUID) -> SiteURL { .commentReviewed(.value(id)) }

    static func commentEdit(_ proposal: UUID, _ comment: UUID) -> SiteURL {
        .commentEdit(proposal: .value(proposal), comment: .value(comment))
    }

    static func commentReport(_ proposal: UUID, _ comment: UUID) -> SiteURL {
        .commentReport(proposal: .value(proposal), comment: .value(comment))
    }

    // MARK: Building addresses

    /// The path alone, ids filled in (route patterns show `:name`).
    var path: String {
        "/" + segments.map { segment in
            switch segment {
            case .constant(let text): Self.encode(text)
            case .parameter(let name, .key, let suffix): ":" + name.rawValue + suffix
            case .parameter(_, .value(let id), let suffix): id.uuidString + suffix
            }
        }.joined(separator: "/")
    }

    /// The path with a query (empty values left out) and a fragment, encoded.
    func path(query: [(String, String)] = [], fragment: String? = nil) -> String {
        var result = path
        let items = query.filter { !$0.1.isEmpty }
        if !items.isEmpty {
            result += "?" + items.map { Self.encode($0.0, keeping: Self.inQuery) + "=" + Self.encode($0.1, keeping: Self.inQuery) }
                .joined(separator: "&")
        }
        if let fragment { result += "#" + Self.encode(fragment) }
        return result
    }

    /// The path for Vapor's router.
    var pathComponents: [PathComponent] {
        segments.map { segment in
            switch segment {
            case .constant(let text): .constant(text)
            case .parameter(let name, _, _): .parameter(name.rawValue)
            }
        }
    }

    private static let unreserved = CharacterSet(charactersIn:
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")

    /// A query value may hold a path (`retour=/scrutins/…`): "/" stays readable.
    private static let inQuery = unreserved.union(CharacterSet(charactersIn: "/"))

    private static func encode(_ text: String, keeping allowed: CharacterSet = unreserved) -> String {
        text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }
}

// MARK: Using addresses

extension Node where Context: HTMLLinkableContext {
    /// A link to a page of this site, escaped.
    static func href(_ url: SiteURL, query: [(String, String)] = [], fragment: String? = nil) -> Node {
        .href(escapeAttribute(url.path(query: query, fragment: fragment)))
    }
}

extension Request {
    /// A 303 to a page of this site.
    func redirect(to url: SiteURL, query: [(String, String)] = [], fragment: String? = nil) -> Response {
        redirect(to: url.path(query: query, fragment: fragment))
    }

    /// The id a route received under `name`, nil when the path holds something else.
    func id(_ name: ParamName) -> UUID? {
        parameters.get(name.rawValue, as: UUID.self)
    }
}

/// Registers the site's routes from `SiteURL`s, each with who may use it.
struct SiteRouter {
    let routes: any RoutesBuilder

    private func builder(_ access: AccessRule?) -> any RoutesBuilder {
        access.map { routes.requiring($0) } ?? routes
    }

    func get<Result: AsyncResponseEncodable>(
        _ url: SiteURL, _ access: AccessRule? = nil, use handler: @escaping @Sendable (Request) async throws -> Result
    ) {
        builder(access).on(.GET, url.pathComponents, use: handler)
    }

    func post<Result: AsyncResponseEncodable>(
        _ url: SiteURL, _ access: AccessRule? = nil, use handler: @escaping @Sendable (Request) async throws -> Result
    ) {
        builder(access).on(.POST, url.pathComponents, use: handler)
    }
}
