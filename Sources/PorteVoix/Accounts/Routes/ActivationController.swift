import Fluent
import Plot
import Vapor

/// `/activation`: a member's first visit with a printed access card.
///
/// 1. the code → 2. a pseudonym and a password (or, with a replacement card,
/// a new password) → 3. the charter → signed in.
struct ActivationController {
    // MARK: Step 1: the code

    struct CodeForm: Content { var code: String? }

    func showCode(request: Request) async throws -> Response {
        if request.member != nil { return request.redirect(to: .myAccount(.show)) }
        let model = ActivationPages.CodeModel(csrf: try await request.csrfToken(), code: "")
        return ActivationPages.code(model, context: request.pageContext).response(status: .ok)
    }

    func checkCode(request: Request) async throws -> Response {
        let typed = (try? request.content.decode(CodeForm.self))?.code ?? ""
        var model = ActivationPages.CodeModel(csrf: try await request.csrfToken(), code: typed)
        // At a kiosk the whole room shares one address: the kiosk counts instead.
        let addressKey = request.kiosk.map(Kiosks.activationKey)
            ?? AttemptKey("activation-adresse", request.clientAddress, limit: .perAddress)

        guard let code = ActivationCode.normalize(typed) else {
            model.errors.add("code", typed.isEmpty
                ? "Tapez le code écrit sur votre carte."
                : "Ce code n'a pas la bonne forme. Il a 16 caractères : des chiffres et des lettres.")
            return ActivationPages.code(model, context: request.pageContext).response(status: .unprocessableEntity)
        }
        let cardKey = AttemptKey("activation-carte", ActivationCode.lookup(of: code), limit: .perAccount)
        if let until = try await AttemptThrottle.blockedUntil([addressKey, cardKey], on: request.db, now: request.now) {
            model.blocked = Pause(until: until, now: request.now)
            return ActivationPages.code(model, context: request.pageContext).response(status: .tooManyRequests)
        }
        let card = try await AccessCard.query(on: request.db)
            .filter(\.$lookup == ActivationCode.lookup(of: code)).first()
        var matches = false
        do {
            if let card {
                matches = try await SecretHasher.verify(code, against: card.codeHash, application: request.application)
            } else {
                try await SecretHasher.verifyNothing(application: request.application)
            }
        } catch is HashingBusy {
            model.busy = true
            return ActivationPages.code(model, context: request.pageContext).response(status: .tooManyRequests).retryAfter(5)
        }
        guard let card, matches else {
            try await AttemptThrottle.recordFailure([addressKey, cardKey], on: request.db, now: request.now)
            model.errors.add("code", "Ce code ne correspond à aucune carte. Vérifiez chaque caractère et réessayez.")
            return ActivationPages.code(model, context: request.pageContext).response(status: .unprocessableEntity)
        }
        if card.usedAt != nil {
            model.errors.add("code", "Cette carte a déjà servi. Si c'est vous qui l'avez activée, connectez-vous "
                + "avec votre pseudonyme. Sinon, demandez une nouvelle carte à l'animatrice ou l'animateur.")
            return ActivationPages.code(model, context: request.pageContext).response(status: .unprocessableEntity)
        }
        if card.expiresAt <= request.now {
            model.errors.add("code", "Cette carte a expiré : elle était valable 60 jours. "
                + "Demandez une nouvelle carte à l'animatrice ou l'animateur du conseil.")
            return ActivationPages.code(model, context: request.pageContext).response(status: .unprocessableEntity)
        }
        try await AttemptThrottle.reset(cardKey, on: request.db)
        // A new session once the code is accepted: nothing from before carries over.
        try await request.rotateSession()
        try await request.setActivationCard(card.requireID())
        return request.redirect(to: .activationAccount)
    }

    // MARK: Step 2: pseudonym and password

    struct AccountForm: Content {
        var pseudonyme: String?
        var motDePasse: String?
        var confirmation: String?
    }

