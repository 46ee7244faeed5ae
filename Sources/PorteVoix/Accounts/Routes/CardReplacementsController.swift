import Fluent
import SQLKit
import Plot
import Vapor

/// Helping a member back in: a replacement card (asked by one person,
/// confirmed by another, printed by the one who asked: `CardReplacementRules`),
/// or lifting a sign-in pause.
struct CardReplacementsController {
    struct ReplacementForm: Content { var pseudonyme: String? }
    func createReplacement(request: Request) async throws -> Response {
        let typed = String(((try? request.content.decode(ReplacementForm.self))?.pseudonyme ?? "").prefix(AccountLimits.keptPseudonym))
        let actor = try request.requireMember()
        var model = try await AccessCardQueries.pageModel(request)
        model.typedPseudonym = typed
        guard model.publicAddress != nil else { return AccessCardQueries.missingAddress(model, request: request) }
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
        if try await CardReplacementRules.holdsAPendingKey(memberID, on: request.db) {
            model.errors.add("pseudonyme", "Ce compte détient une part de clé d'une urne scellée pas encore dépouillée : "
                + "sa carte de remplacement ne se fait que depuis le terminal du serveur "
                + "(« portevoix carte-de-remplacement »), pour que personne ne prenne sa part à sa place.")
            try await request.audit(.cardsReplacementRefused, about: .member(memberID))
            return AccessCardPages.form(model, context: request.pageContext).response(status: .forbidden)
        }
        let privileged = try await CardReplacementRules.isPrivileged(member, now: request.now, on: request.db)
        switch CardReplacementRules.decide(actor: actor, target: member, targetPrivileged: privileged) {
        case .refused(let reason):
            model.errors.add("pseudonyme", reason)
            try await request.audit(.cardsReplacementRefused, about: .member(memberID))
            return AccessCardPages.form(model, context: request.pageContext).response(status: .forbidden)
        case .confirm, .needsConfirmation:
            let open = try await CardReplacement.query(on: request.db).filter(\.$member.$id == memberID)
                .filter(\.$printedAt == nil).all().filter { !CardReplacementRules.isExpired($0, now: request.now) }
            if open.isEmpty {
                try await CardReplacement(memberID: memberID, requester: actor, now: request.now).create(on: request.db)
                try await request.audit(.cardsReplacementRequest, about: .member(memberID))
                // If the account's holder still signs in, they learn it at once.
                try await Notifier.notify(memberID, "Une carte de remplacement a été demandée pour votre compte. Si vous n'avez "
                    + "rien demandé, dites-le tout de suite à l'administration du site.", link: .myAccount(.show), at: request.now, on: request.db)
            }
            if privileged, try await CardReplacementRules.administratorCount(on: request.db) < 2 {
                try await request.setFlash("La demande est notée. Ce compte a un rôle : un autre administrateur doit la confirmer. "
                    + "Ce site n'a qu'un administrateur : la carte se fait alors depuis le terminal du serveur, avec la commande "
                    + "« portevoix carte-de-remplacement --pseudonyme … », écrite elle aussi dans le journal.")
            } else {
                let confirmer = privileged ? "un autre administrateur" : "animatrice, animateur ou administrateur"
                try await request.setFlash("La demande est notée. Une autre personne (\(confirmer)) doit la confirmer ici ; "
                    + "vous pourrez ensuite imprimer la carte.")
            }
            return request.redirect(to: .admin(.cards))
        }
    }

    /// The request the route names, waiting for a confirmation or, once
    /// confirmed, to be printed; and its account, roles read now.
    func replacement(_ request: Request, confirmed: Bool) async throws -> (CardReplacement, Member)? {
        guard let id = request.id(.replacement) else { return nil }
        var query = CardReplacement.query(on: request.db).filter(\.$id == id).filter(\.$printedAt == nil)
        query = confirmed ? query.filter(\.$confirmedAt != nil) : query.filter(\.$confirmedAt == nil)
        guard let replacement = try await query.first(),
              let member = try await Member.query(on: request.db).filter(\.$id == replacement.$member.id)
                .filter(\.$status != .deleted).with(\.$territory).with(\.$roleRows).first()
        else { return nil }
        return (replacement, member)
    }

