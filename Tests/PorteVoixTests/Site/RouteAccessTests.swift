import Foundation
import Testing
import Vapor
import VaporTesting
@testable import PorteVoix

/// Every registered route, and who may use it. A route added without a line
/// here fails `everyRouteIsInTheTable`, so nobody forgets to decide.
@Suite("Route access")
struct RouteAccessTests {
    /// Open to anyone, signed in or not.
    static let publicRoutes: Set<String> = [
        "GET /", "GET /charte", "GET /confidentialite", "GET /accessibilite", "GET /mentions-legales", "GET /aide",
        "GET /healthz",
        // Answers only with the operators' token (PORTEVOIX_METRICS_TOKEN), « introuvable » otherwise.
        "GET /metrics",
        "GET /connexion", "POST /connexion", "POST /deconnexion",
        "GET /activation", "POST /activation", "GET /activation/compte", "POST /activation/compte",
        "GET /installation", "POST /installation",
        "GET /propositions", "GET /propositions/:proposalID", "GET /suivi", "GET /moderation/transparence",
        "GET /debat-denomination", "GET /debat-denomination/noms/:nameID",
        "GET /seances", "GET /seances.ics", "GET /seances/:meetingID", "GET /seances/:meetingID/projection",
        "GET /seances/:meetingID/compte-rendu", "GET /seances/:meetingID/rapport",
        "GET /scrutins", "GET /scrutins/:pollID", "GET /scrutins/:pollID/bulletins", "POST /scrutins/:pollID/bulletins",
        "GET /api/openapi.json", "GET /css/portevoix.css", "GET /css/borne.css", "GET /css/projection.css", "GET /plan-du-site",
        // Recordings of what the public pages show (each refuses what is not public).
        "GET /ecouter/propositions/:proposalID", "GET /ecouter/seances/:meetingID", "GET /ecouter/scrutins/:pollID",
        "GET /ecouter/debat-denomination", "GET /ecouter/debat-denomination/noms/:nameID",
        "GET /ecouter/charte", "GET /ecouter/confidentialite", "GET /ecouter/accessibilite", "GET /ecouter/mentions-legales",
        "GET /ecouter/aide",
        // The kiosk's own pages: on any other device they say so and do nothing.
        "GET /borne", "POST /borne/encore", "POST /borne/fin", "GET /borne/fin",
    ]

    /// The read API: a live personal token of active staff, never a session (`ReadAPITests`).
    static let tokenRoutes: Set<String> = [
        "GET /api/v1/propositions", "GET /api/v1/propositions/:id", "GET /api/v1/seances", "GET /api/v1/scrutins",
        "GET /api/v1/debat-denomination",
    ]

