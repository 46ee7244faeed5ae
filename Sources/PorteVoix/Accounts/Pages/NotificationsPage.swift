import Fluent
import Plot
import Vapor

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
                            action: .myAccount(.notificationsRead), csrf: csrf,
                            Forms.submit("Tout marquer comme lu", class: "bouton bouton-secondaire")
                        ))
                    )
            )
        )
    }
}
