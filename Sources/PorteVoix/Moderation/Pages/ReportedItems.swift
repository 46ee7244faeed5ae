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
}

enum ReportedItems {
    /// The contributions with reports waiting for a decision, oldest report first.
    static func waiting(on database: any Database) async throws -> [ReportedItem] {
        var items: [ReportedItem] = []
        for waiting in try await Reports.waiting(on: database) {
            switch waiting.kind {
            case .proposal:
                guard let proposal = try await Proposal.find(waiting.contentID, on: database) else { continue }
                items.append(ReportedItem(kind: .proposal, id: waiting.contentID, title: proposal.title,
                                          excerpt: ProposalPages.excerpt(proposal.body, length: 200),
                                          link: .proposal(waiting.contentID), reports: waiting.count, reasons: waiting.reasons,
                                          comments: waiting.comments, hidden: proposal.hiddenAt == nil ? nil : proposal.hiddenReason))
            case .comment:
                guard let comment = try await ProposalComment.query(on: database).filter(\.$id == waiting.contentID)
                    .with(\.$proposal).first() else { continue }
                items.append(ReportedItem(kind: .comment, id: waiting.contentID, title: "Commentaire sur « \(comment.proposal.title) »",
                                          excerpt: ProposalPages.excerpt(comment.body, length: 200),
                                          link: .proposal(comment.$proposal.id), fragment: "commentaire-\(waiting.contentID)",
                                          reports: waiting.count, reasons: waiting.reasons, comments: waiting.comments,
                                          hidden: comment.hiddenAt == nil ? nil : comment.hiddenReason))
            }
        }
        return items
    }

    static func section(_ items: [ReportedItem], csrf: String) -> Node<HTML.BodyContext> {
        .section(
            .id("signalements"),
            .h2(.plain(items.isEmpty ? "Signalements" : "Signalements (\(items.count))")),
            items.isEmpty ? .p(.text("Aucun signalement en attente.")) : .ul(.class("signalements"), .forEach(items) { item in
                .li(
                    .h3(.a(.href(item.link, fragment: item.fragment), .plain(item.title))),
                    .p(.plain(item.excerpt)),
                    .p(.plain("\(item.reports) signalement\(item.reports > 1 ? "s" : "") : "
                        + item.reasons.map(\.label).joined(separator: " ; ") + "."),
                       .if(item.hidden != nil, .span(.class("badge badge-donnees"), .text(" Masqué en attendant votre décision")))),
                    .if(!item.comments.isEmpty, .ul(.forEach(item.comments) { .li(.plain("« \($0) »")) })),
                    .div(
                        .class("boutons"),
                        Forms.post(action: item.decision, csrf: csrf,
                                   .input(.type(.hidden), .name("decision"), .value("retablir")),
                                   Forms.submit(item.hidden == nil ? "Laisser visible" : "Rétablir", class: "bouton bouton-secondaire")),
                        Forms.post(action: item.decision, csrf: csrf, class: "formulaire-en-ligne",
                                   .input(.type(.hidden), .name("decision"), .value("masquer")),
                                   Forms.select("raison", label: "Raison du masquage, que l'auteur lira",
                                                options: ReportReason.allCases.map { ($0.rawValue, $0.label) },
                                                selected: item.reasons.first?.rawValue ?? "", scope: "m" + item.id.uuidString.prefix(8)),
                                   Forms.submit("Masquer", class: "bouton bouton-danger"))
                    )
                )
            })
        )
    }
}
