import FluentKit
import SQLKit
import Vapor

/// What one request needs to know about who sends it, read in one query:
/// the session, its member, their roles and how many notifications they have
/// not read. Four Fluent queries (and four trips to the database's threads)
/// before; one plain query now, on both databases.
struct SignedInRow: Sendable {
    let session: WebSessionRecord
    /// The session's member as stored, with their roles loaded; nil for a
    /// session without one (a visitor who left a message, a card being activated).
    let member: Member?
    let unreadNotifications: Int

    /// The statement, built once from the models' own columns: a column
    /// added to either model is read without touching this.
    private static let statement: String = {
        return """
            SELECT \(PlainRows.columns(of: WebSessionRecord.self, in: "s")), \(PlainRows.columns(of: Member.self, in: "m")), r.role AS r_role,
                   (SELECT COUNT(*) FROM \(MemberNotification.schema) n
                     WHERE n.member_id = s.member_id AND n.read_at IS NULL) AS unread
            FROM \(WebSessionRecord.schema) s
            LEFT JOIN \(Member.schema) m ON m.id = s.member_id
            LEFT JOIN \(MemberRole.schema) r ON r.member_id = s.member_id
            WHERE s.id = 
            """
    }()

    /// The session whose token hashes to `tokenHash`, or nil.
    static func load(tokenHash: String, on database: any Database) -> EventLoopFuture<SignedInRow?> {
        database.sql.raw("\(unsafeRaw: statement)\(bind: tokenHash)").all().flatMapThrowing { rows in
            try rows.first.map { try SignedInRow(rows: rows, first: $0) }
        }
    }

    private init(rows: [any SQLRow], first: any SQLRow) throws {
        session = try PlainRows.model(WebSessionRecord.self, in: first, prefix: "s")!
        unreadNotifications = try first.decode(column: "unread", as: Int?.self) ?? 0
        guard let member = try PlainRows.model(Member.self, in: first, prefix: "m") else {
            self.member = nil
            return
        }
        let memberID = try member.requireID()
        member.$roleRows.value = try rows.compactMap { row -> MemberRole? in
            guard let role = try row.decode(column: "r_role", as: String?.self).flatMap(Role.init(rawValue:)) else { return nil }
            return MemberRole(memberID: memberID, role: role)
        }
        self.member = member
    }
}
