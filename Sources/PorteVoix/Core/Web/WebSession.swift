import Crypto
import Fluent
import NIOConcurrencyHelpers
import Vapor

/// A browser session, kept in the database so that several instances of the
/// site can share them on PostgreSQL.
///
/// The cookie holds a random token; the table holds only its SHA-256, so
/// someone who reads the database cannot take over a session.
final class WebSessionRecord: Model, @unchecked Sendable {
    static let schema = "web_sessions"

    /// Hex SHA-256 of the cookie token.
    @ID(custom: "id", generatedBy: .user) var id: String?
    /// The secret that every form of this session must send back (`_csrf`).
    @Field(key: "csrf_secret") var csrfSecret: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "last_seen_at") var lastSeenAt: Date
    /// When the session ends at the latest, whatever the activity.
    @Field(key: "expires_at") var expiresAt: Date
    /// The member signed in with this session (columns added by `CreateMembers`).
    @OptionalField(key: "member_id") var memberID: UUID?
    /// The access card whose code was typed, between the activation steps.
    @OptionalField(key: "activation_card_id") var activationCardID: UUID?
    /// Set on a session opened at a voting kiosk: shorter, and confined to the kiosk's pages.
    @OptionalField(key: "kiosk_id") var kioskID: UUID?
    /// A message for the next page ("Votre mot de passe est changé.").
    @OptionalField(key: "flash") var flash: String?

    init() {}

    init(tokenHash: String, csrfSecret: String, now: Date, lifetime: TimeInterval) {
        self.id = tokenHash
        self.csrfSecret = csrfSecret
        self.createdAt = now
        self.lastSeenAt = now
        self.expiresAt = now.addingTimeInterval(lifetime)
    }
}

struct CreateWebSessions: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(WebSessionRecord.schema)
            .field("id", .string, .identifier(auto: false))
            .field("csrf_secret", .string, .required)
            .field("created_at", .datetime, .required)
            .field("last_seen_at", .datetime, .required)
            .field("expires_at", .datetime, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(WebSessionRecord.schema).delete()
    }
}

/// Random tokens for sessions and forms.
public enum SecureToken {
    /// 256 bits from the system's CSPRNG, base64url without padding.
    public static func make() -> String {
        base64URL(SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) })
    }

    /// Base64url without padding: safe in cookies, URLs and attributes.
    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// HMAC-SHA256 of `message` with a site key, base64url: what signs the
    /// visitors' form tokens and the known-device tokens.
    static func signature(_ message: String, key: [UInt8]) -> String {
        base64URL(Data(HMAC<SHA256>.authenticationCode(for: Data(message.utf8), using: SymmetricKey(data: key))))
    }

    /// What the database keeps of a token: its SHA-256, in hex.
    public static func hash(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// Whether a cookie value could be one of our tokens (and is worth a query).
    static func isWellFormed(_ token: String) -> Bool {
        token.utf8.count == 43 && token.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A)
                || (byte >= 0x61 && byte <= 0x7A) || byte == 0x2D || byte == 0x5F
        }
    }

    /// Compares two secrets in time that depends only on their length.
    static func constantTimeEquals(_ lhs: String, _ rhs: String) -> Bool {
        let a = Array(lhs.utf8)
        let b = Array(rhs.utf8)
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices {
            difference |= a[index] ^ b[index]
        }
        return difference == 0
    }
}

/// The session of one request, as the sessions middleware found it and as
/// handlers change it.
final class WebSessionState: @unchecked Sendable {
    private let lock = NIOLock()
    private var _record: WebSessionRecord?
    private var _newToken: String?
    private var _ended = false
    var hadUnknownCookie = false
    /// The message left for this page by the previous one, already taken.
    var flash: String?
    /// The record changed beyond its time (a message taken or left): written
    /// at the end of the request. Tracked here, not with Fluent's
    /// `hasChanges`, which reflects every property of the model.
    var changed = false
    /// What the session's query read besides the session: its member,
    /// their roles and unread count (`CurrentMemberMiddleware` takes them).
    var loaded: SignedInRow?
    /// A visitor without a session: the random value of their visitor
    /// cookie, and whether this response sets it.
    var visitorNonce: String?
    var setsVisitorCookie = false

    init(record: WebSessionRecord?) {
        _record = record
    }

    var record: WebSessionRecord? { lock.withLock { _record } }
    var newToken: String? { lock.withLock { _newToken } }
    var ended: Bool { lock.withLock { _ended } }

    func replace(with record: WebSessionRecord?, token: String?) {
        lock.withLock {
            _record = record
            _newToken = token
            _ended = record == nil
        }
    }
}

