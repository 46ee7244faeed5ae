import Fluent
import Foundation

extension Administrators {
    static func count(on database: any Database) async throws -> Int {
        try await MemberRole.query(on: database)
            .filter(\.$role == .admin)
            .join(Member.self, on: \MemberRole.$member.$id == \Member.$id)
            .filter(Member.self, \.$status == .active)
            .count()
    }
}

extension Member {
    /// Deletes the account the way members are promised: the row stays so
    /// that contributions show "Ancien membre", but nothing about the person
    /// does, and every session ends.
    func anonymise(at now: Date, on database: any Database) async throws {
        let memberID = try requireID()
        try await database.transaction { database in
            self.pseudonym = nil
            self.pseudonymKey = nil
            self.passwordHash = nil
            self.status = .deleted
            self.deletedAt = now
            self.$territory.id = nil
            try await self.save(on: database)
            try await MemberRole.query(on: database).filter(\.$member.$id == memberID).delete()
            try await WebSessionRecord.query(on: database).filter(\.$memberID == memberID).delete()
            try await APIToken.query(on: database).filter(\.$member.$id == memberID).delete()
            try await AccessCard.query(on: database).filter(\.$member.$id == memberID).filter(\.$usedAt == nil).delete()
            try await MemberNotification.query(on: database).filter(\.$member.$id == memberID).delete()
            // Paper proposals that named them stay signed "reçue sur papier".
            try await Proposal.query(on: database).filter(\.$claimedAuthor.$id == memberID)
                .set(\.$claimedAuthor.$id, to: nil).update()
        }
    }
}
