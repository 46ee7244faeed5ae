import Fluent
import SQLKit
import Plot
import Vapor

/// `/admin/cartes`: facilitators and admins create access cards and print
/// them at once. The codes are shown on that one page and never again.
struct AccessCardsController {

    struct BatchForm: Content {
        var nombre: String?
        var territoire: String?
    }

    struct ReplacementForm: Content { var pseudonyme: String? }

    func pageModel(_ request: Request) async throws -> AccessCardPages.Model {
        let recent = try await AccessCard.query(on: request.db)
            .with(\.$territory).with(\.$createdBy)
            .sort(\.$createdAt, .descending).limit(AccountLimits.recentCards).all()
        let me = request.member?.id
        let pending = try await CardReplacement.query(on: request.db).filter(\.$confirmedAt == nil)
            .with(\.$member).with(\.$requestedBy).sort(\.$requestedAt, .descending).limit(AccountLimits.pendingReplacements).all()
        return AccessCardPages.Model(
            csrf: try await request.csrfToken(),
            publicAddress: try await request.publicAddress(),
            canSetAddress: request.member?.roles.contains(.admin) == true,
            typedAddress: PublicAddress.suggestion(for: request),
            territories: try await Territory.query(on: request.db).sort(\.$position).all().map(\.choice),
            recent: recent.map { AccessCardPages.row($0, now: Date()) },
            pending: try pending.map { replacement in
                .init(id: try replacement.requireID(), pseudonym: replacement.member.publicName,
                      requestedAt: replacement.requestedAt, requestedBy: replacement.requestedBy?.publicName ?? "—",
                      mine: replacement.$requestedBy.id == me)
            }
        )
    }

    func show(request: Request) async throws -> HTML {
        AccessCardPages.form(try await pageModel(request), context: request.pageContext)
    }

    /// The address printed on the cards; nil, with the page explaining why,
    /// while no administrator has set it: never the request's `Host`.
    func missingAddress(_ model: AccessCardPages.Model, request: Request) -> Response {
        var model = model
        // Administrators get the field; facilitators the section that says whom to ask.
        if model.canSetAddress {
            model.errors.add("adresse", "Avant d'imprimer des cartes, indiquez l'adresse du site.")
        }
        return AccessCardPages.form(model, context: request.pageContext).response(status: .conflict)
    }

    /// Saved from the cards page, before the first print.
    func saveAddress(request: Request) async throws -> Response {
        let typed = String(((try? request.content.get(String.self, at: "adresse")) ?? "").prefix(AccountLimits.keptAddress))
        guard try await PublicAddress.save(typed, request: request) != nil else {
            var model = try await pageModel(request)
            model.typedAddress = typed
            model.errors.add("adresse", PublicAddress.typingHelp)
            return AccessCardPages.form(model, context: request.pageContext).response(status: .unprocessableEntity)
        }
        try await request.setFlash("L'adresse du site est enregistrée : elle sera imprimée sur les cartes.")
        return request.redirect(to: .admin(.cards))
    }

    func create(request: Request) async throws -> Response {
        let form = (try? request.content.decode(BatchForm.self)) ?? BatchForm()
        var model = try await pageModel(request)
        model.typedCount = form.nombre ?? ""
        model.typedTerritory = form.territoire ?? ""
        let count = Int((form.nombre ?? "").trimmingCharacters(in: .whitespaces))
        if count == nil || !(1...AccessCard.maximumBatch).contains(count!) {
            model.errors.add("nombre", "Indiquez un nombre de cartes entre 1 et \(AccessCard.maximumBatch).")
        }
        var territory: Territory?
        if let raw = form.territoire, !raw.isEmpty {
            if let id = UUID(uuidString: raw) {
                territory = try await Territory.find(id, on: request.db)
            }
            if territory == nil { model.errors.add("territoire", "Choisissez un territoire de la liste.") }
        }
        guard let count, model.errors.isEmpty else {
            return AccessCardPages.form(model, context: request.pageContext).response(status: .unprocessableEntity)
        }
        guard let address = model.publicAddress else { return missingAddress(model, request: request) }
        let prepared = try await prepareCodes(count: count, request: request)
        let creator = request.member?.id
        let chosen = territory
        let issued = try await request.db.transaction { database in
            let issued = try await store(prepared, territory: chosen, member: nil, createdBy: creator, on: database)
            try await request.audit("cards.create", count == 1
                ? "1 carte d'accès créée (\(chosen?.name ?? "tout le département"))."
                : "\(count) cartes d'accès créées (\(chosen?.name ?? "tout le département")).", on: database)
            return issued
        }
        return AccessCardPages.print(issued, context: request.pageContext, siteAddress: address)
            .response(status: .ok)
    }

