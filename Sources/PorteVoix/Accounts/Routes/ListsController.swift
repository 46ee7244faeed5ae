import Fluent
import Plot
import Vapor

/// `/admin/listes`: the territories and themes an administrator names and orders.
struct ListsController {
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
        try await add(TerritoryList.self, request: request)
    }

    func addTheme(request: Request) async throws -> Response {
        try await add(ThemeList.self, request: request)
    }

    func renameTerritory(request: Request) async throws -> Response {
        try await rename(TerritoryList.self, request: request)
    }

    func renameTheme(request: Request) async throws -> Response {
        try await rename(ThemeList.self, request: request)
    }

    func add<Kind: AdministeredList>(_ list: Kind.Type, request: Request) async throws -> Response {
        let kind = Kind.auditKind, label = Kind.label
        let typed = (try? request.content.decode(NameForm.self))?.nom
        let field = "\(kind.rawValue)-nouveau"
        switch Self.checkName(typed) {
        case .failure(let problem):
            return try await listsPage(request, field: field, problem.message, typed: typed ?? "")
        case .success(let name):
            if try await NamedListItem<Kind>.query(on: request.db).filter(\.$name == name).count() > 0 {
                return try await listsPage(request, field: field, "Ce nom existe déjà.", typed: name)
            }
            let position = (try await NamedListItem<Kind>.query(on: request.db).max(\.$position) ?? -1) + 1
            let item = NamedListItem<Kind>(name: name, position: position)
            try await item.create(on: request.db)
            try await request.audit(.listAdd(kind), about: AuditSubject(kind: kind.rawValue, id: item.id))
            try await request.setFlash("Le \(label) « \(name) » est ajouté.")
            return request.redirect(to: .admin(.lists))
        }
    }

    func rename<Kind: AdministeredList>(_ list: Kind.Type, request: Request) async throws -> Response {
        let kind = Kind.auditKind, label = Kind.label
        guard let id = request.id(.listItem),
              let item = try await NamedListItem<Kind>.find(id, on: request.db)
        else { throw Abort(.notFound) }
        let typed = (try? request.content.decode(NameForm.self))?.nom
        let field = "\(kind.rawValue)-\(id)"
        switch Self.checkName(typed) {
        case .failure(let problem):
            return try await listsPage(request, field: field, problem.message, typed: typed ?? "")
        case .success(let name):
            let sameName = try await NamedListItem<Kind>.query(on: request.db).filter(\.$name == name).all()
            if sameName.contains(where: { $0.id != id }) {
                return try await listsPage(request, field: field, "Ce nom existe déjà.", typed: name)
            }
            item.name = name
            try await item.save(on: request.db)
            try await request.audit(.listRename(kind), about: AuditSubject(kind: kind.rawValue, id: id))
            try await request.setFlash("Le \(label) s'appelle maintenant « \(name) ».")
            return request.redirect(to: .admin(.lists))
        }
    }
}
