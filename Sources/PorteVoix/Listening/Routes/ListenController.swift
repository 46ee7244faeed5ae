import Fluent
import Vapor

extension Application {
    private struct VoiceKey: StorageKey { typealias Value = Voice }
    private struct SpeechQueueKey: StorageKey { typealias Value = SpeechQueue }

    /// The server's voice; nil when espeak-ng or lame is missing (then no
    /// page shows « Écouter »).
    var voice: Voice? {
        get { storage[VoiceKey.self] }
        set { storage[VoiceKey.self] = newValue }
    }

    var speechQueue: SpeechQueue {
        get { storage[SpeechQueueKey.self] ?? SpeechQueue() }
        set { storage[SpeechQueueKey.self] = newValue }
    }

    /// Finds the voice once, at start-up, and says why once if there is none.
    func findVoice() {
        switch Voice.find() {
        case .success(let voice):
            self.voice = voice
            speechQueue = SpeechQueue()
        case .failure(let why):
            logger.notice("Écouter : \(why.explanation)")
        }
    }
}

/// Serves the recordings: `/ecouter/…`, the text of the page of the same
/// address read aloud, as MP3. Only what the page shows to everyone is read.
struct ListenController {
    /// The handler of a route whose path names the source by its id.
    func handler(_ name: ParamName, _ source: @escaping @Sendable (UUID) -> SpeechSource) -> @Sendable (Request) async throws -> Response {
        { request in
            guard let id = request.id(name) else { throw Abort(.notFound) }
            return try await listen(source(id), request: request)
        }
    }

    func listen(_ source: SpeechSource, request: Request) async throws -> Response {
        guard let voice = request.application.voice else { throw Abort(.notFound) }
        guard let text = try await ListenableTexts.text(of: source, app: request.application, on: request.db) else {
            throw Abort(.notFound)
        }
        let etag = "\"" + Recordings.key(of: text).prefix(32) + "\""
        if request.headers.first(name: .ifNoneMatch) == etag {
            return Response(status: .notModified, headers: ["ETag": etag, "Cache-Control": "no-cache"])
        }
        let recording: (key: String, audio: Data)
        do {
            recording = try await Recordings.audio(of: text, source: source, voice: voice, queue: request.application.speechQueue,
                                                   app: request.application, on: request.db, now: request.now)
        } catch is SpeechQueue.Full {
            throw PageError(.serviceUnavailable, title: "L'écoute est très demandée en ce moment",
                            message: "Beaucoup d'enregistrements sont en préparation. Réessayez dans une minute : la page, elle, reste lisible.")
        }
        return Self.audioResponse(recording.audio, etag: etag, range: request.headers.first(name: .range))
    }

    /// The audio, whole or the one byte range asked for (Safari asks for
    /// ranges before it plays anything).
    static func audioResponse(_ audio: Data, etag: String, range: String?) -> Response {
        var headers: HTTPHeaders = ["Content-Type": Voice.contentType, "Accept-Ranges": "bytes", "ETag": etag,
                                    "Cache-Control": "no-cache"]
        if let range, let (start, end) = byteRange(range, length: audio.count) {
            headers.replaceOrAdd(name: .contentRange, value: "bytes \(start)-\(end)/\(audio.count)")
            return Response(status: .partialContent, headers: headers, body: .init(data: audio.subdata(in: start..<(end + 1))))
        }
        return Response(status: .ok, headers: headers, body: .init(data: audio))
    }

    /// `bytes=a-b`, `bytes=a-` or `bytes=-n`, within the length; nil otherwise.
    static func byteRange(_ header: String, length: Int) -> (Int, Int)? {
        guard header.hasPrefix("bytes="), length > 0 else { return nil }
        let spec = header.dropFirst(6)
        guard !spec.contains(","), let dash = spec.firstIndex(of: "-") else { return nil }
        let first = Int(spec[..<dash]), last = Int(spec[spec.index(after: dash)...])
        switch (first, last) {
        case let (start?, end?) where start <= end && start < length: return (start, min(end, length - 1))
        case let (start?, nil) where start < length: return (start, length - 1)
        case let (nil, count?) where count > 0: return (max(0, length - count), length - 1)
        default: return nil
        }
    }
}
