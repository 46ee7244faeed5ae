import Fluent
import SQLKit
import Plot
import Vapor

/// `/mon-compte`: a member's pseudonym, password, data and account deletion.
struct MyAccountController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let account = routes.requiring(.member).grouped("mon-compte")
        account.get(use: show)
        account.post("pseudonyme", use: changePseudonym)
        account.post("mot-de-passe", use: changePassword)
        account.get("donnees", use: downloadData)
        account.post("suppression", use: deleteAccount)
    }

    struct Form: Content {
        var pseudonyme: String?
        var motDePasseActuel: String?
        var motDePasse: String?
        var confirmation: String?
        var confirme: String?
    }

    func model(_ request: Request, member: Member) async throws -> MyAccountPage.Model {
        try await member.$territory.load(on: request.db)
        var model = MyAccountPage.Model(
            csrf: try await request.csrfToken(),
            pseudonym: member.pseudonym ?? "",
            roles: member.roles.sorted(),
            territory: member.territory?.name,
            memberSince: member.createdAt
        )
        model.replacements = try await CardReplacement.query(on: request.db).filter(\.$member.$id == member.requireID())
            .filter(\.$confirmedAt != nil).sort(\.$confirmedAt, .descending).limit(50).all()
            .map { ($0.confirmedAt ?? $0.requestedAt, CardReplacement.who($0.requestedByRoles), CardReplacement.who($0.confirmedByRoles)) }
        return model
    }

    func show(request: Request) async throws -> Response {
        let member = try request.requireMember()
        return MyAccountPage.view(try await model(request, member: member), context: request.pageContext).response(status: .ok)
    }

    /// Checks the current password, with the same limits as signing in.
    func currentPasswordMatches(_ password: String, member: Member, request: Request, errors: inout FormErrors) async throws -> Bool {
        let key = AttemptKey("connexion-compte", member.pseudonymKey ?? "", limit: .perAccount)
        if let until = try await AttemptThrottle.blockedUntil([key], on: request.db) {
            errors.add("motDePasseActuel", "Trop d'essais d'un coup. Réessayez à \(FrenchDates.time(until)) "
                + "(\(FrenchDates.wait(until: until))).")
            return false
        }
        guard let hash = member.passwordHash,
              try await SecretHasher.verify(password, against: hash, application: request.application)
        else {
            try await AttemptThrottle.recordFailure([key], on: request.db)
            errors.add("motDePasseActuel", "Ce n'est pas votre mot de passe actuel. Retapez-le.")
            return false
        }
        return true
    }

    func changePseudonym(request: Request) async throws -> Response {
        let member = try request.requireMember()
        let form = (try? request.content.decode(Form.self)) ?? Form()
        var page = try await model(request, member: member)
        page.newPseudonym = form.pseudonyme ?? ""
        page.section = .pseudonym
        var pseudonym: Pseudonym?
        do throws(Pseudonym.Problem) {
            pseudonym = try Pseudonym(form.pseudonyme ?? "")
        } catch {
            page.errors.add("pseudonyme", error.message)
        }
        if let pseudonym, try await Member.isTaken(pseudonym, except: member.id, on: request.db) {
            page.errors.add("pseudonyme", "Ce pseudonyme est déjà pris. Choisissez-en un autre.")
        }
        if page.errors.isEmpty {
            _ = try await currentPasswordMatches(form.motDePasseActuel ?? "", member: member, request: request, errors: &page.errors)
        }
        guard let pseudonym, page.errors.isEmpty else {
            return MyAccountPage.view(page, context: request.pageContext).response(status: .unprocessableEntity)
        }
        member.pseudonym = pseudonym.display
        member.pseudonymKey = pseudonym.key
        try await member.save(on: request.db)
        try await request.setFlash("Votre pseudonyme est maintenant « \(pseudonym.display) ».")
        return request.redirect(to: "/mon-compte")
    }

    func changePassword(request: Request) async throws -> Response {
        let member = try request.requireMember()
        let form = (try? request.content.decode(Form.self)) ?? Form()
        var page = try await model(request, member: member)
        page.section = .password
        if try await currentPasswordMatches(form.motDePasseActuel ?? "", member: member, request: request, errors: &page.errors) {
            PasswordRules.check(form.motDePasse ?? "", confirmation: form.confirmation ?? "", into: &page.errors)
        }
        guard page.errors.isEmpty else {
            return MyAccountPage.view(page, context: request.pageContext).response(status: .unprocessableEntity)
        }
        member.passwordHash = try await SecretHasher.hash(form.motDePasse ?? "", application: request.application)
        try await member.save(on: request.db)
        // Other sessions opened with the old password end; this one gets a new id.
        try await WebSessionRecord.query(on: request.db).filter(\.$memberID == member.id).delete()
        try await request.signIn(member)
        try await request.setFlash("Votre mot de passe est changé.")
        return request.redirect(to: "/mon-compte")
    }

    func downloadData(request: Request) async throws -> Response {
        let member = try request.requireMember()
        let export = try await MemberDataExport.make(for: member, on: request.db)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(FrenchDates.iso(date))
        }
        let body = try encoder.encode(export)
        var headers = HTTPHeaders()
        headers.contentType = .json
        headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"mes-donnees-portevoix.json\"")
        headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return Response(status: .ok, headers: headers, body: .init(data: body))
    }

    func deleteAccount(request: Request) async throws -> Response {
        let member = try request.requireMember()
        let form = (try? request.content.decode(Form.self)) ?? Form()
        var page = try await model(request, member: member)
        page.section = .deletion
        if form.confirme != "oui" {
            page.errors.add("confirme", "Cochez la case pour confirmer que vous voulez supprimer votre compte.")
        }
        _ = try await currentPasswordMatches(form.motDePasseActuel ?? "", member: member, request: request, errors: &page.errors)
        guard page.errors.isEmpty else {
            return MyAccountPage.view(page, context: request.pageContext).response(status: .unprocessableEntity)
        }
        if member.roles.contains(.admin), try await Administrators.count(on: request.db) <= 1 {
            page.errors.add("confirme", "Vous êtes le seul administrateur. Donnez d'abord ce rôle à une autre personne.")
            return MyAccountPage.view(page, context: request.pageContext).response(status: .unprocessableEntity)
        }
        try await member.anonymise(on: request.db)
        try await request.signOut()
        try await request.setFlash("Votre compte est supprimé. Merci pour votre participation au conseil.")
        return request.redirect(to: "/")
    }
}

