import NIOConcurrencyHelpers
import SQLKit
import Vapor

/// Public pages as a visitor without a session sees them, rendered once and
/// served from memory until what they show changes.
///
/// - Fresh: before serving from memory, the database's `SiteVersion` is read
///   (one row); any write anywhere, by any instance, empties the cache. So
///   does the clock passing a scheduled instant (`SiteVersion.nextScheduledChange`):
///   a poll reaching its closing time shows closed without a write.
/// - Only known addresses: the paths of `PageCache.pages`, ids that are
///   UUIDs, and the query keys those pages read. Anything else is rendered
///   as usual and never kept, so made-up query strings cannot fill memory.
/// - Bounded: at most `maxEntries` pages and `maxBytes` bytes; the least
///   recently served go first.
/// - Only for visitors without a session, and only a 200 that sets no
///   cookie: nothing personal, no form token, is ever kept. A visitor who
///   carries the visitor cookie (they once opened a form) is served kept
///   pages too, but what is rendered for them is never kept: a page with a
///   form token is rendered for a visitor without the cookie only with a new
///   one (`Set-Cookie`), so such a page is never in the cache for anyone.
final class PageCache: Sendable {
    struct Entry {
        let body: ByteBuffer
        let contentType: String
        let cacheControl: String
        var lastUsed: UInt64
    }

    struct DataEntry {
        let value: any Sendable
        let cost: Int
        var lastUsed: UInt64
    }

    private struct State {
        /// The database's number and the Markdown files' fingerprint when the
        /// entries were rendered; nil before the first read.
        var stamp: SiteStamp?
        /// When the clock changes a page without a write.
        var validUntil = Date.distantPast
        /// Bumped at each emptying: a page rendered before it is not stored after it.
        var generation: UInt64 = 0
        var entries: [String: Entry] = [:]
        /// Query results that pages for members render (`Request.cachedData`).
        var data: [String: DataEntry] = [:]
        var bytes = 0
        var dataBytes = 0
        var tick: UInt64 = 0
        var hits = 0
        var misses = 0
    }

    let maxEntries: Int
    let maxBytes: Int
    private let state = NIOLockedValueBox(State())
    private let versionGate = ReadGate<SiteStamp>()
    /// The addresses, as path components; parameters must be UUIDs.
    private let patterns: [[PathComponent]]

    /// The pages kept: what visitors read. Not the forms, not the sign-in
    /// pages, not the projector view, not calendar files.
    static let pages: [SiteURL] = [
        .home, .proposals, .followUp, .proposal(.key, .show), .transparency,
        .meetings, .meeting(.key, .show), .meeting(.key, .printableMinutes), .meeting(.key, .report),
        .polls, .poll(.key, .show), .poll(.key, .trackers),
        .namingDebate, .namingName(.key),
    ] + SiteURL.ContentSlug.allCases.map { .content($0) }

    /// The query keys those pages read; a query with any other is not kept.
    static let queryKeys: Set<String> = ["page", "theme", "territoire", "statut", "q", "tri", "au-revoir"]
    static let maxQueryValue = 120

    init(maxEntries: Int = 2_000, maxBytes: Int = 64 << 20) {
        self.maxEntries = maxEntries
        self.maxBytes = maxBytes
        self.patterns = Self.pages.map(\.pathComponents)
    }

    // MARK: Keys

    /// The key of a known address, or nil for anything else.
    func key(for url: URI) -> String? {
        let path = url.path
        guard path.utf8.count <= 200, matches(path) else { return nil }
        guard let query = url.query, !query.isEmpty else { return path }
        var pairs: [(String, String)] = []
        for part in query.split(separator: "&", omittingEmptySubsequences: true) {
            let pieces = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(pieces[0])
            let value = pieces.count > 1 ? String(pieces[1]) : ""
            guard Self.queryKeys.contains(name), value.utf8.count <= Self.maxQueryValue,
                  !pairs.contains(where: { $0.0 == name }) else { return nil }
            // The part as written: `au-revoir` and `au-revoir=` are read differently.
            pairs.append((name, String(part)))
        }
        // Order does not change the page; the raw parts do (as they are decoded).
        return path + "?" + pairs.sorted { $0.0 < $1.0 }.map(\.1).joined(separator: "&")
    }

    private func matches(_ path: String) -> Bool {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        let parts = segments.count == 1 && segments.first == "" ? [] : Array(segments)
        return patterns.contains { pattern in
            guard pattern.count == parts.count else { return false }
            for (component, part) in zip(pattern, parts) {
                switch component {
                case .constant(let text): if text != part { return false }
                case .parameter: if part.utf8.count != 36 || UUID(uuidString: String(part)) == nil { return false }
                default: return false
                }
            }
            return true
        }
    }

    // MARK: Freshness

    /// Reads the database's number; empties the cache if it moved or the
    /// clock passed a scheduled change. Returns the generation to store under.
    func refresh(on sql: any SQLDatabase, content: ContentStore?, now: Date) async throws -> UInt64 {
        try await withCheckedThrowingContinuation { continuation in
            refresh(on: sql, content: content, now: now) { continuation.resume(with: $0) }
        }
    }

