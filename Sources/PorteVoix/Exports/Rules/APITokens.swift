import Fluent
import Foundation
import Vapor

/// Personal API tokens: who may hold one, how long it lives, what a request
/// carrying one is worth.
enum APITokens {
    /// Who may create one and whose token keeps working: the département's staff (and admins).
    static let holders: Set<Role> = [.staff, .admin]
    static let defaultDays = 90
    static let allowedDays = 1...365
    static let maximumLabelLength = 60
    /// Live tokens one person may hold at once.
    static let maximumLive = 10
    static let prefix = "pv_"

    static func mayHold(_ member: Member) -> Bool {
        member.status == .active && !member.roles.isDisjoint(with: holders)
    }

    /// Creates a token; returns it in clear, the only time it exists outside the holder's hands.
    static func create(for member: Member, label: String, days: Int, now: Date,
                       on database: any Database) async throws -> (token: String, record: APIToken) {
        let token = prefix + SecureToken.make()
        let record = APIToken(memberID: try member.requireID(), label: label, tokenHash: SecureToken.hash(token),
                              createdAt: now, expiresAt: now.addingTimeInterval(Double(days) * 86_400))
        try await record.create(on: database)
        try await AuditLog.append(actorID: member.id, action: .apiTokenCreate, subject: .member(try member.requireID()),
                                  details: ["days": String(days)], at: now, on: database)
        return (token, record)
    }

    /// Ends every live token of a member: at suspension, a new password or
    /// card, or the loss of the staff role. A token never comes back to life.
    static func revokeAll(of memberID: UUID, now: Date, on database: any Database) async throws {
        try await APIToken.query(on: database).filter(\.$member.$id == memberID).filter(\.$revokedAt == nil)
            .set(\.$revokedAt, to: now).update()
    }

    enum Refusal: Equatable { case missing, unknown, revoked, expired, notHolder }

    /// The holder of the token in an `Authorization: Bearer` header, if the
    /// token is live and its holder is still active staff.
    static func holder(of header: String?, now: Date, on database: any Database) async throws -> Result<Member, RefusalError> {
        guard let header, header.lowercased().hasPrefix("bearer ") else { return .failure(RefusalError(.missing)) }
        let token = header.dropFirst("bearer ".count).trimmingCharacters(in: .whitespaces)
        guard token.hasPrefix(prefix), token.count < 100 else { return .failure(RefusalError(.unknown)) }
        guard let record = try await APIToken.query(on: database).filter(\.$tokenHash == SecureToken.hash(token)).first() else {
            return .failure(RefusalError(.unknown))
        }
        if record.revokedAt != nil { return .failure(RefusalError(.revoked)) }
        if record.expiresAt <= now { return .failure(RefusalError(.expired)) }
        // Roles are read at each request: a token dies with its holder's staff role.
        guard let member = try await Member.query(on: database).filter(\.$id == record.$member.id).with(\.$roleRows).first(),
              mayHold(member) else { return .failure(RefusalError(.notHolder)) }
        let today = FrenchDates.calendar.startOfDay(for: now)
        if record.lastUsedOn.map({ $0 < today }) ?? true {
            record.lastUsedOn = today
            try await record.save(on: database)
        }
        return .success(member)
    }

    struct RefusalError: Error, Equatable {
        let refusal: Refusal
        init(_ refusal: Refusal) { self.refusal = refusal }

        var pageError: PageError {
            let message = switch refusal {
            case .missing: "Ajoutez l'en-tête « Authorization: Bearer » suivi de votre jeton personnel, créé dans « Mon compte »."
            case .unknown: "Ce jeton n'existe pas. Vérifiez qu'il a été copié en entier."
            case .revoked: "Ce jeton a été révoqué. Créez-en un nouveau dans « Mon compte »."
            case .expired: "Ce jeton a expiré. Créez-en un nouveau dans « Mon compte »."
            case .notHolder: "Ce jeton ne vaut plus : son titulaire n'a plus le rôle d'agent du département."
            }
            return PageError(.unauthorized, title: "Jeton refusé", message: message)
        }
    }
}

/// The read API's gate: a live personal token of active staff, or 401 as problem+json.
/// It also hands the request's own database to the handlers (`ReadAPI.database`).
struct APITokenMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        switch try await APITokens.holder(of: request.headers.first(name: .authorization), now: request.now, on: request.db) {
        case .failure(let refusal): throw refusal.pageError
        case .success:
            // A client that accepts JSON also gets the errors, which are problem+json (otherwise the generated server answers 406).
            if let accept = request.headers.first(name: .accept), !accept.contains("problem+json"), !accept.contains("*/*") {
                request.headers.replaceOrAdd(name: .accept, value: accept + ", application/problem+json;q=0.9")
            }
            return try await APIRequest.$database.withValue(request.db) { try await next.respond(to: request) }
        }
    }
}

/// The database of the request being answered, for the generated API's handlers (which do not see the request).
enum APIRequest {
    @TaskLocal static var database: (any Database)?
}