    /// A second person confirms: the card is not printed for them. The
    /// person who asked prints it (`printReplacement`).
    func confirmReplacement(request: Request) async throws -> Response {
        let actor = try request.requireMember()
        guard let (replacement, member) = try await replacement(request, confirmed: false) else {
            throw PageError(.notFound, title: "Cette demande n'existe plus",
                            message: "Elle a peut-être déjà été confirmée. Revenez à la page des cartes d'accès.")
        }
        // The roles are read again now: they may have changed since the request.
        let privileged = try await CardReplacementRules.isPrivileged(member, now: request.now, on: request.db)
        if CardReplacementRules.isExpired(replacement, now: request.now) {
            throw PageError(.gone, title: "Cette demande a expiré",
                            message: "Une demande se confirme dans les 48 heures. Il faut la refaire.")
        }
        switch CardReplacementRules.decide(actor: actor, target: member, targetPrivileged: privileged,
                                           requester: replacement.$requestedBy.id) {
        case .refused(let reason):
            var model = try await AccessCardQueries.pageModel(request)
            model.errors.add("pseudonyme", reason)
            return AccessCardPages.form(model, context: request.pageContext).response(status: .forbidden)
        case .needsConfirmation, .confirm:
            if try await !CardReplacementRules.isSeasoned(actor, now: request.now, on: request.db) {
                var model = try await AccessCardQueries.pageModel(request)
                model.errors.add("pseudonyme", "Une confirmation vient d'une personne dont le compte est ouvert, et le rôle "
                    + "inchangé, depuis au moins 7 jours.")
                return AccessCardPages.form(model, context: request.pageContext).response(status: .forbidden)
            }
            let claimed = try await request.db.sql.raw("""
                UPDATE card_replacements SET confirmed_at = \(bind: request.now), confirmed_by = \(bind: actor.id),
                  confirmed_by_roles = \(bind: CardReplacement.roles(of: actor))
                WHERE id = \(bind: replacement.requireID()) AND confirmed_at IS NULL RETURNING id
                """).all()
            guard !claimed.isEmpty else {
                throw PageError(.conflict, title: "Cette demande vient d'être confirmée",
                                message: "Une autre personne l'a confirmée en même temps.")
            }
            try await request.audit(.cardsReplacementConfirm, about: .member(try member.requireID()),
                                    ["requester": replacement.$requestedBy.id?.uuidString ?? ""])
            try await request.setFlash("La demande est confirmée. La personne qui l'a faite peut maintenant imprimer la carte "
                + "et la remettre au membre.")
            return request.redirect(to: .admin(.cards))
        }
    }

    /// The requester prints the confirmed card, once.
    func printReplacement(request: Request) async throws -> Response {
        let actor = try request.requireMember()
        guard let (replacement, member) = try await replacement(request, confirmed: true) else {
            throw PageError(.notFound, title: "Cette carte n'est pas à imprimer",
                            message: "La demande n'est pas encore confirmée, ou la carte a déjà été imprimée.")
        }
        if CardReplacementRules.isExpired(replacement, now: request.now) {
            throw PageError(.gone, title: "Cette confirmation a expiré",
                            message: "Une carte confirmée s'imprime dans les 48 heures. Demandez-la de nouveau : une autre personne "
                                + "la confirmera.")
        }
        if try await CardReplacementRules.holdsAPendingKey(try member.requireID(), on: request.db) {
            throw PageError(.forbidden, title: "Cette carte se fait depuis le terminal du serveur",
                            message: "Ce compte détient une part de clé d'une urne scellée pas encore dépouillée.")
        }
        let privileged = try await CardReplacementRules.isPrivileged(member, now: request.now, on: request.db)
        if let refusal = CardReplacementRules.mayPrint(replacement, actor: actor, targetPrivileged: privileged) {
            var model = try await AccessCardQueries.pageModel(request)
            model.errors.add("pseudonyme", refusal)
            return AccessCardPages.form(model, context: request.pageContext).response(status: .forbidden)
        }
        return try await issueReplacement(replacement, for: member, by: actor, request: request)
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
            + [Kiosks.accountKey(pseudonymKey: Pseudonym.key(for: typed))]
        guard try await AttemptThrottle.blockedUntil(keys, on: request.db, now: request.now) != nil else {
            try await request.setFlash("La connexion de « \(member.publicName) » n'est pas bloquée. Si elle ou il n'arrive pas "
                + "à se connecter, vérifiez le pseudonyme ; un mot de passe oublié demande une carte de remplacement.")
            return request.redirect(to: .admin(.cards))
        }
        for key in keys { try await AttemptThrottle.reset(key, on: request.db) }
        try await request.audit(.signinUnblock, about: .member(try member.requireID()))
        try await request.setFlash("La connexion de « \(member.publicName) » est débloquée : elle ou il peut se connecter tout de suite.")
        return request.redirect(to: .admin(.cards))
    }

    /// Issues the card: the old password stops working and every session of
    /// the account ends now, so the card is the only way back in.
    func issueReplacement(_ replacement: CardReplacement, for member: Member, by actor: Member,
                          request: Request) async throws -> Response {
        guard let address = try await request.publicAddress() else {
            return AccessCardQueries.missingAddress(try await AccessCardQueries.pageModel(request), request: request)
        }
        let memberID = try member.requireID()
        // The slow part first: if the server is too busy to hash the code,
        // nothing has changed yet and the request can be confirmed again.
        let prepared = try await CardIssuing.prepareCodes(count: 1, request: request)
        let now = request.now
        let issued = try await request.db.transaction { database -> [AccessCardPages.IssuedCard]? in
            let claimed = try await database.sql.raw("""
                UPDATE card_replacements SET printed_at = \(bind: now)
                WHERE id = \(bind: replacement.requireID()) AND confirmed_at IS NOT NULL AND printed_at IS NULL RETURNING id
                """).all()
            guard !claimed.isEmpty else { return nil }
            let issued = try await CardIssuing.replace(for: member, with: prepared[0], createdBy: actor.id, now: now, on: database)
            try await request.audit(.cardsReplacement, about: .member(memberID),
                                    ["requester": replacement.$requestedBy.id?.uuidString ?? "",
                                     "confirmer": replacement.$confirmedBy.id?.uuidString ?? ""], on: database)
            return issued
        }
        guard let issued else {
            throw PageError(.conflict, title: "Cette carte vient d'être imprimée",
                            message: "Elle a été imprimée à l'instant, dans une autre fenêtre : on ne l'imprime qu'une fois.")
        }
        return AccessCardPages.print(issued, context: request.pageContext, siteAddress: address)
            .response(status: .ok).noStore()
    }
}
