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
        var prepared: [PreparedCode] = []
        while prepared.count < count {
            let code = ActivationCode.make()
            let lookup = ActivationCode.lookup(of: code)
            guard !prepared.contains(where: { $0.lookup == lookup }),
                  try await AccessCard.query(on: request.db).filter(\.$lookup == lookup).count() == 0
            else { continue }
            let hash = try await SecretHasher.hash(code, application: request.application, forStaff: true)
            prepared.append(PreparedCode(code: code, lookup: lookup, hash: hash))
        }
        return prepared
    }

    /// Stores prepared cards; returns them with their codes, which exist only here.
    static func store(_ prepared: [PreparedCode], territory: Territory?, member: Member?, createdBy: UUID?,
               on database: any Database) async throws -> [AccessCardPages.IssuedCard] {
        let now = Date()
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
