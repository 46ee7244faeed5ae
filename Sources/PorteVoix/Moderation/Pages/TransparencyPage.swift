import Foundation
import Plot

/// `/moderation/transparence`: what moderation did, month by month, in counts.
enum TransparencyPage {
    struct Model: Sendable {
        var counts: TransparencyCounts
        var head: (sequence: Int, hash: String)

        static let mock = Model(counts: TransparencyCounts(months: [
            .init(year: 2026, month: 11, published: 12, refused: [.personalData: 2, .duplicate: 1], sentBack: 1, redacted: 1,
                  hiddenAfterReports: 1, hiddenByModerators: 0, restored: 1),
        ]), head: (42, String(repeating: "b", count: 64)))
    }

    static func view(_ model: Model, context: PageContext) -> HTML {
        Layout.page(
            context,
            title: "Transparence de la modération",
            content: .group(
                .h1("Transparence de la modération"),
                .p(.text("Chaque mois, ce que l'équipe de modération a fait des textes des membres : seulement des nombres, "
                    + "jamais un texte ni un nom. Chaque décision est aussi inscrite dans un journal que personne ne peut "
                    + "modifier en silence.")),
                model.counts.months.isEmpty ? .p(.text("Rien à compter pour l'instant.")) : .group(
                    .h2("Décisions par mois"),
                    table(label: "Décisions par mois",
                          headers: ["Mois", "Publiés", "Refusés", "Renvoyés à l'auteur", "Modifiés par la modération",
                                    "Masqués après signalements", "Masqués par la modération", "Rétablis"],
                          rows: model.counts.months.map { month in
                              [month.label, month.published, month.refusedTotal, month.sentBack, month.redacted,
                               month.hiddenAfterReports, month.hiddenByModerators, month.restored].map { "\($0)" }
                          }),
                    .h2("Refus, par raison"),
                    table(label: "Refus par raison",
                          headers: ["Mois"] + ModerationReason.allCases.map { $0.label.prefix(1).uppercased() + $0.label.dropFirst() },
                          rows: model.counts.months.map { month in
                              [month.label] + ModerationReason.allCases.map { String(month.refused[$0] ?? 0) }
                          })
                ),
                .h2("Le journal des décisions"),
                AuditHead.paragraph(model.head)
            )
        )
    }

    static func table(label: String, headers: [String], rows: [[String]]) -> Node<HTML.BodyContext> {
        .div(
            .class("tableau-defilant"), .attribute(named: "tabindex", value: "0"),
            .attribute(named: "role", value: "region"), .ariaLabel(escapeAttribute(label)),
            .table(
                .thead(.tr(.forEach(headers) { .th(.attribute(named: "scope", value: "col"), .plain($0)) })),
                .tbody(.forEach(rows) { row in
                    .tr(.th(.attribute(named: "scope", value: "row"), .plain(row.first ?? "")),
                        .forEach(row.dropFirst()) { .td(.plain($0)) })
                })
            )
        )
    }
}
