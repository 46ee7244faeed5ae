import Fluent
import SQLKit
import Plot
import Vapor

/// Helping a member back in: a replacement card (asked by one member of staff,
/// confirmed by another when the account holds a role), or lifting a sign-in pause.
struct CardReplacementsController {
    struct ReplacementForm: Content { var pseudonyme: String? }
    func createReplacement(request: Request) async throws -> Response {
        let typed = String(((try? request.content.decode(ReplacementForm.self))?.pseudonyme ?? "").prefix(AccountLimits.keptPseudonym))
        let actor = try request.requireMember()
        var model = try await AccessCardQueries.pageModel(request)
        model.typedPseudonym = typed
        guard model.publicAddress != nil else { return AccessCardsController.missingAddress(model, request: request) }
        let member = try await Member.query(on: request.db)
            .filter(\.$pseudonymKey == Pseudonym.key(for: typed))
            .filter(\.$status != .deleted)
            .with(\.$territory).with(\.$roleRows)
            .first()
        guard let member else {
            model.errors.add("pseudonyme", typed.isEmpty
                ? "Indiquez le pseudonyme du membre."
                : "Aucun membre n'a ce pseudonyme. Vérifiez l'orthographe avec la personne.")
            return AccessCardPages.form(model, context: request.pageContext).response(status: .unprocessableEntity)
        }
        let memberID = try member.requireID()
        let replacement = CardReplacement(memberID: memberID, requester: actor)
        switch CardReplacementRules.decide(actor: actor, target: member) {
        case .refused(let reason):
            model.errors.add("pseudonyme", reason)
            try await request.audit("cards.replacement.refused", about: .member(memberID))
            return AccessCardPages.form(model, context: request.pageContext).response(status: .forbidden)
        case .needsConfirmation:
            if try await CardReplacement.query(on: request.db).filter(\.$member.$id == memberID)
                .filter(\.$confirmedAt == nil).count() == 0 {
                try await replacement.create(on: request.db)
                try await request.audit("cards.replacement.request", about: .member(memberID))
            }
            try await request.setFlash("La demande est notée. Une autre personne (animatrice, animateur ou administrateur) "
                + "doit la confirmer ici pour imprimer la carte.")
            return request.redirect(to: .admin(.cards))
        case .issue:
            try await replacement.create(on: request.db)
            return try await issueReplacement(replacement, for: member, by: actor, request: request)
        }
    }

    func confirmReplacement(request: Request) async throws -> Response {
        let actor = try request.requireMember()
        guard let id = request.id(.replacement),
              let replacement = try await CardReplacement.query(on: request.db).filter(\.$id == id)
                .filter(\.$confirmedAt == nil).first(),
              let member = try await Member.query(on: request.db).filter(\.$id == replacement.$member.id)
                .filter(\.$status != .deleted).with(\.$territory).with(\.$roleRows).first()
        else {
            throw PageError(.notFound, title: "Cette demande n'existe plus",
                            message: "Elle a peut-être déjà été confirmée. Revenez à la page des cartes d'accès.")
        }
        // The roles are read again now: they may have changed since the request.
        switch CardReplacementRules.decide(actor: actor, target: member, requester: replacement.$requestedBy.id) {
        case .refused(let reason):
            var model = try await AccessCardQueries.pageModel(request)
            model.errors.add("pseudonyme", reason)
            return AccessCardPages.form(model, context: request.pageContext).response(status: .forbidden)
        case .needsConfirmation, .issue:
            return try await issueReplacement(replacement, for: member, by: actor, request: request)
        }
    }