extension Request {
    /// The signed-in member, on routes guarded by `requiring(…)`.
    func requireMember() throws -> Member {
        guard let member else { throw Abort(.unauthorized) }
        return member
    }
}

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
    func anonymise(on database: any Database) async throws {
        let memberID = try requireID()
        try await database.transaction { database in
            self.pseudonym = nil
            self.pseudonymKey = nil
            self.passwordHash = nil
            self.status = .deleted
            self.deletedAt = Date()
            self.$territory.id = nil
            try await self.save(on: database)
            try await MemberRole.query(on: database).filter(\.$member.$id == memberID).delete()
            try await WebSessionRecord.query(on: database).filter(\.$memberID == memberID).delete()
            try await AccessCard.query(on: database).filter(\.$member.$id == memberID).filter(\.$usedAt == nil).delete()
            try await MemberNotification.query(on: database).filter(\.$member.$id == memberID).delete()
            // Paper proposals that named them stay signed "reçue sur papier".
            try await Proposal.query(on: database).filter(\.$claimedAuthor.$id == memberID)
                .set(\.$claimedAuthor.$id, to: nil).update()
        }
    }
}

/// Everything held about one member, and nothing about anyone else.
struct MemberDataExport: Encodable {
    struct Account: Encodable {
        let pseudonyme: String?
        let statut: String
        let roles: [String]
        let territoire: String?
        let compteCreeLe: Date
        let charteAccepteeLe: Date?
    }

    struct Card: Encodable {
        let creeeLe: Date
        let expireLe: Date
        let utiliseeLe: Date?
        let carteDeRemplacement: Bool
    }

    struct Session: Encodable {
        let ouverteLe: Date
        let derniereActiviteLe: Date
    }

    struct Action: Encodable {
        let date: Date
        let action: String
        let resume: String
    }

    struct OwnProposal: Encodable {
        let titre: String
        let texte: String
        let statut: String
        let publieeSansPseudonyme: Bool
        let envoyeeLe: Date
    }

    struct OwnComment: Encodable {
        let proposition: String
        let texte: String
        let publie: Bool
        let envoyeLe: Date
    }

    struct MeetingEntry: Encodable {
        let seance: String
        let date: Date
        let reponse: String?
        let present: Bool
    }

    struct Participation: Encodable {
        let scrutin: String
        let canal: String
    }

    struct Notification: Encodable {
        let message: String
        let date: Date
        let lue: Bool
    }

    let exporteLe: Date
    let explication: String
    let compte: Account
    let cartesDAcces: [Card]
    let sessionsOuvertes: [Session]
    let actionsDAdministration: [Action]
    let mesPropositions: [OwnProposal]
    let mesCommentaires: [OwnComment]
    /// The proposals this member supports: shown to them, never to anyone else.
    let propositionsQueJeSoutiens: [String]
    let notifications: [Notification]
    let seances: [MeetingEntry]
    /// That I voted, and how; never what: nobody can know it.
    let votesAuxquelsJaiParticipe: [Participation]

