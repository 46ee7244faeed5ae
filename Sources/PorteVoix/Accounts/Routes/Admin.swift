import Fluent
import Plot
import Vapor

/// `/admin`: members and roles, territories and themes, the audit log.
/// Facilitators see the dashboard and the access cards only.
struct AdminController {
    static let pageSize = 25


    func dashboard(request: Request) async throws -> HTML {
        let member = try request.requireMember()
        return AdminPages.dashboard(isAdmin: member.roles.contains(.admin), context: request.pageContext)
    }

    // MARK: Members

    func members(request: Request) async throws -> HTML {
        let filters = (try? request.query.decode(MemberFilters.self)) ?? MemberFilters()
        var query = Member.query(on: request.db).with(\.$roleRows).with(\.$territory)
        if let text = filters.q?.trimmingCharacters(in: .whitespaces), !text.isEmpty {
            query = query.filter(\.$pseudonymKey, .contains(inverse: false, .anywhere), Pseudonym.key(for: text))
        }
        if let status = filters.statut.flatMap(MemberStatus.init(rawValue:)) {
            query = query.filter(\.$status == status)
        } else {
            query = query.filter(\.$status != .deleted)
        }
        if let role = filters.role.flatMap(Role.init(rawValue:)) {
            query = query.join(MemberRole.self, on: \Member.$id == \MemberRole.$member.$id)
                .filter(MemberRole.self, \.$role == role)
        }
        if let territory = filters.territoire.flatMap(UUID.init(uuidString:)) {
            query = query.filter(\.$territory.$id == territory)
        }
        let result = try await query.sort(\.$pseudonymKey)
            .paginateWithinRange(page: Pagination.number(filters.page), per: Self.pageSize)
        let territories = try await Territory.query(on: request.db).sort(\.$position).all().map(\.choice)
        return AdminPages.members(
            .init(members: result.items.map(MemberSummary.init), total: result.metadata.total, page: result.metadata.page, pageCount: result.metadata.pageCount,
                  filters: filters, territories: territories),
            context: request.pageContext
        )
    }

    func findMember(_ request: Request) async throws -> Member {
        guard let id = request.id(.member),
              let member = try await Member.query(on: request.db).filter(\.$id == id)
                .with(\.$roleRows).with(\.$territory).first(),
              member.status != .deleted
        else { throw Abort(.notFound) }
        return member
    }

    func member(request: Request) async throws -> HTML {
        let member = try await findMember(request)
        let territories = try await Territory.query(on: request.db).sort(\.$position).all().map(\.choice)
        return AdminPages.member(
            .init(member: MemberSummary(member), territories: territories, csrf: try await request.csrfToken(),
                  isSelf: member.id == request.member?.id),
            context: request.pageContext
        )
    }

    struct RolesForm: Content {
        var roles: [String]?
        var territoire: String?
    }

    func updateRoles(request: Request) async throws -> Response {
        let target = try await findMember(request)
        let form = (try? request.content.decode(RolesForm.self)) ?? RolesForm()
        let wanted = Set((form.roles ?? []).compactMap(Role.init(rawValue:)))
        let targetID = try target.requireID()
        var errors = FormErrors()
        if wanted.isEmpty {
            errors.add("roles", "Cochez au moins un rôle.")
        }
        if target.roles.contains(.admin), !wanted.contains(.admin), try await Administrators.count(on: request.db) <= 1 {
            errors.add("roles", "C'est le seul administrateur : donnez d'abord ce rôle à une autre personne.")
        }
        let territoryID = form.territoire.flatMap(UUID.init(uuidString:))
        guard errors.isEmpty else {
            let territories = try await Territory.query(on: request.db).sort(\.$position).all().map(\.choice)
            return AdminPages.member(
                .init(member: MemberSummary(target), territories: territories, csrf: try await request.csrfToken(),
                      isSelf: target.id == request.member?.id, errors: errors),
                context: request.pageContext
            ).response(status: .unprocessableEntity)
        }
        let before = target.roles
        try await request.db.transaction { database in
            try await MemberRole.query(on: database).filter(\.$member.$id == targetID)
                .filter(\.$role ~~ Array(before.subtracting(wanted))).delete()
            for role in wanted.subtracting(before).sorted() {
                try await MemberRole(memberID: targetID, role: role).create(on: database)
            }
            target.$territory.id = territoryID
            try await target.save(on: database)
            var territoryName: String?
            if let territoryID {
                territoryName = try await Territory.find(territoryID, on: database)?.name
            }
            try await request.audit(
                "member.roles",
                "Rôles de « \(target.publicName) » : \(wanted.sorted().map(\.label).joined(separator: ", ")) ; "
                    + "territoire : \(territoryName ?? "tout le département").",
                on: database
            )
        }
        try await request.setFlash("Les rôles de « \(target.publicName) » sont enregistrés.")
        return request.redirect(to: .adminMember(targetID))
    }

