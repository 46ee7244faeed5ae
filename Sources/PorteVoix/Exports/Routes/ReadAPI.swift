import Fluent
import Foundation
import OpenAPIRuntime
import OpenAPIVapor
import PorteVoixAPI
import Vapor
import Voting

/// The read API (`/api/v1`): its routes and types are generated from
/// `Sources/PorteVoixAPI/openapi.json`; this fills them with what the site
/// publishes, through the same queries as the exports. Never a pseudonym,
/// never anything about an individual ballot or support.
struct ReadAPI: APIProtocol {
    /// Used only outside a request (tests calling a handler directly).
    let fallback: any Database
    /// The site's clock, which decides what a poll shows (open, closed).
    let clock: any SiteClock
    /// The request's own database: its event loop's pool, its logger.
    var database: any Database { APIRequest.database ?? fallback }

    static let defaultLimit = 50
    static let limits = 1...100

    /// Registers the document and the endpoints; every endpoint needs a live staff token.
    static func register(on app: Application) throws {
        app.get("api", "openapi.json") { _ in
            var headers = HTTPHeaders()
            headers.contentType = .json
            headers.replaceOrAdd(name: .cacheControl, value: "no-cache")
            return Response(status: .ok, headers: headers, body: .init(data: OpenAPIDocument.bytes))
        }
        let guarded = app.grouped("api", "v1").grouped(APITokenMiddleware())
        try ReadAPI(fallback: app.db, clock: app.clock).registerHandlers(on: VaporTransport(routesBuilder: guarded))
    }

    // MARK: Paging

    /// A page request read and checked: a bad one becomes a 400 problem.
    struct Paging {
        var after: UUID?
        var limit: Int
        var filters = ExportFilters()
    }

    static func problem(_ status: Int, _ title: String, _ detail: String) -> Components.Schemas.Probleme {
        .init(_type: "about:blank", title: title, status: status, detail: detail)
    }

    static func badRequest(_ detail: String) -> Components.Schemas.Probleme {
        problem(400, "Demande incorrecte", detail)
    }

    /// `apres` must name an item this endpoint lists (`isListed`): any other id,
    /// existing or not, gets the same 400, so a cursor tells nothing about hidden items.
    func paging(after: String?, limit: Int?, territory: String? = nil, theme: String? = nil,
                isListed: (UUID) async throws -> Bool) async throws -> Result<Paging, ProblemError> {
        var paging = Paging(limit: limit ?? Self.defaultLimit)
        guard Self.limits.contains(paging.limit) else {
            return .failure(ProblemError(Self.badRequest("« limite » va de 1 à 100.")))
        }
        if let after {
            guard let id = UUID(uuidString: after), try await isListed(id) else {
                return .failure(ProblemError(Self.badRequest("Ce curseur « apres » n'existe pas : reprenez la valeur « suivant » d'une page.")))
            }
            paging.after = id
        }
        for (name, value) in [("territoire", territory), ("theme", theme)] {
            guard let value else { continue }
            guard let id = UUID(uuidString: value) else {
                return .failure(ProblemError(Self.badRequest("« \(name) » doit être un identifiant (UUID).")))
            }
            if name == "territoire" { paging.filters.territoryID = id } else { paging.filters.themeID = id }
        }
        return .success(paging)
    }

    struct ProblemError: Error { let problem: Components.Schemas.Probleme; init(_ problem: Components.Schemas.Probleme) { self.problem = problem } }

    /// One more than asked tells whether a next page exists.
    static func split<T>(_ items: [T], limit: Int, id: (T) -> UUID?) -> (items: [T], next: String?) {
        guard items.count > limit else { return (items, nil) }
        let kept = Array(items.prefix(limit))
        return (kept, kept.last.flatMap(id)?.uuidString)
    }

    // MARK: Proposals

