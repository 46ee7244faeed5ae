import Fluent
import Plot
import Vapor

/// A message in a member's inbox: what happened to their proposals and
/// comments. No e-mail is ever sent.
final class MemberNotification: Model, @unchecked Sendable {
    static let schema = "notifications"

    @ID(key: .id) var id: UUID?
    @Parent(key: "member_id") var member: Member
    @Field(key: "message") var message: String
    /// A path on this site.
    @Field(key: "link") var link: String
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "read_at") var readAt: Date?

    init() {}

    init(memberID: UUID, message: String, link: String, at date: Date = Date()) {
        self.$member.id = memberID
        self.message = message
        self.link = link
        self.createdAt = date
    }
}

struct CreateNotifications: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(MemberNotification.schema)
            .id()
            .field("member_id", .uuid, .required, .references(Member.schema, "id", onDelete: .cascade))
            .field("message", .string, .required)
            .field("link", .string, .required)
            .field("created_at", .datetime, .required)
            .field("read_at", .datetime)
            .create()
        try await SQLIndexes.create([("notifications_member", "notifications", "member_id, read_at, created_at")], on: database)
    }

    func revert(on database: any Database) async throws {
        try await database.schema(MemberNotification.schema).delete()
    }
}

enum Notifier {
    /// Tells a member something, unless they have no account any more.
    static func notify(_ memberID: UUID?, _ message: String, link: String, on database: any Database) async throws {
        guard let memberID else { return }
        try await MemberNotification(memberID: memberID, message: message, link: link).create(on: database)
    }

    static func unreadCount(_ memberID: UUID, on database: any Database) async throws -> Int {
        try await MemberNotification.query(on: database)
            .filter(\.$member.$id == memberID).filter(\.$readAt == nil).count()
    }
}

/// `/mon-compte/notifications`: the inbox.
struct NotificationsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let inbox = routes.requiring(.member).grouped("mon-compte", "notifications")
        inbox.get(use: show)
        inbox.post("lues", use: markAllRead)
    }

    func show(request: Request) async throws -> HTML {
        let member = try request.requireMember()
        let notifications = try await MemberNotification.query(on: request.db)
            .filter(\.$member.$id == member.requireID())
            .sort(\.$createdAt, .descending).limit(100).all()
        return NotificationsPage.view(
            notifications: notifications, csrf: try await request.csrfToken(), context: request.pageContext
        )
    }

    func markAllRead(request: Request) async throws -> Response {
        let member = try request.requireMember()
        try await MemberNotification.query(on: request.db)
            .filter(\.$member.$id == member.requireID()).filter(\.$readAt == nil)
            .set(\.$readAt, to: Date()).update()
        return request.redirect(to: "/mon-compte/notifications")
    }
}

enum NotificationsPage {
    static func view(notifications: [MemberNotification], csrf: String, context: PageContext) -> HTML {
        let unread = notifications.filter { $0.readAt == nil }.count
        return Layout.page(
            context,
            title: "Mes notifications",
            content: .group(
                .h1("Mes notifications"),
                notifications.isEmpty
                    ? .p(.text("Vous n'avez aucune notification. Quand il se passe quelque chose pour vos propositions "),
                         .text("ou vos commentaires, un message apparaît ici."))
                    : .group(
                        .p(.plain(unread == 0 ? "Tout est lu." : unread == 1 ? "1 notification non lue."
                            : "\(unread) notifications non lues.")),
                        .ul(.class("notifications"), .forEach(notifications) { notification in
                            .li(
                                .class(notification.readAt == nil ? "notification non-lue" : "notification"),
                                .if(notification.readAt == nil, .span(.class("badge"), .text("Nouveau"))),
                                .a(.href(escapeAttribute(notification.link)), .plain(notification.message)),
                                .element(named: "time", nodes: [
                                    .attribute(named: "datetime", value: escapeAttribute(FrenchDates.iso(notification.createdAt))),
                                    .plain(FrenchDates.dayAndTime(notification.createdAt)),
                                ])
                            )
                        }),
                        .if(unread > 0, Forms.post(
                            action: "/mon-compte/notifications/lues", csrf: csrf,
                            Forms.submit("Tout marquer comme lu", class: "bouton bouton-secondaire")
                        ))
                    )
            )
        )
    }
}