/// Reads the session cookie, loads the session (with its member, their
/// roles and unread count, in one query: `SignedInRow`), and sets or clears
/// the cookie on the way out. Sessions end after `sessionIdleTimeout` without
/// activity and `sessionLifetime` after they began; the cookie has no expiry,
/// so it also ends when the browser closes (shared computers are common here).
///
/// Futures, not async, like the outer middlewares: a signed-in request
/// creates no task of its own here.
struct WebSessionMiddleware: Middleware {
    let settings: Settings

    var cookieName: String { Self.cookieName(secure: settings.secureCookies) }

    static func cookieName(secure: Bool) -> String {
        // The __Host- prefix makes browsers refuse the cookie unless it is
        // Secure, for this host only, on path / — it cannot be planted.
        secure ? "__Host-portevoix" : "portevoix"
    }

    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        let now = request.now
        let state = WebSessionState(record: nil)
        if let nonce = request.sentCookies[VisitorToken.cookieName(secure: settings.secureCookies)]?.string,
           SecureToken.isWellFormed(nonce) {
            state.visitorNonce = nonce
        }
        request.storage[WebSessionStorageKey.self] = state
        let loaded: EventLoopFuture<Void>
        if let token = request.sentCookies[cookieName]?.string {
            if SecureToken.isWellFormed(token) {
                loaded = SignedInRow.load(tokenHash: SecureToken.hash(token), on: request.db).flatMap { found in
                    guard let found else {
                        state.hadUnknownCookie = true
                        return request.eventLoop.makeSucceededVoidFuture()
                    }
                    guard isAlive(found.session, now: now) else {
                        state.hadUnknownCookie = true
                        return found.session.delete(on: request.db)
                    }
                    state.replace(with: found.session, token: nil)
                    state.loaded = found
                    if let flash = found.session.flash {
                        state.flash = flash
                        found.session.flash = nil
                        state.changed = true
                    }
                    return request.eventLoop.makeSucceededVoidFuture()
                }
            } else {
                state.hadUnknownCookie = true
                loaded = request.eventLoop.makeSucceededVoidFuture()
            }
        } else {
            loaded = request.eventLoop.makeSucceededVoidFuture()
        }
        return loaded.flatMap { next.respond(to: request) }.flatMap { response in
            finish(response, state: state, request: request, now: now)
        }
    }

    /// The cookies, and the session's new time (or message taken) saved.
    private func finish(_ response: Response, state: WebSessionState, request: Request, now: Date) -> EventLoopFuture<Response> {
        if state.setsVisitorCookie, let nonce = state.visitorNonce {
            response.cookies[VisitorToken.cookieName(secure: settings.secureCookies)] =
                VisitorToken.cookie(nonce, secure: settings.secureCookies)
        }
        if let token = state.newToken {
            response.cookies[cookieName] = cookie(token)
        } else if let record = state.record {
            let kioskAction = record.kioskID != nil && request.storage[KioskPassiveKey.self] != true
            let stale = record.kioskID == nil && now.timeIntervalSince(record.lastSeenAt) > 60
            let nearTheLimit = now.timeIntervalSince(record.lastSeenAt) > settings.sessionIdleTimeout - 600
            if stale || kioskAction {
                // Keeps the session alive; once a minute at most, to spare
                // writes (at a kiosk, every action counts: its limit is short).
                record.lastSeenAt = now
            }
            // Near the idle limit it is written at once: another request a
            // second later must not find it idle and end it.
            if stale && !state.changed && !nearTheLimit, let id = record.id {
                // Its time alone: written with the others' in a few seconds.
                request.application.sessionTouches.note(id, at: now)
            } else if stale || kioskAction || state.changed {
                return record.update(on: request.db).map { response }.flatMapError { error in
                    // The answer is already decided (a vote's tracker may be in
                    // it): a session that could not be touched keeps its old time.
                    guard let fault = DatabaseFault(error) else { return request.eventLoop.makeFailedFuture(error) }
                    request.noteFault(fault, error)
                    return request.eventLoop.makeSucceededFuture(response)
                }
            }
        } else if state.ended || state.hadUnknownCookie {
            // Expired with the attributes it was set with (Secure included),
            // so that every browser drops it.
            response.cookies[cookieName] = .expired(secure: settings.secureCookies)
        }
        return request.eventLoop.makeSucceededFuture(response)
    }

    func isAlive(_ record: WebSessionRecord, now: Date) -> Bool {
        record.expiresAt > now && now.timeIntervalSince(record.lastSeenAt) < settings.sessionIdleTimeout
    }

    func cookie(_ token: String) -> HTTPCookies.Value {
        HTTPCookies.Value(
            string: token, expires: nil, maxAge: nil, domain: nil, path: "/",
            isSecure: settings.secureCookies, isHTTPOnly: true, sameSite: .lax
        )
    }
}

/// Deletes ended sessions from time to time (at most once an hour, when a
/// new session starts), so the table does not grow without end.
final class SessionCleanup: Sendable {
    private let lastRun = NIOLockedValueBox<Date>(.distantPast)

