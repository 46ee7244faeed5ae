import Fluent
import SQLKit
import Vapor

/// What an audit entry is about: a kind of record and its id, never its
/// words. The interface looks the name or title up when it shows the log,
/// so a redacted title or a deleted account leaves nothing behind here.
enum AuditSubject: Sendable, Equatable {
    case proposal(UUID), comment(UUID), member(UUID), meeting(UUID), poll(UUID), theme(UUID), territory(UUID)
    /// The naming debate: a proposed name, an opinion on one.
    case name(UUID), opinion(UUID)

    var kind: String {
        switch self {
        case .proposal: "proposal"
        case .comment: "comment"
        case .member: "member"
        case .meeting: "meeting"
        case .poll: "poll"
        case .theme: "theme"
        case .territory: "territory"
        case .name: "name"
        case .opinion: "opinion"
        }
    }

    var id: UUID {
        switch self {
        case .proposal(let id), .comment(let id), .member(let id), .meeting(let id), .poll(let id),
             .theme(let id), .territory(let id), .name(let id), .opinion(let id): id
        }
    }

    init?(kind: String?, id: UUID?) {
        guard let kind, let id else { return nil }
        switch kind {
        case "proposal": self = .proposal(id)
        case "comment": self = .comment(id)
        case "member": self = .member(id)
        case "meeting": self = .meeting(id)
        case "poll": self = .poll(id)
        case "theme": self = .theme(id)
        case "territory": self = .territory(id)
        case "name": self = .name(id)
        case "opinion": self = .opinion(id)
        default: return nil
        }
    }
}

/// The append-only record of what administrators, facilitators, moderators
/// and staff did: who, what, when, about which record, with which reason.
/// Admins read it at `/admin/journal`, moderators their part at `/moderation/journal`.
///
/// An entry holds references and codes only (ids, counts, reason codes):
/// never a pseudonym, a title or a contribution's text, never a password,
/// a code or a ballot. Each entry has a sequence number and the SHA-256 of
/// the previous entry with its own content (`AuditChain`), and the head of
/// the chain is published, so that a change made in the database shows.
final class AuditEntry: Model, @unchecked Sendable {
    static let schema = "audit_entries"

    @ID(key: .id) var id: UUID?
    @Field(key: "sequence") var sequence: Int
    /// Nil for the system itself (a command run on the server, a threshold of reports).
    @OptionalParent(key: "actor_id") var actor: Member?
    /// A stable code for filtering ("member.roles", "cards.create", …).
    @Field(key: "action") var action: String
    @OptionalField(key: "subject_kind") var subjectKind: String?
    @OptionalField(key: "subject_id") var subjectID: UUID?
    /// Codes, counts and ids, as JSON with sorted keys (`AuditDetails`).
    @Field(key: "details") var details: String
    /// Whole seconds: the same value comes back from both databases.
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "previous_hash") var previousHash: String
    @Field(key: "hash") var hash: String

    init() {}

    init(actorID: UUID?, action: String, subject: AuditSubject?, details: [String: String], at date: Date) {
        self.$actor.id = actorID
        self.action = action
        self.subjectKind = subject?.kind
        self.subjectID = subject?.id
        self.details = AuditDetails.encode(details)
        self.createdAt = Date(timeIntervalSince1970: (date.timeIntervalSince1970).rounded(.down))
        self.sequence = 0
        self.previousHash = AuditChain.genesis
        self.hash = ""
    }

    var subject: AuditSubject? { AuditSubject(kind: subjectKind, id: subjectID) }
    var detailValues: [String: String] { AuditDetails.decode(details) }
}

/// An entry's details: a flat dictionary of short codes, stored with sorted
/// keys so that the same details always hash the same.
enum AuditDetails {
    static func encode(_ values: [String: String]) -> String {
        guard !values.isEmpty else { return "{}" }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(values)).flatMap { String(data: $0, encoding: .utf8) } ?? "{}"
    }

    static func decode(_ text: String) -> [String: String] {
        (try? JSONDecoder().decode([String: String].self, from: Data(text.utf8))) ?? [:]
    }

    /// A list of ids in one value.
    static func ids(_ ids: [UUID]) -> String { ids.map(\.uuidString).sorted().joined(separator: ",") }
    static func ids(in value: String?) -> [UUID] { (value ?? "").split(separator: ",").compactMap { UUID(uuidString: String($0)) } }
}

enum AuditLog {
    /// Appends one entry, chained to the one before. The head row is
    /// claimed first (an UPDATE: a write lock on SQLite, a row lock on
    /// PostgreSQL), so appends from every connection and every instance
    /// queue one at a time and no two entries share a number.
    static func append(actorID: UUID?, action: AuditAction, subject: AuditSubject? = nil, details: [String: String] = [:],
                       at date: Date, on database: any Database) async throws {
        try await append(actorID: actorID, code: action.rawValue, subject: subject, details: details, at: date, on: database)
    }

    /// The same with a stored code as it is: only the migration that
    /// carries the first journal's entries over, whose codes are history.
    static func append(actorID: UUID?, code: String, subject: AuditSubject? = nil, details: [String: String] = [:],
                       at date: Date, on database: any Database) async throws {
        try await database.retryingTransaction { database in
            // Made afresh on each attempt: a retried one must not be a row already inserted.
            let entry = AuditEntry(actorID: actorID, action: code, subject: subject, details: details, at: date)
            guard let head = try await database.sql.raw("""
                UPDATE audit_head SET sequence = sequence + 1 WHERE singleton = 1 RETURNING sequence, hash
                """).first()
            else { throw Abort(.internalServerError, reason: "audit_head is missing") }
            entry.sequence = try head.decode(column: "sequence", as: Int.self)
            entry.previousHash = try head.decode(column: "hash", as: String.self)
            entry.hash = AuditChain.hash(of: entry)
            try await entry.create(on: database)
            try await database.sql.raw("UPDATE audit_head SET hash = \(bind: entry.hash) WHERE singleton = 1").run()
        }
    }