    static func make(for member: Member, on database: any Database) async throws -> MemberDataExport {
        let memberID = try member.requireID()
        try await member.$territory.load(on: database)
        let cards = try await AccessCard.query(on: database).filter(\.$member.$id == memberID).sort(\.$createdAt).all()
        let sessions = try await WebSessionRecord.query(on: database).filter(\.$memberID == memberID).all()
        let actions = try await AuditEntry.query(on: database).filter(\.$actor.$id == memberID).sort(\.$createdAt).all()
        let proposals = try await Proposal.query(on: database).filter(\.$author.$id == memberID).sort(\.$createdAt).all()
        let comments = try await ProposalComment.query(on: database).filter(\.$author.$id == memberID)
            .with(\.$proposal).sort(\.$createdAt).all()
        let supports = try await ProposalSupport.query(on: database).filter(\.$member.$id == memberID).with(\.$proposal).all()
        let notifications = try await MemberNotification.query(on: database).filter(\.$member.$id == memberID)
            .sort(\.$createdAt).all()
        let responses = try await MeetingResponse.query(on: database).filter(\.$member.$id == memberID).with(\.$meeting).all()
        let attendances = try await MeetingAttendance.query(on: database).filter(\.$member.$id == memberID).with(\.$meeting).all()
        var meetings: [UUID: MeetingEntry] = [:]
        for response in responses {
            meetings[response.$meeting.id] = MeetingEntry(seance: response.meeting.title, date: response.meeting.startsAt,
                                                     reponse: response.coming ? "je viendrai" : "je ne pourrai pas venir", present: false)
        }
        for attendance in attendances {
            let previous = meetings[attendance.$meeting.id]
            meetings[attendance.$meeting.id] = MeetingEntry(seance: attendance.meeting.title, date: attendance.meeting.startsAt,
                                                       reponse: previous?.reponse, present: true)
        }
        let participations = try await database.sql.raw("""
            SELECT polls.question AS question, poll_voters.channel AS channel FROM poll_voters
            JOIN polls ON polls.id = poll_voters.poll_id WHERE poll_voters.member_id = \(bind: memberID)
            """).all().map {
                Participation(scrutin: try $0.decode(column: "question", as: String.self),
                              canal: try $0.decode(column: "channel", as: String.self) == "paper" ? "sur papier" : "sur le site")
            }
        return MemberDataExport(
            exporteLe: Date(),
            explication: "Toutes les informations que le site garde sur votre compte. "
                + "Vos votes n'y sont pas : le site ne garde aucun bulletin relié à vous. "
                + "La liste des propositions que vous soutenez n'est montrée qu'à vous.",
            compte: Account(
                pseudonyme: member.pseudonym,
                statut: member.status.label,
                roles: member.roles.sorted().map(\.label),
                territoire: member.territory?.name,
                compteCreeLe: member.createdAt,
                charteAccepteeLe: member.charterAcceptedAt
            ),
            cartesDAcces: cards.map {
                Card(creeeLe: $0.createdAt, expireLe: $0.expiresAt, utiliseeLe: $0.usedAt,
                     carteDeRemplacement: $0.isReplacement)
            },
            sessionsOuvertes: sessions.map { Session(ouverteLe: $0.createdAt, derniereActiviteLe: $0.lastSeenAt) },
            actionsDAdministration: actions.map { Action(date: $0.createdAt, action: $0.action, resume: $0.summary) },
            mesPropositions: proposals.map {
                OwnProposal(titre: $0.title, texte: $0.body, statut: $0.status.label,
                            publieeSansPseudonyme: $0.anonymous, envoyeeLe: $0.createdAt)
            },
            mesCommentaires: comments.map {
                OwnComment(proposition: $0.proposal.title, texte: $0.body, publie: $0.status == .published,
                           envoyeLe: $0.createdAt)
            },
            propositionsQueJeSoutiens: supports.map(\.proposal.title),
            notifications: notifications.map { Notification(message: $0.message, date: $0.createdAt, lue: $0.readAt != nil) },
            seances: meetings.values.sorted { $0.date < $1.date },
            votesAuxquelsJaiParticipe: participations
        )
    }
}

enum MyAccountPage {
    enum Section { case none, pseudonym, password, deletion }

    struct Model {
        var csrf: String
        var pseudonym: String
        var roles: [Role]
        var territory: String?
        var memberSince: Date
        /// Every replacement of this account's card: when, asked and confirmed by whom (roles only).
        var replacements: [(at: Date, requestedBy: String, confirmedBy: String)] = []
        var section = Section.none
        var newPseudonym = ""
        var errors = FormErrors()
    }

