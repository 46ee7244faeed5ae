import Fluent
import Vapor

/// Takes the member signed in with this session, with their roles, as the
/// session's query read them (`SignedInRow`). A member suspended or deleted
/// since is signed out on their next request. Futures: no task of its own,
/// except for a moderator's badge.
struct CurrentMemberMiddleware: Middleware {
    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        guard let state = try? request.webSession, let record = state.record, let memberID = record.memberID else {
            return next.respond(to: request)
        }
        guard let loaded = state.loaded, loaded.session === record, let member = loaded.member, member.id == memberID else {
            // The session changed after it was read (it cannot today): read again.
            return request.eventLoop.makeFutureWithTask {
                try await Self.loadAgain(memberID, request: request)
            }.flatMap { next.respond(to: request) }
        }
        guard member.status == .active || member.status == .pending else {
            return request.eventLoop.makeFutureWithTask { try await request.endSession() }
                .flatMap { next.respond(to: request) }
        }
        request.storage[CurrentMemberKey.self] = member
        request.storage[UnreadNotificationsKey.self] = loaded.unreadNotifications
        guard member.roles.contains(.moderator) else { return next.respond(to: request) }
        return request.eventLoop.makeFutureWithTask {
            // Kept under the page cache's rules: any write empties it.
            request.storage[WaitingForReviewKey.self] = try await request.cachedData("waiting-for-review", cost: { _ in 16 }) {
                try await Reports.waitingForReview(on: request.db)
            }
        }.flatMap { next.respond(to: request) }
    }

    private static func loadAgain(_ memberID: UUID, request: Request) async throws {
        let member = try await Member.query(on: request.db).filter(\.$id == memberID).with(\.$roleRows).first()
        guard let member, member.status == .active || member.status == .pending else {
            return try await request.endSession()
        }
        request.storage[CurrentMemberKey.self] = member
        request.storage[UnreadNotificationsKey.self] = try await Notifier.unreadCount(memberID, on: request.db)
        if member.roles.contains(.moderator) {
            request.storage[WaitingForReviewKey.self] = try await Reports.waitingForReview(on: request.db)
        }
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
struct AccessGuard: Middleware {
    let rule: AccessRule

    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        guard let member = request.member else {
            if request.url.path.hasPrefix("/api/") {
                return request.eventLoop.makeFailedFuture(Abort(.unauthorized))
            }
            let back = request.method == .GET ? request.url.string : nil
            return request.eventLoop.makeSucceededFuture(request.redirect(to: SignInPage.path(returningTo: back)))
        }
        if member.status == .pending && rule != .memberBeforeCharter {
            return request.eventLoop.makeSucceededFuture(request.redirect(to: .activationCharter))
        }
        if case .anyRole(let roles) = rule, member.roles.isDisjoint(with: roles) {
            return request.eventLoop.makeFailedFuture(Abort(.forbidden))
        }
        return next.respond(to: request)
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