    func listProposals(_ input: Operations.ListProposals.Input) async throws -> Operations.ListProposals.Output {
        let query = input.query
        switch try await paging(after: query.apres, limit: query.limite, territory: query.territoire, theme: query.theme, isListed: { id in
            try await Proposal.query(on: database).shownToThePublic().filter(\.$id == id).count() > 0
        }) {
        case .failure(let error): return .badRequest(.init(body: .applicationProblemJson(error.problem)))
        case .success(let paging):
            let page = try await ExportDataset.proposalsPage(paging.filters, after: paging.after, limit: paging.limit + 1, on: database)
            let (kept, next) = Self.split(page, limit: paging.limit) { $0.id }
            let items = try await ExportDataset.proposalRecords(kept, on: database).map(Self.proposition)
            return .ok(.init(body: .json(.init(elements: items, suivant: next))))
        }
    }

    func getProposal(_ input: Operations.GetProposal.Input) async throws -> Operations.GetProposal.Output {
        guard let id = UUID(uuidString: input.path.id) else {
            return .badRequest(.init(body: .applicationProblemJson(Self.badRequest("L'identifiant doit être un UUID."))))
        }
        guard let proposal = try await Proposal.query(on: database).shownToThePublic().filter(\.$id == id).first(),
              let record = try await ExportDataset.proposalRecords([proposal], on: database).first else {
            return .notFound(.init(body: .applicationProblemJson(Self.problem(404, "Proposition introuvable",
                                                                                "Aucune proposition publiée n'a cet identifiant."))))
        }
        return .ok(.init(body: .json(Self.proposition(record))))
    }

    static func proposition(_ record: [(String, ExportCell)]) -> Components.Schemas.Proposition {
        let cells = Cells(record)
        return .init(id: cells.text("id"), titre: cells.text("titre"), texte: cells.text("texte"), theme: cells.text("theme"),
                     territoire: cells.text("territoire"), statut: cells.text("statut"), deposeeLe: cells.date("deposee_le"),
                     publieeLe: cells.date("publiee_le") ?? Date(timeIntervalSince1970: 0), soutiens: cells.number("soutiens") ?? 0,
                     decisionDuConseil: cells.optionalText("decision_du_conseil"), reponse: cells.optionalText("reponse"),
                     repondueLe: cells.date("repondue_le"), dernierPointDEtape: cells.optionalText("dernier_point_d_etape"))
    }

    // MARK: Sessions

    func listMeetings(_ input: Operations.ListMeetings.Input) async throws -> Operations.ListMeetings.Output {
        let query = input.query
        switch try await paging(after: query.apres, limit: query.limite, territory: query.territoire, isListed: { id in
            try await Meeting.find(id, on: database) != nil
        }) {
        case .failure(let error): return .badRequest(.init(body: .applicationProblemJson(error.problem)))
        case .success(let paging):
            let page = try await ExportDataset.meetingsPage(paging.filters, after: paging.after, limit: paging.limit + 1, on: database)
            let (kept, next) = Self.split(page, limit: paging.limit) { $0.id }
            let items = try await ExportDataset.meetingRecords(kept, on: database).map { record in
                let cells = Cells(record)
                return Components.Schemas.Seance(
                    id: cells.text("id"), titre: cells.text("titre"), debut: cells.date("debut") ?? Date(timeIntervalSince1970: 0),
                    fin: cells.date("fin") ?? Date(timeIntervalSince1970: 0), lieu: cells.optionalText("lieu"),
                    territoire: cells.text("territoire"), statut: cells.text("statut"),
                    ordreDuJour: cells.text("ordre_du_jour").split(separator: "\n").map(String.init),
                    membresPresents: cells.number("membres_presents") ?? 0, autresPresents: cells.number("autres_presents") ?? 0,
                    decisions: cells.text("decisions").split(separator: "\n").map(String.init),
                    compteRenduPublieLe: cells.date("compte_rendu_publie_le"))
            }
            return .ok(.init(body: .json(.init(elements: items, suivant: next))))
        }
    }

    // MARK: Polls

