import Fluent
import Plot
import Vapor
import Voting

/// Counting a sealed box with its key holders' shares.
struct PollCountController {
    // MARK: Counting a sealed box

    func sealedAwaitingCount(_ request: Request) async throws -> Poll {
        let poll = try await PollLookup.find(request)
        guard poll.awaitsKeyHolders else {
            throw PageError(.conflict, title: "Pas de dépouillement à faire",
                            message: poll.countedAt != nil ? "Ce scrutin est déjà dépouillé."
                                : poll.custody == .standard ? "Ce scrutin est dépouillé automatiquement à sa clôture."
                                : "Ce scrutin n'est pas encore clos.")
        }
        return poll
    }

    /// Organisers follow the count; each key holder gives their own share.
    /// Anyone else is told nothing of who holds a key.
    func custodyPage(_ poll: Poll, holders rows: [PollKeyShare], request: Request) async throws -> PollPages.CustodyModel {
        let member = try request.requireMember()
        let memberID = try member.requireID()
        let own = rows.first { $0.$member.id == memberID }
        guard own != nil || !member.roles.isDisjoint(with: Role.organisers) else { throw Abort(.notFound) }
        return PollPages.CustodyModel(
            poll: PollSummary(poll, asOf: request.now), csrf: try await request.csrfToken(),
            holders: rows.map(\.line), ownNumber: own?.holder, ownGiven: own?.givenShare != nil
        )
    }

    func countForm(request: Request) async throws -> Response {
        let poll = try await sealedAwaitingCount(request)
        let holders = try await KeyCustody.holders(pollID: poll.requireID(), on: request.db)
        if !holders.isEmpty {
            let model = try await custodyPage(poll, holders: holders, request: request)
            return PollPages.custodyCount(model, context: request.pageContext).response(status: .ok).noStore()
        }
        try requireOrganiser(request)
        let model = PollPages.CountModel(poll: PollSummary(poll, asOf: request.now), csrf: try await request.csrfToken())
        return PollPages.count(model, context: request.pageContext).response(status: .ok).noStore()
    }

    func requireOrganiser(_ request: Request) throws {
        guard request.member?.roles.isDisjoint(with: Role.organisers) == false else { throw Abort(.notFound) }
    }

