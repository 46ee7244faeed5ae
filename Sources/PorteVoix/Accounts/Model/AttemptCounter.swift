import Crypto
import Fluent
import SQLKit
import Vapor

/// Failed attempts (sign-in, activation codes) counted per account and per
/// address, in the database so that every instance sees them. Past a few free
/// failures, each new one doubles the wait, up to an hour.
final class AttemptCounter: Model, @unchecked Sendable {
    static let schema = "attempt_counters"

    /// SHA-256 of the kind and the key: no pseudonym or address in clear.
    @ID(custom: "id", generatedBy: .user) var id: String?
    @Field(key: "failures") var failures: Int
    @OptionalField(key: "blocked_until") var blockedUntil: Date?
    @Field(key: "last_failure_at") var lastFailureAt: Date

    init() {}

    init(id: String, now: Date) {
        self.id = id
        self.failures = 0
        self.lastFailureAt = now
    }
}

struct CreateAttemptCounters: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(AttemptCounter.schema)
            .field("id", .string, .identifier(auto: false))
            .field("failures", .int, .required)
            .field("blocked_until", .datetime)
            .field("last_failure_at", .datetime, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(AttemptCounter.schema).delete()
    }
}
