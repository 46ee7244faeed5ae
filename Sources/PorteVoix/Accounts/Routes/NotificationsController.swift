import Fluent
import Plot
import Vapor

/// `/mon-compte/notifications`: the inbox.
struct NotificationsController {
    func show(request: Request) async throws -> HTML {
        let member = try request.requireMember()
        let notifications = try await MemberNotification.query(on: request.db)
            .filter(\.$member.$id == member.requireID())
            .sort(\.$createdAt, .descending).limit(AccountLimits.notificationsShown).all()
        return NotificationsPage.view(
            notifications: NotificationsPage.items(notifications), csrf: try await request.csrfToken(), context: request.pageContext
        )
    }

    func markAllRead(request: Request) async throws -> Response {
        let member = try request.requireMember()
        try await MemberNotification.query(on: request.db)
            .filter(\.$member.$id == member.requireID()).filter(\.$readAt == nil)
            .set(\.$readAt, to: request.now).update()
        return request.redirect(to: .myAccount(.notifications))
    }
}
