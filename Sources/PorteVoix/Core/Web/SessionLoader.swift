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
        let session = WebSessionRecord.keys.map { "s.\($0.description) AS s_\($0.description)" }
        let member = Member.keys.map { "m.\($0.description) AS m_\($0.description)" }
        return """
            SELECT \((session + member).joined(separator: ", ")), r.role AS r_role,
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
        let session = WebSessionRecord()
        try session.output(from: PrefixedRow(row: first, prefix: "s_"))
        self.session = session
        unreadNotifications = try first.decode(column: "unread", as: Int?.self) ?? 0
        guard try !first.decodeNil(column: "m_id") else {
            member = nil
            return
        }
        let member = Member()
        try member.output(from: PrefixedRow(row: first, prefix: "m_"))
        let memberID = try member.requireID()
        member.$roleRows.value = try rows.compactMap { row -> MemberRole? in
            guard let role = try row.decode(column: "r_role", as: String?.self).flatMap(Role.init(rawValue:)) else { return nil }
            return MemberRole(memberID: memberID, role: role)
        }
        self.member = member
    }
}

/// A row read as a model's output, its columns named with a prefix.
private struct PrefixedRow: DatabaseOutput {
    let row: any SQLRow
    let prefix: String

    var description: String { "\(prefix)… of \(row)" }

    func schema(_ schema: String) -> any DatabaseOutput { self }

    func contains(_ key: FieldKey) -> Bool { row.contains(column: prefix + key.description) }

    func decodeNil(_ key: FieldKey) throws -> Bool { try row.decodeNil(column: prefix + key.description) }

    func decode<T: Decodable>(_ key: FieldKey, as type: T.Type) throws -> T {
        try row.decode(column: prefix + key.description, as: T.self)
    }
}