    /// The last entry's number and hash, as the transparency page publishes them.
    static func head(on database: any Database) async throws -> (sequence: Int, hash: String) {
        try await storedHead(on: database)
    }

    /// The head row, written in the same transaction as each entry.
    static func storedHead(on database: any Database) async throws -> (sequence: Int, hash: String) {
        let row = try await database.sql.raw("SELECT sequence, hash FROM audit_head WHERE singleton = 1").first()
        return (try row?.decode(column: "sequence", as: Int.self) ?? 0, try row?.decode(column: "hash", as: String.self) ?? AuditChain.genesis)
    }
}

extension Request {
    /// Writes one entry of the audit log, in the name of the signed-in member.
    func audit(_ action: AuditAction, about subject: AuditSubject? = nil, _ details: [String: String] = [:],
               on database: (any Database)? = nil) async throws {
        try await AuditLog.append(actorID: member?.id, action: action, subject: subject, details: details, at: now, on: database ?? db)
    }
}

struct CreateAuditLog: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("audit_log")
            .id()
            .field("actor_id", .uuid, .references(Member.schema, "id"))
            .field("action", .string, .required)
            .field("summary", .string, .required)
            .field("created_at", .datetime, .required)
            .create()
        // The database itself refuses to change or remove an entry.
        try await AppendOnly.protect("audit_log", on: database)
    }

    func revert(on database: any Database) async throws {
        try await AppendOnly.release("audit_log", on: database)
        try await database.schema("audit_log").delete()
    }
}

/// Triggers that make the database refuse an UPDATE or a DELETE on a table.
enum AppendOnly {
    static func protect(_ table: String, on database: any Database) async throws {
        let sql = database.sql
        if sql.dialect.name == "sqlite" {
            for operation in ["UPDATE", "DELETE"] {
                try await sql.raw("""
                    CREATE TRIGGER \(unsafeRaw: table)_no_\(unsafeRaw: operation.lowercased()) BEFORE \(unsafeRaw: operation) ON \(unsafeRaw: table)
                    BEGIN SELECT RAISE(ABORT, '\(unsafeRaw: table) is append-only'); END
                    """).run()
            }
        } else {
            try await sql.raw("""
                CREATE FUNCTION \(unsafeRaw: table)_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN RAISE EXCEPTION '\(unsafeRaw: table) is append-only'; END $$
                """).run()
            try await sql.raw("""
                CREATE TRIGGER \(unsafeRaw: table)_append_only BEFORE UPDATE OR DELETE ON \(unsafeRaw: table)
                FOR EACH ROW EXECUTE FUNCTION \(unsafeRaw: table)_append_only()
                """).run()
        }
    }

    static func release(_ table: String, on database: any Database) async throws {
        let sql = database.sql
        if sql.dialect.name == "sqlite" {
            for operation in ["update", "delete"] {
                try await sql.raw("DROP TRIGGER IF EXISTS \(unsafeRaw: table)_no_\(unsafeRaw: operation)").run()
            }
        } else {
            try await sql.raw("DROP TRIGGER IF EXISTS \(unsafeRaw: table)_append_only ON \(unsafeRaw: table)").run()
            try await sql.raw("DROP FUNCTION IF EXISTS \(unsafeRaw: table)_append_only()").run()
        }
    }
}

/// The chained log replaces the first one. Old entries keep who, what and
/// when; their sentences, which quoted titles and pseudonyms, are not
/// carried over, and the old table is dropped (its pages zeroed by
/// `secure_delete` on SQLite, the file rewritten on PostgreSQL at the scrub).
struct ChainAuditLog: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(AuditEntry.schema)
            .id()
            .field("sequence", .int64, .required)
            .field("actor_id", .uuid, .references(Member.schema, "id"))
            .field("action", .string, .required)
            .field("subject_kind", .string)
            .field("subject_id", .uuid)
            .field("details", .string, .required)
            .field("created_at", .datetime, .required)
            .field("previous_hash", .string, .required)
            .field("hash", .string, .required)
            .unique(on: "sequence")
            .create()
        try await SQLIndexes.create([("audit_entries_subject", "audit_entries", "subject_id"),
                                     ("audit_entries_actor", "audit_entries", "actor_id"),
                                     ("audit_entries_action", "audit_entries", "action, created_at")], on: database)
        try await database.sql.raw("""
            CREATE TABLE audit_head (singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
                                     sequence BIGINT NOT NULL, hash TEXT NOT NULL)
            """).run()
        try await database.sql.raw("INSERT INTO audit_head (singleton, sequence, hash) VALUES (1, 0, \(bind: AuditChain.genesis))").run()

        struct OldEntry: Decodable { var actor_id: UUID?; var action: String; var created_at: Date }
        let old = try await database.sql.raw("SELECT actor_id, action, created_at FROM audit_log ORDER BY created_at, id")
            .all(decoding: OldEntry.self)
        for entry in old {
            try await AuditLog.append(actorID: entry.actor_id, code: entry.action, details: ["migrated": "1"],
                                      at: entry.created_at, on: database)
        }
        try await AppendOnly.protect(AuditEntry.schema, on: database)
        try await AppendOnly.release("audit_log", on: database)
        try await database.schema("audit_log").delete()
    }

    func revert(on database: any Database) async throws {
        try await AppendOnly.release(AuditEntry.schema, on: database)
        try await database.sql.raw("DROP TABLE audit_head").run()
        try await database.schema(AuditEntry.schema).delete()
        try await CreateAuditLog().prepare(on: database)
    }
}
