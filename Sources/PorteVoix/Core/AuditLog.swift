import Fluent
import SQLKit
import Vapor

/// The append-only record of what administrators, facilitators, moderators
/// and staff did: who, what, when. Admins read it at `/admin/journal`.
///
/// A summary never holds a password, a code, a ballot or a contribution's
/// text: it says that something happened, and to whom.
final class AuditEntry: Model, @unchecked Sendable {
    static let schema = "audit_log"

    @ID(key: .id) var id: UUID?
    /// Nil for the system itself (a command run on the server).
    @OptionalParent(key: "actor_id") var actor: Member?
    /// A stable code for filtering ("member.roles", "cards.create", …).
    @Field(key: "action") var action: String
    /// One French sentence for the reader.
    @Field(key: "summary") var summary: String
    @Field(key: "created_at") var createdAt: Date

    init() {}

    init(actorID: UUID?, action: String, summary: String, at date: Date = Date()) {
        self.$actor.id = actorID
        self.action = action
        self.summary = summary
        self.createdAt = date
    }
}

struct CreateAuditLog: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(AuditEntry.schema)
            .id()
            .field("actor_id", .uuid, .references(Member.schema, "id"))
            .field("action", .string, .required)
            .field("summary", .string, .required)
            .field("created_at", .datetime, .required)
            .create()
        // The database itself refuses to change or remove an entry.
        guard let sql = database as? any SQLDatabase else { return }
        if sql.dialect.name == "sqlite" {
            for operation in ["UPDATE", "DELETE"] {
                try await sql.raw("""
                    CREATE TRIGGER audit_log_no_\(unsafeRaw: operation.lowercased()) BEFORE \(unsafeRaw: operation) ON audit_log
                    BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END
                    """).run()
            }
        } else {
            try await sql.raw("""
                CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$
                """).run()
            try await sql.raw("""
                CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
                FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()
                """).run()
        }
    }

    func revert(on database: any Database) async throws {
        if let sql = database as? any SQLDatabase, sql.dialect.name != "sqlite" {
            try await sql.raw("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log").run()
            try await sql.raw("DROP FUNCTION IF EXISTS audit_log_append_only()").run()
        }
        try await database.schema(AuditEntry.schema).delete()
    }
}

extension Request {
    /// Writes one entry of the audit log, in the name of the signed-in member.
    func audit(_ action: String, _ summary: String, on database: (any Database)? = nil) async throws {
        try await AuditEntry(actorID: member?.id, action: action, summary: summary).create(on: database ?? db)
    }
}