    struct StatusForm: Content { var action: String? }

    func updateStatus(request: Request) async throws -> Response {
        let target = try await findMember(request)
        let targetID = try target.requireID()
        let action = (try? request.content.decode(StatusForm.self))?.action
        switch action {
        case "suspendre":
            guard targetID != request.member?.id else {
                throw PageError(.badRequest, title: "Vous ne pouvez pas vous suspendre vous-même",
                                message: "Demandez à un autre administrateur de le faire.")
            }
            target.status = .suspended
            try await target.save(on: request.db)
            // A suspended member is signed out everywhere at once.
            try await WebSessionRecord.query(on: request.db).filter(\.$memberID == targetID).delete()
            try await request.audit("member.suspend", "Compte de « \(target.publicName) » suspendu.")
            try await request.setFlash("Le compte de « \(target.publicName) » est suspendu.")
        case "reactiver":
            target.status = target.charterAcceptedAt == nil ? .pending : .active
            try await target.save(on: request.db)
            try await request.audit("member.reactivate", "Compte de « \(target.publicName) » réactivé.")
            try await request.setFlash("Le compte de « \(target.publicName) » est réactivé.")
        default:
            throw Abort(.badRequest)
        }
        return request.redirect(to: .adminMember(targetID))
    }

    // MARK: Territories and themes

    struct NameForm: Content { var nom: String? }

    func lists(request: Request) async throws -> HTML {
        try await listsPage(request, errors: FormErrors(), typed: [:])
    }

    func listsPage(_ request: Request, errors: FormErrors, typed: [String: String]) async throws -> HTML {
        AdminPages.lists(
            .init(
                territories: try await Territory.query(on: request.db).sort(\.$position).all().map(\.choice),
                themes: try await Theme.query(on: request.db).sort(\.$position).all().map(\.choice),
                csrf: try await request.csrfToken(), errors: errors, typed: typed
            ),
            context: request.pageContext
        )
    }

    struct NameProblem: Error { let message: String }

    /// The lists page again, with one field's error and what was typed in it.
    func listsPage(_ request: Request, field: String, _ message: String, typed: String) async throws -> Response {
        var errors = FormErrors()
        errors.add(field, message)
        return try await listsPage(request, errors: errors, typed: [field: typed]).response(status: .unprocessableEntity)
    }

    static func checkName(_ name: String?) -> Result<String, NameProblem> {
        let name = (name ?? "").components(separatedBy: .whitespacesAndNewlines).filter { !$0.isEmpty }.joined(separator: " ")
        if name.count < 2 { return .failure(NameProblem(message: "Le nom doit avoir au moins 2 caractères.")) }
        if name.count > AccountLimits.listName {
            return .failure(NameProblem(message: "Le nom doit avoir au plus \(AccountLimits.listName) caractères."))
        }
        return .success(name)
    }

    func addTerritory(request: Request) async throws -> Response {
        try await add(Territory.self, kind: "territory", label: "territoire", request: request)
    }

