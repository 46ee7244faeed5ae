import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting
@testable import PorteVoix

/// Every registered route, read from the application's route table, gets
/// hostile query strings and form bodies, from an anonymous visitor and from
/// each role: no answer is a 5xx, and the site still answers afterwards.
@Suite("Hostile requests")
struct HostileRequestTests {
    static let huge = String(repeating: "a", count: 100_000)

    /// Values that broke or could break number parsing, arithmetic and text handling.
    static let values = ["9223372036854775807", "-9223372036854775808", "99999999999999999999999", "-1", "0", "1e308",
                         "NaN", "abc", "", "<script>'\"", "\u{202E}\u{200B}", "../../etc/passwd", "%00"]

    /// Form field names the site reads, gathered from its forms.
    static let fieldNames = ["page", "q", "tri", "theme", "territoire", "statut", "role", "nombre", "code", "pseudonyme",
                             "motDePasse", "confirmation", "titre", "texte", "choix", "choix[]", "note-0", "note-1",
                             "minimum", "maxChoix", "question", "description", "type", "eligibilite", "point",
                             "proposition", "ouvertureJour", "ouvertureHeure", "clotureJour", "clotureHeure", "urne",
                             "detenteurs", "seuil", "part-1", "part-2", "votants[]", "action", "raison", "reponse",
                             "jour", "debut", "fin", "lieu", "lien", "accessibilite", "autres", "presents[]", "affiches[]",
                             "position", "direction", "roles[]", "nom", "anonyme", "auteur", "soutien", "accepte",
                             "retour", "membre", "motif", "compte-rendu", "decision", "suivi", "avis"]

    /// Ids for route parameters: ones that exist (so handlers go deep) and hostile ones.
    static func parameterValues(_ app: Application) async throws -> [String: [String]] {
        let sql = app.db as! any SQLDatabase
        func ids(_ table: String) async throws -> [String] {
            try await sql.raw("SELECT id FROM \(unsafeRaw: table) LIMIT 2").all().map { try $0.decode(column: "id", as: UUID.self).uuidString }
        }
        return [
            "proposalID": try await ids("proposals"), "meetingID": try await ids("meetings"), "pollID": try await ids("polls"),
            "memberID": try await ids("members"), "itemID": try await ids("agenda_items"), "listItemID": try await ids("territories"),
            "commentID": try await ids("proposal_comments"), "nameID": try await ids("proposed_names"),
            "opinionID": try await ids("name_opinions"), "apiTokenID": try await ids("api_tokens"), "id": try await ids("proposals"),
        ]
    }

    static func path(_ route: Route, known: [String: [String]], variant: Int) -> String {
        "/" + route.path.map { component -> String in
            guard case .parameter(let name) = component else { return component.description }
            let candidates = (known[name] ?? []) + ["-1", "99999999999999999999", "abc%FF", UUID().uuidString, "%2e%2e"]
            return candidates[variant % candidates.count]
        }.joined(separator: "/")
    }

    /// A form body: every field the same hostile value, with repeats and arrays.
    static func body(variant: Int) -> String {
        let value = values[variant % values.count]
        let encoded = value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        var pairs = fieldNames.map { "\($0)=\(encoded)" }
        switch variant % 4 {
        case 0: pairs += fieldNames.prefix(10).map { "\($0)=1" }                      // repeated fields
        case 1: pairs += fieldNames.prefix(10).map { "\($0)[]=\(encoded)" }           // arrays for scalars
        case 2: pairs.append("texte=\(huge)&titre=\(huge.prefix(5_000))")             // long texts
        default: pairs += ["q=%FF%FE%FD", "titre=%C3%28", "pseudonyme=%ED%A0%80"]     // invalid UTF-8
        }
        return pairs.joined(separator: "&")
    }

    static func query(variant: Int) -> String {
        switch variant % 4 {
        case 0: "?page=9223372036854775807&q=%FF%FE"
        case 1: "?page=461168601842738791&page=2&tri=soutenues&theme[]=x"
        case 2: "?page=-5&q=" + String(repeating: "z", count: 20_000)
        default: "?page=abc&statut=%00&territoire=99999999999999999999&role[]=admin"
        }
    }

    static let identities: [Role?] = [nil] + Role.allCases.map(Optional.some)

