import Fluent
import Vapor

/// The only way a notification is sent: with a link to a page of this site.
enum Notifier {
    /// Tells a member something, unless they have no account any more.
    static func notify(_ memberID: UUID?, _ message: String, link: SiteURL, fragment: String? = nil, at now: Date,
                       on database: any Database) async throws {
        guard let memberID else { return }
        try await MemberNotification(memberID: memberID, message: message, link: link.path(fragment: fragment), at: now)
            .create(on: database)
    }

    static func unreadCount(_ memberID: UUID, on database: any Database) async throws -> Int {
        try await MemberNotification.query(on: database)
            .filter(\.$member.$id == memberID).filter(\.$readAt == nil).count()
    }
}
