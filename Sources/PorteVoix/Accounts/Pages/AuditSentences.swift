import Fluent
import Foundation
import Plot
import Vapor

/// The names an audit log page needs, looked up when it is shown: the log
/// itself holds ids only, so a deleted account or a redacted title leaves
/// nothing behind in it.
struct AuditNames: Sendable {
    var members: [UUID: String] = [:]
    var proposals: [UUID: String] = [:]
    /// A comment's proposal title.
    var comments: [UUID: String] = [:]
    var meetings: [UUID: String] = [:]
    var polls: [UUID: String] = [:]
    var themes: [UUID: String] = [:]
    var territories: [UUID: String] = [:]
    /// Proposed names, and for an opinion the name it is about.
    var names: [UUID: String] = [:]
    var opinions: [UUID: String] = [:]

    /// The keys of details that hold member ids.
    static let memberKeys = ["members", "added", "removed", "requester", "confirmer"]

    static func load(for entries: [AuditEntry], on database: any Database) async throws -> AuditNames {
        var wanted: [String: Set<UUID>] = [:]
        for entry in entries {
            if let actor = entry.$actor.id { wanted["member", default: []].insert(actor) }
            if let subject = entry.subject { wanted[subject.kind, default: []].insert(subject.id) }
            let details = entry.detailValues
            for key in memberKeys { wanted["member", default: []].formUnion(AuditDetails.ids(in: details[key])) }
            if let territory = details["territory"].flatMap(UUID.init(uuidString:)) {
                wanted["territory", default: []].insert(territory)
            }
        }
        func ids(_ kind: String) -> [UUID] { Array(wanted[kind] ?? []) }
        var names = AuditNames()
        for member in try await Member.query(on: database).filter(\.$id ~~ ids("member")).all() {
            names.members[member.id!] = member.publicName
        }
        for proposal in try await Proposal.query(on: database).filter(\.$id ~~ ids("proposal")).all() {
            names.proposals[proposal.id!] = "« \(proposal.title) »"
        }
        for comment in try await ProposalComment.query(on: database).filter(\.$id ~~ ids("comment")).with(\.$proposal).all() {
            names.comments[comment.id!] = "« \(comment.proposal.title) »"
        }
        for meeting in try await Meeting.query(on: database).filter(\.$id ~~ ids("meeting")).all() {
            names.meetings[meeting.id!] = "« \(meeting.title) »"
        }
        for poll in try await Poll.query(on: database).filter(\.$id ~~ ids("poll")).all() {
            names.polls[poll.id!] = "« \(poll.question) »"
        }
        for theme in try await Theme.query(on: database).filter(\.$id ~~ ids("theme")).all() {
            names.themes[theme.id!] = "« \(theme.name) »"
        }
        for territory in try await Territory.query(on: database).filter(\.$id ~~ ids("territory")).all() {
            names.territories[territory.id!] = "« \(territory.name) »"
        }
        // The name under debate is quoted on the debate's pages only: here it is "le nom actuel".
        for proposed in try await ProposedName.query(on: database).filter(\.$id ~~ ids("name")).all() {
            names.names[proposed.id!] = proposed.isCurrent ? "le nom actuel" : "« \(proposed.name) »"
        }
        for opinion in try await NameOpinion.query(on: database).filter(\.$id ~~ ids("opinion")).with(\.$proposedName).all() {
            names.opinions[opinion.id!] = opinion.proposedName.isCurrent ? "le nom actuel" : "« \(opinion.proposedName.name) »"
        }
        return names
    }

    func actor(_ entry: AuditEntry) -> String {
        guard let id = entry.$actor.id else { return "Le serveur" }
        return members[id] ?? "Ancien membre"
    }

    func member(_ id: UUID?) -> String { id.flatMap { members[$0] }.map { "« \($0) »" } ?? "un ancien membre" }

    func subject(_ subject: AuditSubject?) -> String {
        switch subject {
        case .proposal(let id): proposals[id] ?? "(proposition supprimée)"
        case .comment(let id): comments[id].map { "sur \($0)" } ?? "(commentaire supprimé)"
        case .member(let id): member(id)
        case .meeting(let id): meetings[id] ?? "(séance supprimée)"
        case .poll(let id): polls[id] ?? "(scrutin supprimé)"
        case .theme(let id): themes[id] ?? "(thème supprimé)"
        case .territory(let id): territories[id] ?? "(territoire supprimé)"
        case .name(let id): names[id] ?? "(nom supprimé)"
        case .opinion(let id): opinions[id].map { "sur \($0)" } ?? "(avis supprimé)"
        case nil: ""
        }
    }
}

/// One French sentence per entry, written from its codes and the names
/// looked up. The sentences themselves are `AuditAction`'s, one per code.
enum AuditSentence {
    static func describe(_ entry: AuditEntry, names: AuditNames) -> String {
        if entry.detailValues["migrated"] != nil {
            return "\(label(of: entry.action)) (entrée reprise de l'ancien journal, sans ses détails)."
        }
        guard let action = AuditAction(rawValue: entry.action) else {
            let what = names.subject(entry.subject)
            return label(of: entry.action) + (what.isEmpty ? "." : " : \(what).")
        }
        return action.sentence(for: entry, names: names)
    }

    /// A short French name for an action code, for migrated entries and filters.
    static func label(of action: String) -> String {
        AuditAction(rawValue: action)?.label ?? "Action « \(action) »"
    }
}

/// A journal page (the administrators' whole journal, the moderators' part).
enum JournalQueries {
    /// A page of the log, newest first, with names looked up now and the chain's head.
    static func journal(_ query: QueryBuilder<AuditEntry>, path: SiteURL, title: String, request: Request) async throws -> HTML {
        let result = try await query.sort(\.$sequence, .descending)
            .paginateWithinRange(page: Pagination.number(request.query[String.self, at: "page"]), per: AccountLimits.journalPage)
        let names = try await AuditNames.load(for: result.items, on: request.db)
        let head = try await AuditLog.head(on: request.db)
        return AdminPages.journal(
            entries: result.items.map {
                .init(sequence: $0.sequence, createdAt: $0.createdAt, actorName: names.actor($0),
                      summary: AuditSentence.describe($0, names: names))
            },
            title: title, path: path, head: head,
            page: result.metadata.page, pageCount: result.metadata.pageCount, context: request.pageContext
        )
    }
}
