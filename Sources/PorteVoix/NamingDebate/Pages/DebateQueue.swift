import Fluent
import Foundation
import Plot

/// The naming debate's part of the moderation queue: names and opinions' texts waiting.
enum DebateQueue {
    struct Item: Sendable {
        var id: UUID
        /// The name, or the name an opinion is about.
        var name: String
        var text: String
        var stance: OpinionStance?
        var personalData: [PersonalDataKindLabel]
        var decision: SiteURL
        /// For an opinion: the change the moderator reads, checked when they decide.
        var version: String?
    }

    typealias PersonalDataKindLabel = String

    /// Oldest first; never the viewer's own.
    static func waiting(for viewer: UUID?, on database: any Database) async throws -> [Item] {
        // The viewer's own are left out by the queries, so that others' texts fill the list.
        var nameQuery = ProposedName.query(on: database).filter(\.$status == .submitted)
        var opinionQuery = NameOpinion.query(on: database).filter(\.$status == .submitted)
        if let viewer {
            nameQuery = nameQuery.group(.or) { $0.filter(\.$author.$id == nil).filter(\.$author.$id != viewer) }
            opinionQuery = opinionQuery.filter(\.$member.$id != viewer)
        }
        let names = try await nameQuery.sort(\.$createdAt).limit(ProposalLimits.moderationQueueLimit).all()
        let opinions = try await opinionQuery.with(\.$proposedName).sort(\.$updatedAt).limit(ProposalLimits.moderationQueueLimit).all()
        return try names.map { name in
            Item(id: try name.requireID(), name: name.name, text: name.explanation, stance: nil,
                 // (A proposed name is never the current one.)
                 personalData: Screening.kinds(stored: name.personalData).map(\.label),
                 decision: .namingNameModeration(try name.requireID()))
        } + opinions.map { opinion in
            Item(id: try opinion.requireID(), name: opinion.proposedName.isCurrent ? "le nom actuel" : opinion.proposedName.name,
                 text: opinion.text, stance: opinion.stance,
                 personalData: Screening.kinds(stored: opinion.personalData).map(\.label),
                 decision: .namingOpinionModeration(try opinion.requireID()), version: NamingModeration.version(of: opinion))
        }
    }

    static func section(_ items: [Item], total: Int, csrf: String, more: Node<HTML.BodyContext>) -> Node<HTML.BodyContext> {
        .section(
            .id("debat"),
            .h2(.plain(total == 0 ? "Débat sur le nom" : "Débat sur le nom (\(total))")),
            items.isEmpty ? .p(.text("Aucun nom ni avis à relire.")) : .ul(.class("signalements"), .forEach(items) { item in
                let what = item.stance == nil ? "Nom proposé : \(item.name)"
                    : "Avis « \(item.stance!.label) » sur " + (item.name == "le nom actuel" ? item.name : "« \(item.name) »")
                return .li(
                    .h3(.plain(what)),
                    .div(richText(item.text)),
                    .if(!item.personalData.isEmpty, .p(.class("badge badge-donnees"),
                        .plain("À vérifier : " + item.personalData.joined(separator: ", ")))),
                    .div(
                        .class("boutons"),
                        Forms.post(action: item.decision, csrf: csrf,
                                   .input(.type(.hidden), .name("decision"), .value("publier")),
                                   .unwrap(item.version) { .input(.type(.hidden), .name("version"), .value(escapeAttribute($0))) },
                                   .button(.type(.submit), .class("bouton"), .text("Publier"),
                                           .span(.class("visuellement-cache"), .plain(" : \(what)")))),
                        Forms.post(action: item.decision, csrf: csrf, class: "formulaire-en-ligne",
                                   .input(.type(.hidden), .name("decision"), .value("refuser")),
                                   .unwrap(item.version) { .input(.type(.hidden), .name("version"), .value(escapeAttribute($0))) },
                                   Forms.select("motif", label: "Raison du refus, que l'auteur lira",
                                                options: ModerationReason.choices.filter { $0.value != ModerationReason.duplicate.rawValue },
                                                selected: nil, scope: "d" + item.id.uuidString.prefix(8)),
                                   .button(.type(.submit), .class("bouton bouton-danger"), .text("Refuser"),
                                           .span(.class("visuellement-cache"), .plain(" : \(what)"))))
                    )
                )
            }),
            more
        )
    }
}