    func listPolls(_ input: Operations.ListPolls.Input) async throws -> Operations.ListPolls.Output {
        switch try await paging(after: input.query.apres, limit: input.query.limite, territory: input.query.territoire, isListed: { id in
            try await Poll.query(on: database).filter(\.$id == id).filter(\.$status == .closed).count() > 0
        }) {
        case .failure(let error): return .badRequest(.init(body: .applicationProblemJson(error.problem)))
        case .success(let paging):
            let page = try await ExportDataset.pollsPage(paging.filters, after: paging.after, limit: paging.limit + 1, on: database)
            let (kept, next) = Self.split(page, limit: paging.limit) { $0.id }
            var items: [Components.Schemas.Scrutin] = []
            for poll in kept {
                let results = try await ExportDataset.publishedResults(poll, on: database)
                items.append(.init(
                    id: poll.id?.uuidString ?? "", question: poll.question,
                    _type: Self.apiKind(poll.kind),
                    statut: poll.statusLabel, closLe: poll.closedAt,
                    bulletins: results?.ballots ?? poll.aggregate?.ballots ?? 0, resultatPublie: results != nil,
                    options: (results?.exportRows ?? []).map {
                        .init(option: $0.option, rang: $0.rank, voix: $0.votes, mentionMajoritaire: $0.grade)
                    }))
            }
            return .ok(.init(body: .json(.init(elements: items, suivant: next))))
        }
    }

    /// The document's name for a poll kind. Exhaustive on purpose: a new
    /// kind does not compile until it is given its value in `openapi.json`.
    static func apiKind(_ kind: PollKind) -> Components.Schemas.Scrutin._TypePayload {
        switch kind {
        case .yesNo: .yesNo
        case .single: .single
        case .approval: .approval
        case .majorityJudgment: .majorityJudgment
        }
    }

    // MARK: The naming debate

    func getNamingDebate(_ input: Operations.GetNamingDebate.Input) async throws -> Operations.GetNamingDebate.Output {
        var debate = DebatePage.Model(introHTML: "")
        try await DebatePublicParts.fill(&debate, now: clock.now(), on: database)
        let texts = try await ExportDataset.opinionTexts(on: database)
        let synthesis = Components.Schemas.SyntheseDebat(
            questionRessenti: FeelingQuestion.question,
            ressenti: debate.rounds.map { round in
                .init(numero: round.number, statut: round.status.label, bulletins: round.ballots,
                      reponses: (round.counts ?? []).enumerated().map { index, count in
                          .init(reponse: FeelingQuestion.options.indices.contains(index) ? FeelingQuestion.options[index] : "", nombre: count)
                      })
            },
            noms: debate.names.map { name in
                .init(id: name.id.uuidString, nom: name.name, nomActuel: name.isCurrent, explication: name.explanation,
                      avisPour: name.counts[.pour] ?? 0, avisContre: name.counts[.contre] ?? 0, avisPartages: name.counts[.partage] ?? 0,
                      textesPour: texts[name.id]?[.pour] ?? [], textesContre: texts[name.id]?[.contre] ?? [],
                      textesPartages: texts[name.id]?[.partage] ?? [])
            },
            statutDuVote: debate.decision?.status,
            classementDuVote: debate.decision?.ranking ?? [],
            reponses: debate.answers.map { .init(texte: $0.text, publieeLe: $0.publishedAt) })
        return .ok(.init(body: .json(synthesis)))
    }
}

/// Reads an export record by column name; empty text is "no value".
private struct Cells {
    let values: [String: ExportCell]
    init(_ record: [(String, ExportCell)]) { values = Dictionary(record, uniquingKeysWith: { first, _ in first }) }

    func text(_ key: String) -> String { values[key]?.asText ?? "" }
    func optionalText(_ key: String) -> String? { let text = text(key); return text.isEmpty ? nil : text }
    func number(_ key: String) -> Int? { if case .number(let number) = values[key] { number } else { nil } }
    func date(_ key: String) -> Date? { if case .date(let date) = values[key] { date } else { nil } }
}