    func createReplacement(request: Request) async throws -> Response {
        let typed = String(((try? request.content.decode(ReplacementForm.self))?.pseudonyme ?? "").prefix(AccountLimits.keptPseudonym))
        let actor = try request.requireMember()
        var model = try await pageModel(request)
        model.typedPseudonym = typed
        guard model.publicAddress != nil else { return missingAddress(model, request: request) }
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
            try await request.audit("cards.replacement.refused", "Carte de remplacement refusée pour « \(member.publicName) » : "
                + "ce compte a un rôle.")
            return AccessCardPages.form(model, context: request.pageContext).response(status: .forbidden)
        case .needsConfirmation:
            if try await CardReplacement.query(on: request.db).filter(\.$member.$id == memberID)
                .filter(\.$confirmedAt == nil).count() == 0 {
                try await replacement.create(on: request.db)
                try await request.audit("cards.replacement.request", "Carte de remplacement demandée pour « \(member.publicName) ».")
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
            var model = try await pageModel(request)
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
        var model = try await pageModel(request)
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
        try await request.audit("signin.unblock", "Connexion débloquée en personne pour « \(member.publicName) ».")
        try await request.setFlash("La connexion de « \(member.publicName) » est débloquée : elle ou il peut se connecter tout de suite.")
        return request.redirect(to: .admin(.cards))
    }

    /// Issues the card: the old password stops working and every session of
    /// the account ends now, so the card is the only way back in.
    func issueReplacement(_ replacement: CardReplacement, for member: Member, by actor: Member,
                          request: Request) async throws -> Response {
        guard let address = try await request.publicAddress() else {
            return missingAddress(try await pageModel(request), request: request)
        }
        let memberID = try member.requireID()
        // The slow part first: if the server is too busy to hash the code,
        // nothing has changed yet and the request can be confirmed again.
        let prepared = try await prepareCodes(count: 1, request: request)
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
            let issued = try await store(prepared, territory: member.territory, member: member,
                                         createdBy: actor.id, on: database)
            try await request.audit("cards.replacement", "Carte de remplacement créée pour « \(member.publicName) », "
                + "demandée par « \(requester?.publicName ?? "—") », confirmée par « \(actor.publicName) ». "
                + "Son ancien mot de passe et ses sessions ne marchent plus.", on: database)
            return issued
        }
        guard let issued else {
            throw PageError(.conflict, title: "Cette demande vient d'être confirmée",
                            message: "Une autre personne l'a confirmée en même temps : la carte a été imprimée de son côté.")
        }
        return AccessCardPages.print(issued, context: request.pageContext, siteAddress: address)
            .response(status: .ok).noStore()
    }

    struct PreparedCode {
        var code: String
        var lookup: String
        var hash: String
    }

    /// New codes with their hashes. Staff wait for the hashing places longer
    /// than sign-ins do: a batch is prepared whole before anything is stored.
    func prepareCodes(count: Int, request: Request) async throws -> [PreparedCode] {
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
    func store(_ prepared: [PreparedCode], territory: Territory?, member: Member?, createdBy: UUID?,
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