    func addTheme(request: Request) async throws -> Response {
        try await add(Theme.self, kind: "theme", label: "thème", request: request)
    }

    func renameTerritory(request: Request) async throws -> Response {
        try await rename(Territory.self, kind: "territory", label: "territoire", request: request)
    }

    func renameTheme(request: Request) async throws -> Response {
        try await rename(Theme.self, kind: "theme", label: "thème", request: request)
    }

    func add<Item: NamedListItem>(_ type: Item.Type, kind: String, label: String, request: Request) async throws -> Response {
        let typed = (try? request.content.decode(NameForm.self))?.nom
        let field = "\(kind)-nouveau"
        switch Self.checkName(typed) {
        case .failure(let problem):
            return try await listsPage(request, field: field, problem.message, typed: typed ?? "")
        case .success(let name):
            if try await Item.query(on: request.db).filter(Item.nameField, .equal, name).count() > 0 {
                return try await listsPage(request, field: field, "Ce nom existe déjà.", typed: name)
            }
            let position = (try await Item.query(on: request.db).max(Item.positionField) ?? -1) + 1
            try await Item(name: name, position: position).create(on: request.db)
            try await request.audit("\(kind).add", "Nouveau \(label) : « \(name) ».")
            try await request.setFlash("Le \(label) « \(name) » est ajouté.")
            return request.redirect(to: .admin(.lists))
        }
    }

    func rename<Item: NamedListItem>(_ type: Item.Type, kind: String, label: String, request: Request) async throws -> Response {
        guard let id = request.id(.listItem),
              let item = try await Item.find(id, on: request.db)
        else { throw Abort(.notFound) }
        let typed = (try? request.content.decode(NameForm.self))?.nom
        let field = "\(kind)-\(id)"
        switch Self.checkName(typed) {
        case .failure(let problem):
            return try await listsPage(request, field: field, problem.message, typed: typed ?? "")
        case .success(let name):
            let sameName = try await Item.query(on: request.db).filter(Item.nameField, .equal, name).all()
            if sameName.contains(where: { $0.id != id }) {
                return try await listsPage(request, field: field, "Ce nom existe déjà.", typed: name)
            }
            let old = item.name
            item.name = name
            try await item.save(on: request.db)
            try await request.audit("\(kind).rename", "\(label.capitalized) « \(old) » renommé en « \(name) ».")
            try await request.setFlash("Le \(label) s'appelle maintenant « \(name) ».")
            return request.redirect(to: .admin(.lists))
        }
    }

    // MARK: Audit log

    func journal(request: Request) async throws -> HTML {
        let result = try await AuditEntry.query(on: request.db).with(\.$actor)
            .sort(\.$createdAt, .descending)
            .paginateWithinRange(page: Pagination.number(request.query[String.self, at: "page"]), per: AccountLimits.journalPage)
        return AdminPages.journal(
            entries: result.items.map {
                .init(createdAt: $0.createdAt, actorName: $0.actor?.publicName ?? "Le serveur", summary: $0.summary)
            },
            page: result.metadata.page, pageCount: result.metadata.pageCount, context: request.pageContext
        )
    }
}

/// Territories and themes: lists an admin names and orders.
protocol NamedListItem: Model where IDValue == UUID {
    var name: String { get set }
    static var nameField: KeyPath<Self, FieldProperty<Self, String>> { get }
    static var positionField: KeyPath<Self, FieldProperty<Self, Int>> { get }
    init(name: String, position: Int)
}

extension Territory: NamedListItem {
    static var nameField: KeyPath<Territory, FieldProperty<Territory, String>> { \.$name }
    static var positionField: KeyPath<Territory, FieldProperty<Territory, Int>> { \.$position }
}

extension Theme: NamedListItem {
    static var nameField: KeyPath<Theme, FieldProperty<Theme, String>> { \.$name }
    static var positionField: KeyPath<Theme, FieldProperty<Theme, Int>> { \.$position }
}