    /// A holder gives their own share, signed in as themselves. It waits
    /// wrapped under the master key until enough holders have given theirs;
    /// the box opens then, and every given share is erased.
    func giveShare(_ poll: Poll, holders: [PollKeyShare], request: Request) async throws -> Response {
        let member = try request.requireMember()
        let pollID = try poll.requireID()
        let master = request.application.siteKeys.ballotMaster
        let typed = String(((try? request.content.get(String.self, at: "part")) ?? "").prefix(PollLimits.typedShare))
        // Someone who holds no key of this poll typing one of its shares: journaled, whoever they are.
        if !holders.contains(where: { $0.$member.id == member.id }),
           (try? KeyShareCode.decode(typed, pollIdentifier: poll.identifier)) != nil {
            try await request.audit(.pollCountShareNotHolder, about: .poll(pollID))
        }
        var model = try await custodyPage(poll, holders: holders, request: request)
        model.typed = typed
        func refuse(_ message: String, status: HTTPStatus = .unprocessableEntity) -> Response {
            model.errors.add("part", message)
            return PollPages.custodyCount(model, context: request.pageContext).response(status: status).noStore()
        }
        switch try await KeyCustody.give(typed, poll: poll, memberID: member.requireID(), master: master, clock: request.application.clock, on: request.db) {
        case .needsAMember:
            return refuse("Votre part n'est pas gardée pour l'instant : avec elle, toutes les parts données viendraient de comptes "
                + "qui ont aujourd'hui un rôle d'animation, d'agent ou d'administration. Il faut d'abord la part d'au moins un "
                + "membre du conseil sans rôle ; revenez ensuite taper la vôtre.", status: .conflict)
        case .notHolder:
            return refuse("Vous ne détenez pas de part de clé pour ce vote : seuls ses détenteurs tapent leur part, "
                + "chacun depuis son propre compte.", status: .forbidden)
        case .counted:
            try await request.setFlash("L'urne est déjà dépouillée : votre part n'est plus utile, et n'a pas été gardée.")
            return request.redirect(to: .poll(pollID))
        case .alreadyGiven:
            return refuse("Vous avez déjà donné votre part. Il faut maintenant celles d'autres détenteurs.", status: .conflict)
        case .mistyped:
            return refuse("Cette part est mal tapée : vérifiez chaque caractère. Les lettres O, I et L peuvent être tapées 0, 1 et 1.")
        case .otherPoll:
            return refuse("Cette part appartient à un autre vote.")
        case .otherHolder(let number):
            // Someone typing another holder's share: refused, and the journal says so.
            try await request.audit(.pollCountShareOtherHolder, about: .poll(pollID),
                                    ["holder": String(model.ownNumber ?? 0), "typed": String(number)])
            let owner = model.holders.first { $0.number == number }?.name
            return refuse("Cette part est celle du détenteur n° \(number)\(owner.map { " (\($0))" } ?? "") : chaque détenteur tape "
                + "sa propre part, depuis son propre compte. Ce refus est écrit dans le journal des actions.", status: .forbidden)
        case .notTheShareHandedOut:
            try await request.audit(.pollCountShareRefused, about: .poll(pollID), ["holder": String(model.ownNumber ?? 0)])
            return refuse("Cette part ne correspond pas à celle qui vous a été remise. Vérifiez-la et retapez-la.")
        case .accepted(let given):
            try await request.audit(.pollCountShare, about: .poll(pollID),
                                    ["holder": String(model.ownNumber ?? 0), "given": String(given), "threshold": String(poll.keyThreshold)])
            guard given >= poll.keyThreshold else {
                try await request.setFlash("Votre part est enregistrée (\(given) sur \(poll.keyThreshold) nécessaires). "
                    + "L'urne s'ouvrira quand d'autres détenteurs auront donné la leur.")
                return request.redirect(to: .poll(pollID, .count))
            }
            let shares = try await KeyCustody.givenShares(poll, master: master, on: request.db)
            guard let privateKey = try? SecretSharing.combine(shares, threshold: poll.keyThreshold),
                  let publicKey = try? BallotSeal.publicKey(of: privateKey),
                  Data(publicKey).base64EncodedString() == poll.publicKey
            else {
                // Cannot happen with fingerprinted shares; if it does, nothing given is kept.
                try await KeyCustody.forgetGivenShares(pollID: pollID, on: request.db.sql)
                try await request.audit(.pollCountRefused, about: .poll(pollID),
                                        ["accepted": String(shares.count), "threshold": String(poll.keyThreshold), "mismatch": "1"])
                return refuse("Ces parts ne permettent pas d'ouvrir cette urne : chaque détenteur doit retaper la sienne.")
            }
            let counted: Bool
            do {
                counted = try await PollCount.count(poll, privateKey: privateKey, app: request.application)
            } catch {
                // The box stays sealed; the shares given are not kept: the holders type them again.
                try await KeyCustody.forgetGivenShares(pollID: pollID, on: request.db.sql)
                await KeyCustody.scrub(request.application)
                throw error
            }
            guard counted else {
                try await KeyCustody.forgetGivenShares(pollID: pollID, on: request.db.sql)
                try await request.setFlash("L'urne vient d'être dépouillée. Les résultats sont publiés.")
                return request.redirect(to: .poll(pollID))
            }
            try await request.audit(.pollCount, about: .poll(pollID),
                                    ["accepted": String(shares.count), "threshold": String(poll.keyThreshold)])
            try await request.setFlash("L'urne est dépouillée. Les résultats sont publiés.")
            return request.redirect(to: .poll(pollID))
        }
    }

    // MARK: A holder's own share

    func ownShare(_ request: Request) async throws -> (Poll, PollKeyShare) {
        // A draft too: holders open their shares before the poll opens. The
        // poll exists for this member only if they hold one of its keys.
        guard let id = request.id(.poll), let poll = try await Poll.find(id, on: request.db) else { throw Abort(.notFound) }
        guard let row = try await PollKeyShare.query(on: request.db).filter(\.$pollID == poll.requireID())
            .filter(\.$member.$id == request.requireMember().requireID()).first()
        else { throw Abort(.notFound) }
        return (poll, row)
    }

    func myShareForm(request: Request) async throws -> Response {
        let (poll, row) = try await ownShare(request)
        let model = PollPages.MyShareModel(poll: PollSummary(poll, asOf: request.now), number: row.holder,
                                           holders: poll.holderNames.count, fetchedAt: row.fetchedAt,
                                           csrf: try await request.csrfToken())
        return PollPages.myShare(model, context: request.pageContext).response(status: .ok).noStore()
    }

