import Fluent
import Foundation

/// The one writer of an account's status (pending, active, suspended;
/// deleted is `Member.anonymise`, in AccountRemoval): accepting the
/// charter, an administrator's suspension and reactivation.
enum MemberStatusRules {
    /// The charter accepted: the account takes part from now on.
    static func acceptCharter(_ member: Member, now: Date, on database: any Database) async throws {
        member.status = .active
        member.acceptCharter(at: now)
        try await member.save(on: database)
    }

    /// Suspended and signed out everywhere at once: sessions and API tokens end.
    static func suspend(_ member: Member, now: Date, on database: any Database) async throws {
        let memberID = try member.requireID()
        member.status = .suspended
        try await member.save(on: database)
        try await WebSessionRecord.query(on: database).filter(\.$memberID == memberID).delete()
        try await APITokens.revokeAll(of: memberID, now: now, on: database)
    }

    /// Back as it was before: active once the charter was accepted, pending otherwise.
    static func reactivate(_ member: Member, on database: any Database) async throws {
        member.status = member.charterAcceptedAt == nil ? .pending : .active
        try await member.save(on: database)
    }
}
