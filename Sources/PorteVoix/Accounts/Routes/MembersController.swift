import Fluent
import Plot
import Vapor

/// `/admin/membres`: members, their roles and their access (administrators).
struct MembersController {
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
            .paginateWithinRange(page: Pagination.number(filters.page), per: AccountLimits.membersPage)
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
            if wanted.isDisjoint(with: APITokens.holders) && !before.isDisjoint(with: APITokens.holders) {
                try await APITokens.revokeAll(of: targetID, now: request.now, on: database)
            }
            try await request.audit(.memberRoles, about: .member(targetID),
                                    ["roles": wanted.map(\.rawValue).sorted().joined(separator: ","),
                                     "territory": territoryID?.uuidString ?? ""], on: database)
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
            try await MemberStatusRules.suspend(target, now: request.now, on: request.db)
            try await request.audit(.memberSuspend, about: .member(targetID))
            try await request.setFlash("Le compte de « \(target.publicName) » est suspendu.")
        case "reactiver":
            try await MemberStatusRules.reactivate(target, on: request.db)
            try await request.audit(.memberReactivate, about: .member(targetID))
            try await request.setFlash("Le compte de « \(target.publicName) » est réactivé.")
        default:
            throw Abort(.badRequest)
        }
        return request.redirect(to: .adminMember(targetID))
    }
}