    /// Roles that may use each other route; `nil`: any signed-in member.
    static let restricted: [String: Set<Role>?] = [
        "GET /activation/charte": nil,
        "POST /seances/:meetingID/borne": [.admin, .facilitator],
        "POST /seances/:meetingID/borne/fin": [.admin, .facilitator],
        "GET /propositions/:proposalID/reponse-facile": [.staff],
        "POST /propositions/:proposalID/reponse-facile": [.staff],
        "POST /propositions/:proposalID/comprehension": nil,
        "GET /scrutins/:pollID/question-facile": [.admin, .facilitator],
        "POST /scrutins/:pollID/question-facile": [.admin, .facilitator],
        "POST /activation/charte": nil,
        "GET /mon-compte": nil,
        "POST /mon-compte/pseudonyme": nil,
        "POST /mon-compte/mot-de-passe": nil,
        "GET /mon-compte/donnees": nil,
        "GET /mon-compte/jetons": [.staff, .admin],
        "POST /mon-compte/jetons": [.staff, .admin],
        "POST /mon-compte/jetons/:apiTokenID/revocation": [.staff, .admin],
        "POST /mon-compte/suppression": nil,
        "GET /admin": [.admin, .facilitator],
        "GET /admin/cartes": [.admin, .facilitator],
        "POST /debat-denomination/noms": nil,
        "POST /debat-denomination/noms/:nameID/avis": nil,
        "POST /debat-denomination/ressenti": [.admin, .facilitator],
        "POST /debat-denomination/vote": [.admin, .facilitator],
        "POST /debat-denomination/reponse": [.staff],
        "GET /debat-denomination/synthese": [.staff],
        "GET /exports": [.staff, .admin, .facilitator],
        "GET /exports/fichier": [.staff, .admin, .facilitator],
        "GET /exports/rapport-activite": [.staff, .admin, .facilitator],
        "POST /moderation/noms/:nameID": [.moderator],
        "POST /moderation/avis/:opinionID": [.moderator],
        "POST /admin/cartes": [.admin, .facilitator],
        "POST /admin/cartes/remplacement": [.admin, .facilitator],
        "POST /admin/cartes/remplacement/:replacementID/confirmer": [.admin, .facilitator],
        "GET /admin/membres": [.admin],
        "GET /admin/membres/:memberID": [.admin],
        "POST /admin/membres/:memberID/roles": [.admin],
        "POST /admin/membres/:memberID/statut": [.admin],
        "GET /admin/listes": [.admin],
        "POST /admin/territoires": [.admin],
        "POST /admin/territoires/:listItemID": [.admin],
        "POST /admin/themes": [.admin],
        "POST /admin/themes/:listItemID": [.admin],
        "GET /admin/journal": [.admin],
        "GET /admin/reglages": [.admin],
        "POST /admin/reglages": [.admin],
        "POST /admin/reglages/adresse": [.admin],
        "POST /admin/cartes/adresse": [.admin],
        "POST /admin/cartes/debloquer": [.admin, .facilitator],
        "GET /propositions/papier/a-confirmer": nil,
        "POST /propositions/:proposalID/signalement": nil,
        "POST /propositions/:proposalID/commentaires/:commentID/signalement": nil,
        "GET /propositions/:proposalID/commentaires/:commentID/modifier": nil,
        "POST /propositions/:proposalID/commentaires/:commentID/modifier": nil,
        "POST /moderation/propositions/:proposalID": [.moderator],
        "POST /moderation/commentaires/:commentID": [.moderator],
        "GET /moderation/propositions/:proposalID/modifier": [.moderator],
        "POST /moderation/propositions/:proposalID/modifier": [.moderator],
        "GET /moderation/commentaires/:commentID/modifier": [.moderator],
        "POST /moderation/commentaires/:commentID/modifier": [.moderator],
        "POST /moderation/propositions/:proposalID/relue": [.moderator],
        "POST /moderation/commentaires/:commentID/relu": [.moderator],
        "GET /moderation/journal": [.moderator],
        "POST /propositions/:proposalID/papier": nil,
        "GET /mon-compte/notifications": nil,
        "POST /mon-compte/notifications/lues": nil,
        "GET /propositions/nouvelle": nil,
        "POST /propositions/nouvelle": nil,
        "GET /propositions/miennes": nil,
        "GET /propositions/:proposalID/modifier": nil,
        "POST /propositions/:proposalID/modifier": nil,
        "POST /propositions/:proposalID/statut": nil,
        "POST /propositions/:proposalID/soutien": nil,
        "POST /propositions/:proposalID/commentaires": nil,
        "POST /propositions/:proposalID/commentaires/:commentID/moderation": [.moderator],
        "GET /propositions/papier": [.facilitator, .admin],
        "POST /propositions/papier": [.facilitator, .admin],
        "GET /moderation": [.moderator],
        "POST /seances/:meetingID/reponse": nil,
        "GET /seances/nouvelle": [.facilitator, .admin],
        "POST /seances/nouvelle": [.facilitator, .admin],
        "GET /seances/:meetingID/modifier": [.facilitator, .admin],
        "POST /seances/:meetingID/modifier": [.facilitator, .admin],
        "POST /seances/:meetingID/statut": [.facilitator, .admin],
        "POST /seances/:meetingID/points": [.facilitator, .admin],
        "POST /seances/:meetingID/points/:itemID": [.facilitator, .admin],
        "POST /seances/:meetingID/points/:itemID/deplacer": [.facilitator, .admin],
        "POST /seances/:meetingID/points/:itemID/courant": [.facilitator, .admin],
        "POST /seances/:meetingID/points/:itemID/supprimer": [.facilitator, .admin],
        "POST /seances/:meetingID/propositions": [.facilitator, .admin],
        "GET /seances/:meetingID/emargement": [.facilitator, .admin],
        "POST /seances/:meetingID/emargement": [.facilitator, .admin],
        "GET /seances/:meetingID/compte-rendu/modifier": [.facilitator, .admin],
        "POST /seances/:meetingID/compte-rendu/modifier": [.facilitator, .admin],
        "POST /scrutins/:pollID/confirmation": nil,
        "POST /scrutins/:pollID/modifier": nil,
        "POST /scrutins/:pollID/vote": nil,
        "GET /scrutins/nouveau": [.facilitator, .admin],
        "POST /scrutins/nouveau": [.facilitator, .admin],
        "POST /scrutins/:pollID/statut": [.facilitator, .admin],
        "GET /scrutins/:pollID/papier": [.facilitator, .admin],
        "POST /scrutins/:pollID/papier/votants": [.facilitator, .admin],
        "POST /scrutins/:pollID/papier/bulletins": [.facilitator, .admin],
        // Key holders are often members without a role: the handler answers
        // 404 to anyone who neither holds a key of that poll nor runs the room.
        "GET /scrutins/:pollID/depouillement": nil,
        "POST /scrutins/:pollID/depouillement": nil,
        "GET /scrutins/:pollID/ma-part": nil,
        "POST /scrutins/:pollID/ma-part": nil,
        "GET /seances/:meetingID/emargement/feuille": [.facilitator, .admin],
        "POST /admin/cartes/remplacement/:replacementID/imprimer": [.admin, .facilitator],
    ]

