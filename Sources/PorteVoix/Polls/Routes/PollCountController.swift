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

    func countForm(request: Request) async throws -> Response {
        let poll = try await sealedAwaitingCount(request)
        let model = PollPages.CountModel(poll: PollSummary(poll, asOf: Date()), csrf: try await request.csrfToken())
        return PollPages.count(model, context: request.pageContext).response(status: .ok).noStore()
    }

    /// The holders type their shares one after the other on one device, and
    /// the form is sent once: nothing waits on the server between two holders.
    func countWithShares(request: Request) async throws -> Response {
        let poll = try await sealedAwaitingCount(request)
        let holders = poll.holderNames
        var model = PollPages.CountModel(poll: PollSummary(poll, asOf: Date()), csrf: try await request.csrfToken())
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
            try await request.audit("poll.count.refused", about: .poll(pollID), audit)
            model.missing = poll.keyThreshold - accepted.count
            // The page holds the shares typed so far: never kept in a cache.
            return PollPages.count(model, context: request.pageContext).response(status: .unprocessableEntity).noStore()
        }
        guard let privateKey = try? SecretSharing.combine(accepted, threshold: poll.keyThreshold),
              let publicKey = try? BallotSeal.publicKey(of: privateKey),
              Data(publicKey).base64EncodedString() == poll.publicKey
        else {
            try await request.audit("poll.count.refused", about: .poll(pollID), audit.merging(["mismatch": "1"]) { $1 })
            model.mismatch = true
            return PollPages.count(model, context: request.pageContext).response(status: .unprocessableEntity).noStore()
        }
        guard try await PollCount.count(poll, privateKey: privateKey, app: request.application) else {
            // Other holders counted at the same moment: their count stands, and it is theirs in the log.
            try await request.setFlash("L'urne vient d'être dépouillée par d'autres détenteurs de clés. Les résultats sont publiés.")
            return request.redirect(to: .poll(try poll.requireID()))
        }
        try await request.audit("poll.count", about: .poll(pollID), audit)
        try await request.setFlash("L'urne est dépouillée. Les résultats sont publiés.")
        return request.redirect(to: .poll(try poll.requireID()))
    }
}
