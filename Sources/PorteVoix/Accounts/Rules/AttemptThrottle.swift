import Crypto
import Fluent
import SQLKit
import Vapor

struct AttemptLimit: Sendable {
    /// Failures allowed before any wait.
    let freeFailures: Int
    /// The first wait; each further failure doubles it.
    let firstDelay: TimeInterval
    let longestDelay: TimeInterval
    /// A counter with no failure for this long starts again from zero.
    let forgetAfter: TimeInterval

    static let perAccount = AttemptLimit(freeFailures: 5, firstDelay: 60, longestDelay: 3600, forgetAfter: 86_400)
    static let perAddress = AttemptLimit(freeFailures: 20, firstDelay: 60, longestDelay: 3600, forgetAfter: 3600)

    func delay(afterFailures failures: Int) -> TimeInterval? {
        guard failures > freeFailures else { return nil }
        let doublings = min(failures - freeFailures - 1, 16)
        return min(longestDelay, firstDelay * pow(2, Double(doublings)))
    }
}

struct AttemptKey: Sendable {
    let id: String
    let limit: AttemptLimit

    init(_ kind: String, _ value: String, limit: AttemptLimit) {
        self.id = SecureToken.hash("\(kind):\(value)")
        self.limit = limit
    }
}

enum AttemptThrottle {
    /// When the visitor may try again, if any of the keys is blocked now.
    static func blockedUntil(_ keys: [AttemptKey], on database: any Database, now: Date) async throws -> Date? {
        let counters = try await AttemptCounter.query(on: database).filter(\.$id ~~ keys.map(\.id)).all()
        return counters.compactMap(\.blockedUntil).filter { $0 > now }.max()
    }

    /// Counts one failure per key in one statement each, so that 40 wrong
    /// passwords sent at once count 40 (a read then a write would lose some).
    static func recordFailure(_ keys: [AttemptKey], on database: any Database, now: Date) async throws {
        let sql = database.sql
        for key in keys {
            let forgetBefore = now.addingTimeInterval(-key.limit.forgetAfter)
            let failures = try await sql.raw("""
                INSERT INTO attempt_counters (id, failures, blocked_until, last_failure_at)
                VALUES (\(bind: key.id), 1, NULL, \(bind: now))
                ON CONFLICT (id) DO UPDATE SET
                  failures = CASE WHEN attempt_counters.last_failure_at < \(bind: forgetBefore) THEN 1
                                  ELSE attempt_counters.failures + 1 END,
                  last_failure_at = excluded.last_failure_at
                RETURNING failures
                """).first()?.decode(column: "failures", as: Int.self) ?? 1
            if let delay = key.limit.delay(afterFailures: failures) {
                // Only the latest failure sets the wait: an earlier one never shortens it.
                try await sql.raw("""
                    UPDATE attempt_counters SET blocked_until = \(bind: now.addingTimeInterval(delay))
                    WHERE id = \(bind: key.id) AND failures = \(bind: failures)
                    """).run()
            }
        }
    }

    static func reset(_ key: AttemptKey, on database: any Database) async throws {
        try await AttemptCounter.query(on: database).filter(\.$id == key.id).delete()
    }
}

extension AttemptKey {
    /// The counters a password check for this account goes under. On a
    /// browser where the member signed in before, failures count for that
    /// browser alone, so a stranger guessing elsewhere cannot lock it out;
    /// elsewhere, per account and per address. The first key is the one a
    /// success resets.
    static func password(pseudonymKey: String, member: Member?, request: Request) -> [AttemptKey] {
        if let device = request.knownDevice(of: member) {
            return [AttemptKey("connexion-appareil", device, limit: .perAccount)]
        }
        return [AttemptKey("connexion-compte", pseudonymKey, limit: .perAccount),
                AttemptKey("connexion-adresse", request.clientAddress, limit: .perAddress)]
    }
}

extension Request {
    /// The visitor's address, for attempt limits only (hashed, never stored in clear).
    var clientAddress: String {
        if application.settings.trustForwardedFor,
           let forwarded = headers.first(name: "X-Forwarded-For")?.split(separator: ",").last {
            return forwarded.trimmingCharacters(in: .whitespaces)
        }
        return remoteAddress?.ipAddress ?? "inconnue"
    }
}