    static func key(_ route: Route) -> String {
        "\(route.method.rawValue) /\(route.path.map(\.description).joined(separator: "/"))"
    }

    /// A path to request for a route: parameters get an id that exists nowhere.
    static func concretePath(_ route: Route) -> String {
        "/" + route.path.map { component in
            if case .parameter = component { return UUID().uuidString }
            return component.description
        }.joined(separator: "/")
    }

    static func send(_ route: Route, as browser: inout Browser) async throws -> TestingHTTPResponse {
        let path = concretePath(route)
        if route.method == .GET {
            return try await browser.get(path)
        }
        // Any page with a form gives the session's token (signed in or not).
        var token = try await browser.get("/connexion").csrfToken
        if token == nil { token = try await browser.get("/mon-compte").csrfToken }
        let csrf = try #require(token)
        return try await browser.post(path, form: ["_csrf": csrf], method: route.method)
    }

    @Test func everyRouteIsInTheTable() async throws {
        try await withTestApp { app in
            let keys = app.routes.all.map(Self.key)
            for key in keys {
                #expect(Self.publicRoutes.contains(key) || Self.restricted[key] != nil || Self.tokenRoutes.contains(key),
                        "\(key) is neither public nor in the access table")
            }
            for key in Set(Self.restricted.keys).union(Self.tokenRoutes) {
                #expect(keys.contains(key), "\(key) is in the table but not registered")
            }
        }
    }

    @Test func anAnonymousVisitorIsSentToSignIn() async throws {
        try await withTestApp { app in
            for route in app.routes.all where !Self.publicRoutes.contains(Self.key(route)) {
                var visitor = Browser(app)
                let response = try await Self.send(route, as: &visitor)
                if route.path.first?.description == "api" {
                    #expect(response.status == .unauthorized, "\(Self.key(route))")
                } else {
                    #expect(response.status == .seeOther, "\(Self.key(route))")
                    #expect(response.location?.hasPrefix("/connexion") == true, "\(Self.key(route))")
                }
            }
        }
    }

    @Test(arguments: Role.allCases)
    func eachRoleReachesExactlyItsRoutes(role: Role) async throws {
        try await withTestApp { app in
            try await makeMember(app, "Quelqu'un", roles: [role])
            if role != .admin {
                // So that "last administrator" rules do not get in the way.
                try await makeMember(app, "Autre admin", roles: [.admin])
            }
            for route in app.routes.all {
                let key = Self.key(route)
                if Self.tokenRoutes.contains(key) {
                    var browser = Browser(app)
                    try await browser.signIn("Quelqu'un")
                    #expect(try await Self.send(route, as: &browser).status == .unauthorized, "\(role) → \(key): a session is not a token")
                    continue
                }
                guard let allowed = Self.restricted[key] else { continue }
                var browser = Browser(app)
                try await browser.signIn("Quelqu'un")
                let response = try await Self.send(route, as: &browser)
                if allowed == nil || allowed!.contains(role) {
                    #expect(response.status != .forbidden, "\(role) → \(key)")
                    #expect(response.location?.hasPrefix("/connexion") != true, "\(role) → \(key)")
                } else {
                    #expect(response.status == .forbidden, "\(role) → \(key): \(response.status)")
                    #expect(response.text.contains("Cette page ne vous est pas ouverte"), "\(role) → \(key)")
                }
            }
        }
    }
}