    /// The card typed at step 1, if it can still be used.
    func pendingCard(_ request: Request) async throws -> AccessCard? {
        guard let cardID = try request.webSession.record?.activationCardID,
              let card = try await AccessCard.query(on: request.db).filter(\.$id == cardID).with(\.$member).first(),
              card.usedAt == nil, card.expiresAt > request.now
        else { return nil }
        return card
    }

    func showAccount(request: Request) async throws -> Response {
        guard let card = try await pendingCard(request) else {
            return request.redirect(to: .activation)
        }
        let model = ActivationPages.AccountModel(
            csrf: try await request.csrfToken(), pseudonym: "", replacementFor: card.member?.pseudonym
        )
        return ActivationPages.account(model, context: request.pageContext).response(status: .ok)
    }

    func createAccount(request: Request) async throws -> Response {
        guard let card = try await pendingCard(request) else {
            try await request.setFlash("Cette étape a expiré. Tapez à nouveau le code de votre carte.")
            return request.redirect(to: .activation)
        }
        let form = (try? request.content.decode(AccountForm.self)) ?? AccountForm()
        let typedPseudonym = form.pseudonyme ?? ""
        let password = form.motDePasse ?? ""
        var model = ActivationPages.AccountModel(
            csrf: try await request.csrfToken(), pseudonym: typedPseudonym, replacementFor: card.member?.pseudonym
        )

        var pseudonym: Pseudonym?
        if !card.isReplacement {
            do throws(Pseudonym.Problem) {
                pseudonym = try Pseudonym(typedPseudonym)
            } catch {
                model.errors.add("pseudonyme", error.message)
            }
            if let pseudonym, try await Member.isTaken(pseudonym, on: request.db) {
                model.errors.add("pseudonyme", "Ce pseudonyme est déjà pris. Choisissez-en un autre, "
                    + "par exemple en ajoutant un chiffre ou le nom de votre ville.")
            }
        }
        PasswordRules.check(password, confirmation: form.confirmation ?? "", into: &model.errors)
        guard model.errors.isEmpty else {
            return ActivationPages.account(model, context: request.pageContext).response(status: .unprocessableEntity)
        }

        let hash = try await SecretHasher.hash(password, application: request.application)
        let cardID = try card.requireID()
        let chosenPseudonym = pseudonym
        let member: Member
        do {
            member = try await request.db.transaction { database in
                let member: Member
                if card.isReplacement, let existing = card.member {
                    existing.passwordHash = hash
                    try await existing.save(on: database)
                    member = existing
                } else {
                    member = Member(pseudonym: chosenPseudonym!, passwordHash: hash, status: .pending,
                                    territoryID: card.$territory.id, at: request.now)
                    try await member.create(on: database)
                    try await MemberRole(memberID: member.requireID(), role: .participant).create(on: database)
                }
                try await AccessCard.claim(cardID, for: member.requireID(), at: request.now, on: database)
                return member
            }
        } catch is CardAlreadyUsed {
            try await request.setFlash("Cette carte vient de servir. Si c'est vous, connectez-vous avec votre pseudonyme.")
            return request.redirect(to: .signIn)
        } catch let error as any DatabaseError where error.isConstraintFailure {
            model.errors.add("pseudonyme", "Ce pseudonyme vient d'être pris. Choisissez-en un autre.")
            return ActivationPages.account(model, context: request.pageContext).response(status: .unprocessableEntity)
        }
        if card.isReplacement {
            // The old password stops working, and so do the sessions opened with it.
            try await WebSessionRecord.query(on: request.db).filter(\.$memberID == member.id).delete()
            try await APITokens.revokeAll(of: member.requireID(), now: request.now, on: request.db)
        }
        try await member.$roleRows.load(on: request.db)
        try await request.signIn(member)
        if member.status != .pending {
            try await request.setFlash("Votre nouveau mot de passe est enregistré. Vous êtes connecté.")
        }
        let response = request.redirect(to: member.status == .pending ? .activationCharter : .home)
        request.rememberDevice(for: member, on: response)
        return response
    }

}