    /// The same, answering `done` without a task of its own when nothing
    /// changed: the path of a page served from memory stays short.
    func refresh(on sql: any SQLDatabase, content: ContentStore?, now: Date,
                 done: @escaping @Sendable (Result<UInt64, any Error>) -> Void) {
        versionGate.read({
            SiteStamp(version: try await SiteVersion.read(on: sql), content: content?.fingerprint() ?? 0)
        }) { result in
            let stamp: SiteStamp
            switch result {
            case .failure(let error): return done(.failure(error))
            case .success(let read): stamp = read
            }
            let current = self.state.withLockedValue { state -> UInt64? in
                state.stamp == stamp && now < state.validUntil ? state.generation : nil
            }
            if let current { return done(.success(current)) }
            Task {
                do {
                    // Read after the number: a change committed in between makes the
                    // next request empty the cache again, never the other way round.
                    let until = try await SiteVersion.nextScheduledChange(after: now, on: sql)
                    done(.success(self.state.withLockedValue { state in
                        if state.stamp != stamp || now >= state.validUntil {
                            state.entries.removeAll(keepingCapacity: true)
                            state.data.removeAll(keepingCapacity: true)
                            state.bytes = 0
                            state.dataBytes = 0
                            state.generation &+= 1
                            state.stamp = stamp
                            state.validUntil = until
                        }
                        return state.generation
                    }))
                } catch {
                    done(.failure(error))
                }
            }
        }
    }

    func lookup(_ key: String, generation: UInt64) -> Entry? {
        state.withLockedValue { state in
            guard state.generation == generation, var entry = state.entries[key] else {
                state.misses += 1
                return nil
            }
            state.tick &+= 1
            entry.lastUsed = state.tick
            state.entries[key] = entry
            state.hits += 1
            return entry
        }
    }

    func store(_ key: String, body: ByteBuffer, contentType: String, cacheControl: String, generation: UInt64) {
        let size = body.readableBytes + key.utf8.count
        guard size <= maxBytes / 8 else { return }
        state.withLockedValue { state in
            guard state.generation == generation else { return }
            state.tick &+= 1
            if let old = state.entries.updateValue(Entry(body: body, contentType: contentType, cacheControl: cacheControl,
                                                         lastUsed: state.tick), forKey: key) {
                state.bytes -= old.body.readableBytes + key.utf8.count
            }
            state.bytes += size
            evict(&state.entries, bytes: &state.bytes, keeping: key, lastUsed: \.lastUsed) { $0.utf8.count + $1.body.readableBytes }
        }
    }

    /// The least recently used go, at least a quarter, until both limits
    /// hold (eviction stays rare); `keeping` (just stored) stays.
    private func evict<Value>(_ entries: inout [String: Value], bytes: inout Int, keeping: String,
                              lastUsed: (Value) -> UInt64, size: (String, Value) -> Int) {
        guard entries.count > maxEntries || bytes > maxBytes else { return }
        let quarter = max(1, entries.count / 4)
        for (index, (victim, entry)) in entries.sorted(by: { lastUsed($0.value) < lastUsed($1.value) }).enumerated() where victim != keeping {
            if index >= quarter && entries.count <= maxEntries && bytes <= maxBytes { break }
            entries[victim] = nil
            bytes -= size(victim, entry)
        }
    }

    /// Query results, under the same rules as pages: kept while the version
    /// and the clock say nothing changed, at most `maxEntries` of them.
    func data<T: Sendable>(_ key: String, generation: UInt64) -> T? {
        state.withLockedValue { state in
            guard state.generation == generation, let entry = state.data[key], let value = entry.value as? T else { return nil }
            state.tick &+= 1
            state.data[key]?.lastUsed = state.tick
            return value
        }
    }

    /// `cost`: about how many bytes `value` holds, counted against `maxBytes` as pages are.
    func storeData(_ key: String, _ value: any Sendable, cost: Int, generation: UInt64) {
        let cost = cost + key.utf8.count
        guard cost <= maxBytes / 8 else { return }
        state.withLockedValue { state in
            guard state.generation == generation else { return }
            state.tick &+= 1
            if let old = state.data.updateValue(DataEntry(value: value, cost: cost, lastUsed: state.tick), forKey: key) {
                state.dataBytes -= old.cost
            }
            state.dataBytes += cost
            evict(&state.data, bytes: &state.dataBytes, keeping: key, lastUsed: \.lastUsed) { $1.cost }
        }
    }

    /// For the tests and the benchmark: what is held now.
    var figures: (entries: Int, bytes: Int, hits: Int, misses: Int) {
        state.withLockedValue { ($0.entries.count, $0.bytes, $0.hits, $0.misses) }
    }

    var dataFigures: (entries: Int, bytes: Int) {
        state.withLockedValue { ($0.data.count, $0.dataBytes) }
    }
}

/// What a cached page depends on besides the clock.
struct SiteStamp: Sendable, Equatable {
    var version: Int64
    var content: Int
}

