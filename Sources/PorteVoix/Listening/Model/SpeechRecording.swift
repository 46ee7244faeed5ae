import Fluent
import SQLKit
import Foundation

/// One recording of a text read aloud, kept in the database (never in a
/// file on one instance's disk) so that a redaction destroys it everywhere.
/// Keyed by a hash of the spoken text and the voice's settings: an edited
/// text gets a new recording, and the old one of the same source is deleted.
final class SpeechRecording: Model, @unchecked Sendable {
    static let schema = "speech_recordings"

    /// SHA-256 of the voice's settings and the spoken text, hexadecimal.
    @ID(custom: "id", generatedBy: .user) var id: String?
    /// What was read: "proposition:<id>", "scrutin:<id>", "page:charte"…
    @Field(key: "source") var source: String
    @Field(key: "audio") var audio: Data
    @Field(key: "created_at") var createdAt: Date

    init() {}

    init(key: String, source: String, audio: Data, createdAt: Date) {
        self.id = key
        self.source = source
        self.audio = audio
        self.createdAt = createdAt
    }
}

/// Recordings, easy-to-read versions, readers' understanding, and the
/// voting kiosk (issue "Take part with little reading and no device").
struct AddListeningAndKiosk: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(SpeechRecording.schema)
            .field("id", .string, .identifier(auto: false))
            .field("source", .string, .required)
            .field("audio", .data, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await database.sql.raw("CREATE INDEX speech_recordings_source ON speech_recordings (source)").run()
        try await database.schema(Proposal.schema).field("answer_easy", .string).update()
        try await database.schema(Poll.schema).field("question_easy", .string).update()
        try await database.schema(AnswerUnderstanding.schema)
            .id()
            .field("proposal_id", .uuid, .required, .references(Proposal.schema, "id", onDelete: .cascade))
            .field("member_id", .uuid, .required, .references(Member.schema, "id", onDelete: .cascade))
            .field("understood", .bool, .required)
            .field("answered_at", .datetime, .required)
            .unique(on: "proposal_id", "member_id")
            .create()
        try await database.schema(Kiosk.schema)
            .id()
            .field("meeting_id", .uuid, .required, .references(Meeting.schema, "id", onDelete: .cascade))
            .field("token_hash", .string, .required)
            .field("started_at", .datetime, .required)
            .field("ended_at", .datetime)
            .unique(on: "token_hash")
            .create()
        try await database.schema(WebSessionRecord.schema).field("kiosk_id", .uuid).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Kiosk.schema).delete()
        try await database.schema(AnswerUnderstanding.schema).delete()
        try await database.schema(SpeechRecording.schema).delete()
    }
}