    @Test func noRequestAnswersAServerErrorNorStopsTheSite() async throws {
        try await withTestApp { app in
            _ = try await DemoData.fill(app)
            try await makeMember(app, "Quelqu'un")
            let known = try await Self.parameterValues(app)
            var failures: [String] = []
            for identity in Self.identities {
                let name = identity.map { "Hostile \($0.rawValue)" }
                if let identity, let name {
                    try await makeMember(app, name, roles: identity == .participant ? [.participant] : [identity, .participant])
                }
                for (index, route) in app.routes.all.enumerated() {
                    var browser = Browser(app)
                    if let name { try await browser.signIn(name) }
                    for variant in [index, index + 1] {
                        let path = Self.path(route, known: known, variant: variant)
                        let response: TestingHTTPResponse
                        if route.method == .GET {
                            response = try await browser.get(path + Self.query(variant: variant))
                        } else {
                            var token = try await browser.get("/connexion").csrfToken
                            if token == nil { token = try await browser.get("/mon-compte").csrfToken }
                            var headers = HTTPHeaders()
                            headers.contentType = .urlEncodedForm
                            response = try await browser.send(route.method, path + Self.query(variant: variant), headers: headers,
                                                              body: ByteBuffer(string: "_csrf=\(token ?? "")&" + Self.body(variant: variant)))
                        }
                        if response.status.code >= 500 {
                            failures.append("\(identity?.rawValue ?? "anonyme") \(route.method) \(path): \(response.status.code)")
                        }
                    }
                }
            }
            #expect(failures.isEmpty, "\(failures.count) server errors:\n\(failures.prefix(40).joined(separator: "\n"))")
            var visitor = Browser(app)
            #expect(try await visitor.get("/healthz").status == .ok, "the site still answers")
            #expect(try await visitor.get("/propositions").status == .ok)
        }
    }

    @Test func hugePageNumbersShowTheLastPage() async throws {
        try await withTestApp { app in
            _ = try await DemoData.fill(app)
            try await makeMember(app, "Admin", roles: [.admin])
            var admin = Browser(app)
            try await admin.signIn("Admin")
            for path in ["/suivi", "/propositions", "/admin/membres", "/admin/journal"] {
                for page in ["461168601842738791", "9223372036854775807", "-9223372036854775808", "1e9"] {
                    let response = try await admin.get("\(path)?page=\(page)")
                    #expect(response.status == .ok, "\(path)?page=\(page): \(response.status)")
                }
            }
            #expect(try await admin.get("/healthz").status == .ok)
        }
    }
}

@Suite("Anonymous visitors write nothing")
struct AnonymousFloodTests {
    @Test func fiveThousandAnonymousViewsLeaveTheSessionsTableAsItWasWhileMembersVote() async throws {
        try await withTestApp { app in
            let poll = try await makePoll(app, kind: .yesNo, options: [])
            let closed = try await makePoll(app, kind: .yesNo, options: [])
            try await PollCount.close(closed, at: app.clock.now(), app: app)
            var voters: [Browser] = []
            for index in 0..<20 {
                try await makeMember(app, "Votant \(index)")
                var browser = Browser(app)
                try await browser.signIn("Votant \(index)")
                voters.append(browser)
            }
            let sessionsBefore = try await WebSessionRecord.query(on: app.db).count()
            let paths = ["/connexion", "/activation", closed.path + "/bulletins"]
            let votes = try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
                for worker in 0..<10 {
                    group.addTask {
                        for index in 0..<500 {
                            var visitor = Browser(app)
                            let response = try await visitor.get(paths[(worker + index) % paths.count])
                            guard response.status == .ok else { return response.status }
                        }
                        return .ok
                    }
                }
                for voter in voters {
                    group.addTask {
                        var voter = voter
                        return try await voter.submit(["choix": "P"], on: poll.path, to: poll.path + "/vote").status
                    }
                }
                return try await group.reduce(into: [HTTPStatus]()) { $0.append($1) }
            }
            #expect(votes.allSatisfy { $0 == .ok }, "\(votes.filter { $0 != .ok })")
            #expect(try await WebSessionRecord.query(on: app.db).count() == sessionsBefore)
            #expect(try await BallotBox.ballotCount(pollID: poll.requireID(), on: app.db) == 20)

            // The forms of those pages still work, with the stateless token, and only in the browser that got it.
            try await makeMember(app, "Marie")
            var visitor = Browser(app)
            let token = try #require(try await visitor.get("/connexion").csrfToken)
            var other = Browser(app)
            try await other.get("/connexion")
            let stolen = try await other.post("/connexion", form: ["_csrf": token, "pseudonyme": "Marie", "motDePasse": defaultTestPassword])
            #expect(stolen.status == .forbidden, "a visitor token is bound to its visitor cookie")
            #expect(try await visitor.signIn("Marie").location == "/")
        }
    }
}