    static func view(_ model: Model, context: PageContext) -> HTML {
        Layout.page(
            context,
            title: model.errors.isEmpty ? "Mon compte" : "Erreur — Mon compte",
            content: .group(
                .h1("Mon compte"),
                .dl(
                    .class("fiche"),
                    .dt("Pseudonyme"), .dd(.plain(model.pseudonym)),
                    .dt("Rôle"), .dd(.plain(model.roles.map(\.label).joined(separator: ", "))),
                    .dt("Territoire"), .dd(.plain(model.territory ?? "Tout le département")),
                    .dt("Membre depuis le"), .dd(.plain(FrenchDates.shortDay(model.memberSince)))
                ),
                replacementsSection(model),
                pseudonymSection(model),
                passwordSection(model),
                dataSection(),
                deletionSection(model)
            )
        )
    }

    static func replacementsSection(_ model: Model) -> Node<HTML.BodyContext> {
        guard !model.replacements.isEmpty else { return .empty }
        return .section(
            .h2("Les cartes de remplacement de mon compte"),
            .ul(.forEach(model.replacements) { replacement in
                .li(.plain("Le \(FrenchDates.dayAndTime(replacement.at)) : demandée par \(replacement.requestedBy), "
                    + "confirmée par \(replacement.confirmedBy)."))
            }),
            .p(.text("Si l'une d'elles n'a pas été demandée par vous, parlez-en à la personne qui anime le conseil "),
               .text("ou à un administrateur du site."))
        )
    }

    static func errors(_ model: Model, for section: Section) -> FormErrors {
        model.section == section ? model.errors : FormErrors()
    }

    static func pseudonymSection(_ model: Model) -> Node<HTML.BodyContext> {
        let errors = errors(model, for: .pseudonym)
        return .section(
            .h2("Changer de pseudonyme"),
            Forms.errorSummary(errors, scope: "pseudo"),
            Forms.post(
                action: "/mon-compte/pseudonyme", csrf: model.csrf, class: "formulaire",
                Forms.field("pseudonyme", label: "Nouveau pseudonyme",
                            value: model.section == .pseudonym ? model.newPseudonym : "",
                            help: "N'utilisez pas votre vrai nom.", error: errors["pseudonyme"], required: true,
                            autocomplete: "off", maxLength: Pseudonym.maximumLength, scope: "pseudo"),
                Forms.field("motDePasseActuel", label: "Votre mot de passe actuel", kind: .password,
                            error: errors["motDePasseActuel"], required: true, autocomplete: "current-password", scope: "pseudo"),
                Forms.submit("Changer de pseudonyme")
            )
        )
    }

    static func passwordSection(_ model: Model) -> Node<HTML.BodyContext> {
        let errors = errors(model, for: .password)
        return .section(
            .h2("Changer de mot de passe"),
            Forms.errorSummary(errors, scope: "mdp"),
            Forms.post(
                action: "/mon-compte/mot-de-passe", csrf: model.csrf, class: "formulaire",
                Forms.field("motDePasseActuel", label: "Votre mot de passe actuel", kind: .password,
                            error: errors["motDePasseActuel"], required: true, autocomplete: "current-password", scope: "mdp"),
                Forms.field("motDePasse", label: "Nouveau mot de passe", kind: .password, help: PasswordRules.help,
                            error: errors["motDePasse"], required: true, autocomplete: "new-password", scope: "mdp"),
                Forms.field("confirmation", label: "Le nouveau mot de passe, une deuxième fois", kind: .password,
                            error: errors["confirmation"], required: true, autocomplete: "new-password", scope: "mdp"),
                Forms.submit("Changer de mot de passe")
            )
        )
    }

    static func dataSection() -> Node<HTML.BodyContext> {
        .section(
            .h2("Mes données"),
            .p(.text("Téléchargez tout ce que le site garde sur vous, dans un fichier que vous pouvez ouvrir ou garder.")),
            .p(.a(.class("bouton bouton-secondaire"), .href("/mon-compte/donnees"),
                  .attribute(named: "download", value: "mes-donnees-portevoix.json"),
                  .text("Télécharger mes données")))
        )
    }

    static func deletionSection(_ model: Model) -> Node<HTML.BodyContext> {
        let errors = errors(model, for: .deletion)
        return .section(
            .h2("Supprimer mon compte"),
            .p(.text("Votre pseudonyme et votre mot de passe seront effacés, et vous serez déconnecté. "),
               .text("Ce que vous avez publié restera, signé « Ancien membre ». Vous ne pourrez pas revenir en arrière.")),
            Forms.errorSummary(errors, scope: "suppr"),
            Forms.post(
                action: "/mon-compte/suppression", csrf: model.csrf, class: "formulaire",
                Forms.checkbox("confirme", label: "Je veux supprimer mon compte.", checked: false,
                               error: errors["confirme"], scope: "suppr"),
                Forms.field("motDePasseActuel", label: "Votre mot de passe, pour confirmer", kind: .password,
                            error: errors["motDePasseActuel"], required: true, autocomplete: "current-password", scope: "suppr"),
                Forms.submit("Supprimer mon compte", class: "bouton bouton-danger")
            )
        )
    }
}
