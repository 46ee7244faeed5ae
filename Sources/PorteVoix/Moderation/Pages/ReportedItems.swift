import Fluent
import Foundation
import Plot

/// A reported contribution, as the moderation queue shows it.
struct ReportedItem: Sendable {
    var kind: ReportedKind
    var id: UUID
    /// The proposal's title, or "Commentaire sur « … »".
    var title: String
    var excerpt: String
    var link: SiteURL
    var fragment: String?
    var reports: Int
    var reasons: [ReportReason]
    var comments: [String]
    var hidden: HiddenReason?

    var decision: SiteURL { kind == .proposal ? .proposalVisibility(.value(id)) : .commentVisibility(.value(id)) }
    var redaction: SiteURL { kind == .proposal ? .proposalRedaction(id) : .commentRedaction(id) }
    var reviewed: SiteURL { kind == .proposal ? .proposalReviewed(id) : .commentReviewed(id) }
}

enum ReportedItems {
    /// The contributions with reports waiting for a decision, oldest report
    /// first, then those a moderator hid (to restore them). A moderator
    /// never sees the reports on their own texts: another one decides.
    static func waiting(for viewer: UUID?, on database: any Database) async throws -> [ReportedItem] {
        var entries: [(kind: ReportedKind, id: UUID, waiting: Reports.Waiting?)] =
            try await Reports.waiting(on: database).map { ($0.kind, $0.contentID, $0) }
        entries += try await Reports.hiddenByModerators(on: database)
            .filter { hidden in !entries.contains { $0.kind == hidden.kind && $0.id == hidden.id } }
            .map { ($0.kind, $0.id, nil) }
        // Two queries for the whole queue, not one per item.
        let proposalIDs = entries.filter { $0.kind == .proposal }.map(\.id)
        let commentIDs = entries.filter { $0.kind == .comment }.map(\.id)
        let proposals = proposalIDs.isEmpty ? [:] : Dictionary(uniqueKeysWithValues: try await Proposal.query(on: database)
            .filter(\.$id ~~ proposalIDs).all().map { (try $0.requireID(), $0) })
        let comments = commentIDs.isEmpty ? [:] : Dictionary(uniqueKeysWithValues: try await ProposalComment.query(on: database)
            .filter(\.$id ~~ commentIDs).with(\.$proposal).all().map { (try $0.requireID(), $0) })
        var items: [ReportedItem] = []
        for entry in entries {
            let waiting = entry.waiting
            switch entry.kind {
            case .proposal:
                guard let proposal = proposals[entry.id], viewer == nil || proposal.$author.id != viewer else { continue }
                items.append(ReportedItem(kind: .proposal, id: entry.id, title: proposal.title,
                                          excerpt: ProposalPages.excerpt(proposal.body, length: 200),
                                          link: .proposal(entry.id), reports: waiting?.count ?? 0, reasons: waiting?.reasons ?? [],
                                          comments: waiting?.comments ?? [],
                                          hidden: proposal.hiddenAt == nil ? nil : proposal.hiddenReason))
            case .comment:
                guard let comment = comments[entry.id], viewer == nil || comment.$author.id != viewer else { continue }
                items.append(ReportedItem(kind: .comment, id: entry.id, title: "Commentaire sur « \(comment.proposal.title) »",
                                          excerpt: ProposalPages.excerpt(comment.body, length: 200),
                                          link: .proposal(comment.$proposal.id), fragment: "commentaire-\(entry.id)",
                                          reports: waiting?.count ?? 0, reasons: waiting?.reasons ?? [],
                                          comments: waiting?.comments ?? [],
                                          hidden: comment.hiddenAt == nil ? nil : comment.hiddenReason))
            }
        }
        return items
    }

    /// Published at once (post-moderation) and not yet read by a moderator,
    /// oldest first (proposals and comments together); never the viewer's own
    /// (left out by the query, so that another's texts fill the list).
    static func afterPublication(for viewer: UUID?, on database: any Database) async throws -> [ReportedItem] {
        var proposalQuery = Proposal.query(on: database).filter(\.$reviewPending == true)
        var commentQuery = ProposalComment.query(on: database).filter(\.$reviewPending == true)
        if let viewer {
            proposalQuery = proposalQuery.group(.or) { $0.filter(\.$author.$id == nil).filter(\.$author.$id != viewer) }
            commentQuery = commentQuery.group(.or) { $0.filter(\.$author.$id == nil).filter(\.$author.$id != viewer) }
        }
        let proposals = try await proposalQuery.sort(\.$createdAt).limit(ProposalLimits.moderationQueueLimit).all()
        let comments = try await commentQuery.with(\.$proposal).sort(\.$createdAt).limit(ProposalLimits.moderationQueueLimit).all()
        let items = try proposals.map { proposal in
            (proposal.createdAt, ReportedItem(kind: .proposal, id: try proposal.requireID(), title: proposal.title,
                         excerpt: ProposalPages.excerpt(proposal.body, length: 200), link: .proposal(try proposal.requireID()),
                         reports: 0, reasons: [], comments: [], hidden: proposal.hiddenAt == nil ? nil : proposal.hiddenReason))
        } + comments.map { comment in
            let id = try comment.requireID()
            return (comment.createdAt, ReportedItem(kind: .comment, id: id, title: "Commentaire sur « \(comment.proposal.title) »",
                                excerpt: ProposalPages.excerpt(comment.body, length: 200), link: .proposal(comment.$proposal.id),
                                fragment: "commentaire-\(id)", reports: 0, reasons: [], comments: [],
                                hidden: comment.hiddenAt == nil ? nil : comment.hiddenReason))
        }
        return items.sorted { $0.0 < $1.0 }.map(\.1)
    }

