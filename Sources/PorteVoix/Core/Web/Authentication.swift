import Fluent
import Vapor

/// Loads the member signed in with this session, with their roles. A member
/// suspended or deleted since is signed out on their next request.
struct CurrentMemberMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if let memberID = try request.webSession.record?.memberID {
            let member = try await Member.query(on: request.db)
                .filter(\.$id == memberID)
                .with(\.$roleRows)
                .first()
            if let member, member.status == .active || member.status == .pending {
                request.storage[CurrentMemberKey.self] = member
                request.storage[UnreadNotificationsKey.self] = try await Notifier.unreadCount(memberID, on: request.db)
                if member.roles.contains(.moderator) {
                    request.storage[WaitingForReviewKey.self] = try await Reports.waitingForReview(on: request.db)
                }
            } else {
                try await request.endSession()
            }
        }
        return try await next.respond(to: request)
    }
}

struct CurrentMemberKey: StorageKey {
    typealias Value = Member
}

struct UnreadNotificationsKey: StorageKey {
    typealias Value = Int
}

/// For moderators: how many contributions wait for a decision (the badge of "À relire").
struct WaitingForReviewKey: StorageKey {
    typealias Value = Int
}

extension Request {
    /// The signed-in member, if any.
    public var member: Member? { storage[CurrentMemberKey.self] }

    /// Signs the member in: a new session id, bound to them.
    func signIn(_ member: Member) async throws {
        try await rotateSession(memberID: member.requireID())
        storage[CurrentMemberKey.self] = member
    }

    /// Signs out: the session ends.
    func signOut() async throws {
        try await endSession()
        storage[CurrentMemberKey.self] = nil
    }
}

/// Who may use a group of routes.
public enum AccessRule: Sendable, Equatable {
    /// Any signed-in member who has accepted the charter.
    case member
    /// A member holding at least one of these roles.
    case anyRole(Set<Role>)
    /// A member who has activated a card but not yet accepted the charter
    /// (or has): the charter step itself.
    case memberBeforeCharter

    public static func role(_ role: Role) -> AccessRule { .anyRole([role]) }
}

/// Checks the rule on the server for every route of its group. Anonymous
/// visitors are sent to the sign-in page (401 under `/api/`); members without
/// the role get the 403 page.
struct AccessGuard: AsyncMiddleware {
    let rule: AccessRule

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard let member = request.member else {
            if request.url.path.hasPrefix("/api/") {
                throw Abort(.unauthorized)
            }
            return request.redirect(to: SignInPage.path(returningTo: request.method == .GET ? request.url.string : nil))
        }
        if member.status == .pending && rule != .memberBeforeCharter {
            return request.redirect(to: .activationCharter)
        }
        if case .anyRole(let roles) = rule, member.roles.isDisjoint(with: roles) {
            throw Abort(.forbidden)
        }
        return try await next.respond(to: request)
    }
}

extension RoutesBuilder {
    /// The routes of this group check `rule` before anything else.
    public func requiring(_ rule: AccessRule) -> any RoutesBuilder {
        grouped(AccessGuard(rule: rule))
    }
}

extension Request {
    /// The signed-in member, on routes guarded by `requiring(…)`.
    func requireMember() throws -> Member {
        guard let member else { throw Abort(.unauthorized) }
        return member
    }
}