/// Reads shared by the requests that wait for them, each read begun after
/// every request it answers arrived: a request never gets a number read
/// before it came, so it never misses a write committed before it came.
/// Under load, one read answers every request that arrived during the
/// previous one, instead of a database round trip each.
final class ReadGate<Value: Sendable>: Sendable {
    typealias Waiter = @Sendable (Result<Value, any Error>) -> Void

    private struct State {
        var reading = false
        var waiting: [Waiter] = []
    }

    private let state = NIOLockedValueBox(State())

    func read(_ body: @escaping @Sendable () async throws -> Value) async throws -> Value {
        try await withCheckedThrowingContinuation { continuation in
            read(body) { continuation.resume(with: $0) }
        }
    }

    /// `done` is called once, from the reading task, with a read begun after this call.
    func read(_ body: @escaping @Sendable () async throws -> Value, done: @escaping Waiter) {
        let start = state.withLockedValue { state -> Bool in
            state.waiting.append(done)
            guard !state.reading else { return false }
            state.reading = true
            return true
        }
        if start { Task { await self.run(body) } }
    }

    /// Reads while anyone waits; each read answers those who were waiting when it began.
    private func run(_ body: @Sendable () async throws -> Value) async {
        while true {
            let batch = state.withLockedValue { state -> [Waiter] in
                let batch = state.waiting
                state.waiting = []
                if batch.isEmpty { state.reading = false }
                return batch
            }
            guard !batch.isEmpty else { return }
            let result: Result<Value, any Error>
            do { result = .success(try await body()) } catch { result = .failure(error) }
            for waiter in batch { waiter(result) }
        }
    }
}

/// Serves `PageCache` pages to visitors without a session, and keeps the ones rendered for them.
struct PageCacheMiddleware: Middleware {
    let sessionCookie: String
    let visitorCookie: String
    /// A kiosk sees its own pages only (`KioskMiddleware`), never kept ones.
    var kioskCookie = Kiosks.cookieName(secure: true)

    // Futures, not async: a page served from memory creates no task of its own.
    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        let cache = request.application.pageCache
        guard request.method == .GET, let key = cache.key(for: request.url) else { return next.respond(to: request) }
        let cookies = request.sentCookies
        guard cookies[sessionCookie] == nil, cookies[kioskCookie] == nil else { return next.respond(to: request) }
        // Served to a visitor with the visitor cookie; kept only from a visitor without one.
        let keeps = cookies[visitorCookie] == nil
        let promise = request.eventLoop.makePromise(of: UInt64.self)
        cache.refresh(on: request.db.sql, content: request.application.contentStore, now: request.now) { promise.completeWith($0) }
        return promise.futureResult.flatMap { generation -> EventLoopFuture<Response> in
            if let entry = cache.lookup(key, generation: generation) {
                request.storage[PageCacheServedKey.self] = true
                var headers = HTTPHeaders()
                headers.replaceOrAdd(name: .contentType, value: entry.contentType)
                headers.replaceOrAdd(name: .cacheControl, value: entry.cacheControl)
                return request.eventLoop.makeSucceededFuture(Response(status: .ok, headers: headers, body: .init(buffer: entry.body)))
            }
            return next.respond(to: request).map { response in
                if keeps, response.status == .ok, !response.headers.contains(name: .setCookie),
                   let contentType = response.headers.first(name: .contentType), contentType.hasPrefix("text/html"),
                   let body = response.body.buffer {
                    cache.store(key, body: body, contentType: contentType,
                                cacheControl: response.headers.first(name: .cacheControl) ?? "private, no-cache", generation: generation)
                }
                return response
            }
        }.flatMapError { error in
            // No version row: nothing is kept, the page is rendered as usual.
            error is SiteVersion.Missing ? next.respond(to: request) : request.eventLoop.makeFailedFuture(error)
        }
    }
}

extension Request {
    /// What `make` returns, computed once and kept while nothing the site
    /// shows changes (the rules of `PageCache`): for the lists that members'
    /// pages show, whose layout is their own. `key` must be built from
    /// checked values only; `make` must read nothing personal.
    /// `cost` estimates the bytes the value holds, for the cache's bound.
    /// `keeps`: whether a value is worth keeping (not a page that does not
    /// exist: made-up ids must not push real entries out).
    func cachedData<T: Sendable>(_ key: String, cost: (T) -> Int, keeps: (T) -> Bool = { _ in true },
                                 _ make: () async throws -> T) async throws -> T {
        let cache = application.pageCache
        let generation: UInt64
        do {
            generation = try await cache.refresh(on: db.sql, content: application.contentStore, now: application.clock.now())
        } catch is SiteVersion.Missing {
            return try await make()
        }
        if let value: T = cache.data(key, generation: generation) { return value }
        let value = try await make()
        if keeps(value) { cache.storeData(key, value, cost: cost(value), generation: generation) }
        return value
    }
}

extension Application {
    private struct PageCacheKey: StorageKey { typealias Value = PageCache }

    var pageCache: PageCache {
        get {
            if let cache = storage[PageCacheKey.self] { return cache }
            let cache = PageCache()
            storage[PageCacheKey.self] = cache
            return cache
        }
        set { storage[PageCacheKey.self] = newValue }
    }
}