    static func afterPublicationSection(_ items: [ReportedItem], total: Int, csrf: String,
                                        more: Node<HTML.BodyContext>) -> Node<HTML.BodyContext> {
        .section(
            .id("apres-publication"),
            .h2(.plain(total == 0 ? "Publiés, à relire" : "Publiés, à relire (\(total))")),
            .p(.text("Ces textes sont déjà en ligne (relecture après publication, voir les réglages).")),
            items.isEmpty ? .p(.text("Rien à relire après publication.")) : .ul(.class("signalements"), .forEach(items) { item in
                .li(
                    .h3(.a(.href(item.link, fragment: item.fragment), .plain(item.title))),
                    .p(.plain(item.excerpt)),
                    .div(
                        .class("boutons"),
                        Forms.post(action: item.reviewed, csrf: csrf,
                                   .button(.type(.submit), .class("bouton bouton-secondaire"), .text("Relu : rien à changer"),
                                           .span(.class("visuellement-cache"), .plain(" : \(item.title)")))),
                        .a(.class("bouton bouton-secondaire"), .href(item.redaction), .text("Modifier le texte"),
                           .span(.class("visuellement-cache"), .plain(" : \(item.title)"))),
                        hideForm(item, csrf: csrf)
                    )
                )
            }),
            more
        )
    }

    static func hideForm(_ item: ReportedItem, csrf: String) -> Node<HTML.BodyContext> {
        Forms.post(action: item.decision, csrf: csrf, class: "formulaire-en-ligne",
                   .input(.type(.hidden), .name("decision"), .value("masquer")),
                   Forms.select("raison", label: "Raison du masquage, que l'auteur lira",
                                options: ReportReason.allCases.map { ($0.rawValue, $0.label) },
                                selected: item.reasons.first?.rawValue ?? "", scope: "m" + item.id.uuidString.prefix(8)),
                   .button(.type(.submit), .class("bouton bouton-danger"), .text("Masquer"),
                           .span(.class("visuellement-cache"), .plain(" : \(item.title)"))))
    }

    static func section(_ items: [ReportedItem], total: Int, csrf: String, more: Node<HTML.BodyContext>) -> Node<HTML.BodyContext> {
        .section(
            .id("signalements"),
            .h2(.plain(total == 0 ? "Signalements et contenus masqués" : "Signalements et contenus masqués (\(total))")),
            items.isEmpty ? .p(.text("Aucun signalement en attente, aucun contenu masqué.")) : .ul(.class("signalements"), .forEach(items) { item in
                .li(
                    .h3(.a(.href(item.link, fragment: item.fragment), .plain(item.title))),
                    .p(.plain(item.excerpt)),
                    item.reports == 0
                        ? .p(.plain("Masqué par l'équipe de modération : \(item.hidden?.publicText ?? "")"))
                        : .p(.plain("\(item.reports) signalement\(item.reports > 1 ? "s" : "") : "
                            + item.reasons.map(\.label).joined(separator: " ; ") + "."),
                             .if(item.hidden != nil, .span(.class("badge badge-donnees"), .text(" Masqué en attendant votre décision")))),
                    // The first three remarks, cut: the page stays light however many came.
                    .if(!item.comments.isEmpty, .ul(
                        .forEach(item.comments.prefix(3)) { .li(.plain("« \(ProposalPages.excerpt($0, length: 200)) »")) },
                        .if(item.comments.count > 3, .li(.plain("et \(item.comments.count - 3) autre\(item.comments.count > 4 ? "s" : "") remarque\(item.comments.count > 4 ? "s" : "")")))
                    )),
                    .div(
                        .class("boutons"),
                        Forms.post(action: item.decision, csrf: csrf,
                                   .input(.type(.hidden), .name("decision"), .value("retablir")),
                                   .button(.type(.submit), .class("bouton bouton-secondaire"),
                                           .plain(item.hidden == nil ? "Laisser visible" : "Rétablir"),
                                           .span(.class("visuellement-cache"), .plain(" : \(item.title)")))),
                        .a(.class("bouton bouton-secondaire"), .href(item.redaction), .text("Modifier le texte"),
                           .span(.class("visuellement-cache"), .plain(" : \(item.title)"))),
                        hideForm(item, csrf: csrf)
                    )
                )
            }),
            more
        )
    }
}