    /// With the member in front of them, a facilitator or an administrator
    /// lifts the pause that failed sign-ins put on the account (and on the
    /// address they are both using), for a member with no remembered browser.
    func liftSignInBlock(request: Request) async throws -> Response {
        let typed = String(((try? request.content.get(String.self, at: "debloquer")) ?? "").prefix(AccountLimits.keptPseudonym))
        var model = try await AccessCardQueries.pageModel(request)
        model.typedUnblock = typed
        guard let member = try await Member.query(on: request.db)
            .filter(\.$pseudonymKey == Pseudonym.key(for: typed)).filter(\.$status != .deleted).with(\.$roleRows).first()
        else {
            model.errors.add("debloquer", typed.isEmpty
                ? "Indiquez le pseudonyme du membre."
                : "Aucun membre n'a ce pseudonyme. Vérifiez l'orthographe avec la personne.")
            return AccessCardPages.form(model, context: request.pageContext).response(status: .unprocessableEntity)
        }
        // As for replacement cards: accounts with a role are an administrator's to unblock.
        if CardReplacementRules.isPrivileged(member), request.member?.roles.contains(.admin) != true {
            model.errors.add("debloquer", "Ce compte a un rôle (animation, modération, agent ou administration) : "
                + "seul un administrateur peut débloquer sa connexion.")
            return AccessCardPages.form(model, context: request.pageContext).response(status: .forbidden)
        }
        // The counters a browser the member never used goes under: this one's.
        let keys = AttemptKey.password(pseudonymKey: Pseudonym.key(for: typed), member: nil, request: request)
        guard try await AttemptThrottle.blockedUntil(keys, on: request.db) != nil else {
            try await request.setFlash("La connexion de « \(member.publicName) » n'est pas bloquée. Si elle ou il n'arrive pas "
                + "à se connecter, vérifiez le pseudonyme ; un mot de passe oublié demande une carte de remplacement.")
            return request.redirect(to: .admin(.cards))
        }
        for key in keys { try await AttemptThrottle.reset(key, on: request.db) }
        try await request.audit("signin.unblock", about: .member(try member.requireID()))
        try await request.setFlash("La connexion de « \(member.publicName) » est débloquée : elle ou il peut se connecter tout de suite.")
        return request.redirect(to: .admin(.cards))
    }

    /// Issues the card: the old password stops working and every session of
    /// the account ends now, so the card is the only way back in.
    func issueReplacement(_ replacement: CardReplacement, for member: Member, by actor: Member,
                          request: Request) async throws -> Response {
        guard let address = try await request.publicAddress() else {
            return AccessCardsController.missingAddress(try await AccessCardQueries.pageModel(request), request: request)
        }
        let memberID = try member.requireID()
        // The slow part first: if the server is too busy to hash the code,
        // nothing has changed yet and the request can be confirmed again.
        let prepared = try await CardIssuing.prepareCodes(count: 1, request: request)
        let now = Date()
        let requester = try await replacement.$requestedBy.get(on: request.db)
        let issued = try await request.db.transaction { database -> [AccessCardPages.IssuedCard]? in
            let claimed = try await database.sql.raw("""
                UPDATE card_replacements SET confirmed_at = \(bind: now), confirmed_by = \(bind: actor.id),
                  confirmed_by_roles = \(bind: CardReplacement.roles(of: actor))
                WHERE id = \(bind: replacement.requireID()) AND confirmed_at IS NULL RETURNING id
                """).all()
            guard !claimed.isEmpty else { return nil }
            // A new card replaces any unused one for the same account.
            try await AccessCard.query(on: database).filter(\.$member.$id == memberID).filter(\.$usedAt == nil).delete()
            member.passwordHash = nil
            try await member.save(on: database)
            try await WebSessionRecord.query(on: database).filter(\.$memberID == memberID).delete()
            try await APITokens.revokeAll(of: memberID, on: database)
            let issued = try await CardIssuing.store(prepared, territory: member.territory, member: member,
                                         createdBy: actor.id, on: database)
            try await request.audit("cards.replacement", about: .member(memberID),
                                    ["requester": requester?.id?.uuidString ?? ""], on: database)
            return issued
        }
        guard let issued else {
            throw PageError(.conflict, title: "Cette demande vient d'être confirmée",
                            message: "Une autre personne l'a confirmée en même temps : la carte a été imprimée de son côté.")
        }
        return AccessCardPages.print(issued, context: request.pageContext, siteAddress: address)
            .response(status: .ok).noStore()
    }
}
