import Fluent
import Vapor

/// The only way access cards are made: codes prepared (hashed) first, then stored together.
enum CardIssuing {
    struct PreparedCode {
        var code: String
        var lookup: String
        var hash: String
    }

    /// New codes with their hashes. Staff wait for the hashing places longer
    /// than sign-ins do: a batch is prepared whole before anything is stored.
    static func prepareCodes(count: Int, request: Request) async throws -> [PreparedCode] {
        try await prepareCodes(count: count, application: request.application, on: request.db)
    }

    static func prepareCodes(count: Int, application: Application, on database: any Database) async throws -> [PreparedCode] {
        var prepared: [PreparedCode] = []
        while prepared.count < count {
            let code = ActivationCode.make()
            let lookup = ActivationCode.lookup(of: code)
            guard !prepared.contains(where: { $0.lookup == lookup }),
                  try await AccessCard.query(on: database).filter(\.$lookup == lookup).count() == 0
            else { continue }
            let hash = try await SecretHasher.hash(code, application: application, forStaff: true)
            prepared.append(PreparedCode(code: code, lookup: lookup, hash: hash))
        }
        return prepared
    }

    /// Stores prepared cards; returns them with their codes, which exist only here.
    /// A replacement card for `member`, inside the caller's transaction: any
    /// unused card of the account is dropped, its password, sessions and API
    /// tokens end now, so the new card is the only way back in.
    static func replace(for member: Member, with prepared: PreparedCode, createdBy: UUID?, now: Date,
                        on database: any Database) async throws -> [AccessCardPages.IssuedCard] {
        let memberID = try member.requireID()
        try await AccessCard.query(on: database).filter(\.$member.$id == memberID).filter(\.$usedAt == nil).delete()
        member.passwordHash = nil
        try await member.save(on: database)
        try await WebSessionRecord.query(on: database).filter(\.$memberID == memberID).delete()
        try await APITokens.revokeAll(of: memberID, now: now, on: database)
        return try await store([prepared], territory: member.territory, member: member, createdBy: createdBy, now: now, on: database)
    }

    static func store(_ prepared: [PreparedCode], territory: Territory?, member: Member?, createdBy: UUID?, now: Date,
               on database: any Database) async throws -> [AccessCardPages.IssuedCard] {
        var issued: [AccessCardPages.IssuedCard] = []
        for code in prepared {
            let card = AccessCard(lookup: code.lookup, codeHash: code.hash, territoryID: territory?.id,
                                  memberID: member?.id, createdByID: createdBy, now: now)
            try await card.create(on: database)
            issued.append(.init(code: code.code, expiresAt: card.expiresAt, territory: territory?.name,
                                replacementFor: member?.publicName))
        }
        return issued
    }
}