    /// Shows the share once and deletes it from the server in the same step.
    func fetchMyShare(request: Request) async throws -> Response {
        let (poll, row) = try await ownShare(request)
        var model = PollPages.MyShareModel(poll: PollSummary(poll, asOf: request.now), number: row.holder,
                                           holders: poll.holderNames.count, fetchedAt: row.fetchedAt,
                                           csrf: try await request.csrfToken())
        switch try await KeyCustody.fetch(pollID: poll.requireID(), identifier: poll.identifier,
                                          memberID: request.requireMember().requireID(),
                                          master: request.application.siteKeys.ballotMaster, clock: request.application.clock, on: request.db) {
        case .notHolder: throw Abort(.notFound)
        case .alreadyFetched(let date):
            model.fetchedAt = date
            return PollPages.myShare(model, context: request.pageContext).response(status: .conflict).noStore()
        case .share(let code, _):
            try await request.audit(.pollShareFetched, about: .poll(try poll.requireID()), ["holder": String(row.holder)])
            await KeyCustody.scrub(request.application)
            model.code = code
            return PollPages.myShare(model, context: request.pageContext).response(status: .ok).noStore()
        }
    }

    /// Polls created before key holders were accounts: the holders typed
    /// their printed shares one after the other on one device.
    func countWithShares(request: Request) async throws -> Response {
        let poll = try await sealedAwaitingCount(request)
        let keyHolders = try await KeyCustody.holders(pollID: poll.requireID(), on: request.db)
        if !keyHolders.isEmpty {
            return try await giveShare(poll, holders: keyHolders, request: request)
        }
        try requireOrganiser(request)
        let holders = poll.holderNames
        var model = PollPages.CountModel(poll: PollSummary(poll, asOf: request.now), csrf: try await request.csrfToken())
        var accepted: [SecretSharing.Share] = []
        for (index, name) in holders.enumerated() {
            let number = index + 1
            let typed = String(((try? request.content.get(String.self, at: "part-\(number)")) ?? "").prefix(PollLimits.typedShare))
            model.typed[number] = typed
            guard !typed.trimmingCharacters(in: .whitespaces).isEmpty else { continue }
            do throws(KeyShareCode.Problem) {
                let decoded = try KeyShareCode.decode(typed, pollIdentifier: poll.identifier)
                if Int(decoded.share.holder) != number {
                    let owner = holders.indices.contains(Int(decoded.share.holder) - 1) ? holders[Int(decoded.share.holder) - 1] : "?"
                    model.errors.add("part-\(number)", "La part tapée pour \(name) (n° \(number)) est celle de \(owner) "
                        + "(n° \(decoded.share.holder)) : tapez chaque part dans la case de son détenteur.")
                } else {
                    accepted.append(decoded.share)
                }
            } catch .otherPoll {
                model.errors.add("part-\(number)", "La part de \(name) (n° \(number)) appartient à un autre scrutin.")
            } catch {
                model.errors.add("part-\(number)", "La part de \(name) (n° \(number)) est mal tapée : vérifiez chaque caractère.")
            }
        }
        let audit = ["accepted": String(accepted.count), "threshold": String(poll.keyThreshold)]
        let pollID = try poll.requireID()
        guard accepted.count >= poll.keyThreshold else {
            try await request.audit(.pollCountRefused, about: .poll(pollID), audit)
            model.missing = poll.keyThreshold - accepted.count
            // The page holds the shares typed so far: never kept in a cache.
            return PollPages.count(model, context: request.pageContext).response(status: .unprocessableEntity).noStore()
        }
        guard let privateKey = try? SecretSharing.combine(accepted, threshold: poll.keyThreshold),
              let publicKey = try? BallotSeal.publicKey(of: privateKey),
              Data(publicKey).base64EncodedString() == poll.publicKey
        else {
            try await request.audit(.pollCountRefused, about: .poll(pollID), audit.merging(["mismatch": "1"]) { $1 })
            model.mismatch = true
            return PollPages.count(model, context: request.pageContext).response(status: .unprocessableEntity).noStore()
        }
        guard try await PollCount.count(poll, privateKey: privateKey, app: request.application) else {
            // Other holders counted at the same moment: their count stands, and it is theirs in the log.
            try await request.setFlash("L'urne vient d'être dépouillée par d'autres détenteurs de clés. Les résultats sont publiés.")
            return request.redirect(to: .poll(try poll.requireID()))
        }
        try await request.audit(.pollCount, about: .poll(pollID), audit)
        try await request.setFlash("L'urne est dépouillée. Les résultats sont publiés.")
        return request.redirect(to: .poll(try poll.requireID()))
    }
}
