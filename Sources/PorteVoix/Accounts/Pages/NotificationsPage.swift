import Fluent
import Plot
import Vapor

enum NotificationsPage {
    struct Item: Sendable {
        var message: String
        /// A path of this site, stored when the notification was sent (built from `SiteURL`).
        var link: String
        var createdAt: Date
        var unread: Bool
    }

    static func items(_ notifications: [MemberNotification]) -> [Item] {
        notifications.map { Item(message: $0.message, link: $0.link, createdAt: $0.createdAt, unread: $0.readAt == nil) }
    }

    static func view(notifications: [Item], csrf: String, context: PageContext) -> HTML {
        let unread = notifications.filter(\.unread).count
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
                                .class(notification.unread ? "notification non-lue" : "notification"),
                                .if(notification.unread, .span(.class("badge"), .text("Nouveau"))),
                                .a(.href(escapeAttribute(notification.link)), .plain(notification.message)),
                                .element(named: "time", nodes: [
                                    .attribute(named: "datetime", value: escapeAttribute(FrenchDates.iso(notification.createdAt))),
                                    .plain(FrenchDates.dayAndTime(notification.createdAt)),
                                ])
                            )
                        }),
                        .if(unread > 0, Forms.post(
                            action: .myAccount(.notificationsRead), csrf: csrf,
                            Forms.submit("Tout marquer comme lu", class: "bouton bouton-secondaire")
                        ))
                    )
            )
        )
    }
}
