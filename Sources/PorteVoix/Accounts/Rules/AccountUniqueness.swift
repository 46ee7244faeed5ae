import Fluent
import Foundation

/// A card activates one account; a pseudonym, or one that looks like it, belongs to one member.
struct CardAlreadyUsed: Error {}

extension AccessCard {
    /// Marks the card used by `memberID`, or throws `CardAlreadyUsed` when
    /// another request used it first.
    static func claim(_ cardID: UUID, for memberID: UUID, at now: Date, on database: any Database) async throws {
        let claim = UUID()
        try await AccessCard.query(on: database)
            .filter(\.$id == cardID)
            .filter(\.$usedAt == nil)
            .set(\.$usedAt, to: now)
            .set(\.$claimID, to: claim)
            .set(\.$member.$id, to: memberID)
            .update()
        guard try await AccessCard.find(cardID, on: database)?.claimID == claim else {
            throw CardAlreadyUsed()
        }
    }
}

extension Member {
    /// Whether another member has this pseudonym, or one that looks like it
    /// (same skeleton: "Marie" and "Mаrie" with a Cyrillic а, "Bernard" and "Bemard").
    static func isTaken(_ pseudonym: Pseudonym, except memberID: UUID? = nil, on database: any Database) async throws -> Bool {
        var query = Member.query(on: database).filter(\.$pseudonymKey == pseudonym.key)
        if let memberID { query = query.filter(\.$id != memberID) }
        if try await query.count() > 0 { return true }
        // Councils count hundreds of members: comparing skeletons in memory is cheap.
        let skeleton = Pseudonym.skeleton(pseudonym.display)
        var others = Member.query(on: database).filter(\.$pseudonym != nil)
        if let memberID { others = others.filter(\.$id != memberID) }
        return try await others.all(\.$pseudonym).contains { $0.map(Pseudonym.skeleton) == skeleton }
    }
}

