import Crypto
import Fluent
import Foundation
import SQLKit
import Vapor

/// What a recording reads: one page's text, as `ListenableTexts` builds it.
enum SpeechSource: Sendable, Hashable {
    case proposal(UUID)
    case meeting(UUID)
    case poll(UUID)
    case name(UUID)
    case debate
    case content(String)

    /// How recordings are filed (`speech_recordings.source`).
    var key: String {
        switch self {
        case .proposal(let id): "proposition:" + id.uuidString
        case .meeting(let id): "seance:" + id.uuidString
        case .poll(let id): "scrutin:" + id.uuidString
        case .name(let id): "nom:" + id.uuidString
        case .debate: "debat"
        case .content(let slug): "page:" + slug
        }
    }
}

/// The recordings kept in the database: found by the hash of the text they
/// read, made when missing (through the bounded `SpeechQueue`), and
/// destroyed with their text.
enum Recordings {
    /// The recording's key: the voice's settings and the text, hashed.
    static func key(of text: String) -> String {
        SHA256.hash(data: Data((Voice.settings + "\n" + text).utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// The recording of `text` for `source`: the kept one, or a new one (and
    /// then every older recording of the same source is deleted).
    static func audio(of text: String, source: SpeechSource, voice: Voice, queue: SpeechQueue,
                      app: Application, on database: any Database, now: Date) async throws -> (key: String, audio: Data) {
        let key = key(of: text)
        if let kept = try await SpeechRecording.find(key, on: database) { return (key, kept.audio) }
        let audio = try await queue.recording(key: key, pool: app.threadPool) { try voice.speak(text) }
        try await database.retryingTransaction { database in
            // The text may have been hidden, refused or redacted while the
            // voice spoke (its `forget` found nothing to delete yet): read it
            // again, the source locked on PostgreSQL (`lock`) so that such a
            // change waits for this transaction, and keep the recording only
            // if it still reads what is public now.
            try await lock(source, on: database)
            guard let current = try await ListenableTexts.text(of: source, app: app, on: database), Self.key(of: current) == key
            else { return }
            try await SpeechRecording.query(on: database).filter(\.$source == source.key).filter(\.$id != key).delete()
            // Another instance may have made it meanwhile: the same bytes.
            try await database.sql.raw("""
                INSERT INTO speech_recordings (id, source, audio, created_at)
                VALUES (\(bind: key), \(bind: source.key), \(bind: audio), \(bind: now)) ON CONFLICT (id) DO NOTHING
                """).run()
        }
        return (key, audio)
    }

    /// On PostgreSQL, one lock per source until the transaction ends, taken
    /// both here and by `forget`: a recording is never kept after the change
    /// that destroyed its source's (a name's text includes its opinions, which
    /// live in another table: a row lock would not do). SQLite's single
    /// writer already serialises them.
    static func lock(_ source: SpeechSource, on database: any Database) async throws {
        guard database.sql.dialect.name != "sqlite" else { return }
        _ = try await database.sql.raw("SELECT pg_advisory_xact_lock(hashtext(\(bind: "speech:" + source.key)))").all()
    }

    /// Destroys every recording of `source`: its text was redacted,
    /// refused or hidden. Call it in the transaction that changes the text.
    static func forget(_ source: SpeechSource, on database: any Database) async throws {
        try await lock(source, on: database)
        try await SpeechRecording.query(on: database).filter(\.$source == source.key).delete()
    }
}