    func runIfDue(on database: any Database, settings: Settings, now: Date) async throws {
        let due = lastRun.withLockedValue { last -> Bool in
            guard now.timeIntervalSince(last) > 3600 else { return false }
            last = now
            return true
        }
        guard due else { return }
        try await WebSessionRecord.query(on: database)
            .group(.or) { group in
                group.filter(\.$expiresAt <= now)
                group.filter(\.$lastSeenAt <= now.addingTimeInterval(-settings.sessionIdleTimeout))
            }
            .delete()
    }
}

struct WebSessionStorageKey: StorageKey {
    typealias Value = WebSessionState
}

extension Request {
    var webSession: WebSessionState {
        get throws {
            guard let state = storage[WebSessionStorageKey.self] else {
                throw Abort(.internalServerError, reason: "WebSessionMiddleware is not installed")
            }
            return state
        }
    }

    /// The form token of this visitor: the session's, or for a visitor
    /// without one a stateless signed token (nothing is written). Every form
    /// puts it in a hidden `_csrf` field.
    public func csrfToken() async throws -> String {
        let state = try webSession
        if let record = state.record {
            return record.csrfSecret
        }
        if state.visitorNonce == nil {
            state.visitorNonce = SecureToken.make()
            state.setsVisitorCookie = true
        }
        return VisitorToken.make(nonce: state.visitorNonce!, key: application.siteKeys.signing, now: application.clock.now())
    }

    /// Gives the session a new id and a new form token, keeping nothing a
    /// previous holder of the cookie could use. Called at sign-in, with the
    /// member who signs in.
    public func rotateSession(memberID: UUID? = nil) async throws {
        let state = try webSession
        if let old = state.record {
            try await old.delete(on: db)
        }
        _ = try await startSession(state, memberID: memberID)
    }

    /// Leaves a message for the next page the visitor sees.
    public func setFlash(_ message: String) async throws {
        let state = try webSession
        let record: WebSessionRecord
        if let existing = state.record { record = existing } else { record = try await startSession(state) }
        record.flash = message
        state.changed = true
        if state.newToken != nil {
            try await record.update(on: db)
        }
    }

    /// Remembers the access card whose code was just typed, for the next step.
    func setActivationCard(_ cardID: UUID?) async throws {
        let state = try webSession
        let record: WebSessionRecord
        if let existing = state.record { record = existing } else { record = try await startSession(state) }
        record.activationCardID = cardID
        try await record.update(on: db)
    }

    /// Ends the session: the row is deleted and the cookie cleared.
    public func endSession() async throws {
        let state = try webSession
        if let old = state.record {
            try await old.delete(on: db)
        }
        state.replace(with: nil, token: nil)
    }

    private func startSession(_ state: WebSessionState, memberID: UUID? = nil) async throws -> WebSessionRecord {
        let settings = application.settings
        try await application.sessionCleanup.runIfDue(on: db, settings: settings, now: now)
        let token = SecureToken.make()
        let record = WebSessionRecord(
            tokenHash: SecureToken.hash(token), csrfSecret: SecureToken.make(),
            now: now, lifetime: settings.sessionLifetime
        )
        record.memberID = memberID
        record.kioskID = kiosk?.id
        try await record.create(on: db)
        state.replace(with: record, token: token)
        return record
    }
}

extension Application {
    private struct SessionCleanupKey: StorageKey { typealias Value = SessionCleanup }

    var sessionCleanup: SessionCleanup {
        if let cleanup = storage[SessionCleanupKey.self] { return cleanup }
        let cleanup = SessionCleanup()
        storage[SessionCleanupKey.self] = cleanup
        return cleanup
    }
}

private struct SentCookiesKey: StorageKey { typealias Value = HTTPCookies }

extension Request {
    /// The cookies the browser sent, parsed once per request: Vapor's
    /// `cookies` parses the header again at every read, and the page cache,
    /// the sessions and the kiosk each read it.
    var sentCookies: HTTPCookies {
        if let parsed = storage[SentCookiesKey.self] { return parsed }
        let parsed = headers.contains(name: .cookie) ? cookies : HTTPCookies()
        storage[SentCookiesKey.self] = parsed
        return parsed
    }
}

extension HTTPCookies.Value {
    /// A cookie that ends now, with the attributes it was set with (Secure
    /// included), so that every browser drops it.
    static func expired(secure: Bool, sameSite: HTTPCookies.SameSitePolicy = .lax) -> HTTPCookies.Value {
        HTTPCookies.Value(string: "", expires: Date(timeIntervalSince1970: 0), maxAge: 0, domain: nil, path: "/",
                          isSecure: secure, isHTTPOnly: true, sameSite: sameSite)
    }
}
