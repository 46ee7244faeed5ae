import Foundation
import Plot

/// `/exports`: choose a dataset, filters and a format, download.
enum ExportsPage {
    struct Model: Sendable {
        var datasets: [ExportDataset] = ExportDataset.allCases
        var head: (sequence: Int, hash: String) = (0, AuditChain.genesis)
        var themes: [NamedID]
        var territories: [NamedID]
        var errors = FormErrors()
        var typed: [String: String] = [:]

        static let mock = Model(themes: [NamedID(id: UUID(), name: "Transports")], territories: [NamedID(id: UUID(), name: "Nord")])
    }

    static func view(_ model: Model, context: PageContext) -> HTML {
        Layout.page(
            context,
            title: (model.errors.isEmpty ? "" : "Erreur — ") + "Exporter les données",
            content: .group(
                .h1("Exporter les données"),
                .p(.a(.href(.activityReport), .text("Le rapport d'activité du conseil sur une période, à imprimer")),
                   .text(" ; le rapport de chaque séance est sur sa page.")),
                .p(.text("Seulement ce que le public lit sur le site : jamais un texte en attente de relecture, refusé ou masqué, "
                    + "jamais rien sur un bulletin ou un soutien. Seules les présences nomment des membres, par leur pseudonyme : "
                    + "elles sont réservées aux animateurs et aux administrateurs.")),
                Forms.errorSummary(model.errors),
                Forms.get(
                    action: .exportFile, class: "formulaire",
                    Forms.select("jeu", label: "Les données", options: model.datasets.map { ($0.rawValue, $0.label) },
                                 selected: model.typed["jeu"], error: model.errors["jeu"]),
                    Forms.select("format", label: "Le format", options: ExportFormat.allCases.map { ($0.rawValue, $0.label) },
                                 selected: model.typed["format"], error: model.errors["format"]),
                    Forms.field("du", label: "Depuis le (facultatif)", value: model.typed["du"] ?? "", kind: .date, error: model.errors["du"]),
                    Forms.field("au", label: "Jusqu'au (facultatif, inclus)", value: model.typed["au"] ?? "", kind: .date,
                                error: model.errors["au"]),
                    Forms.select("territoire", label: "Territoire (propositions, séances et votes)",
                                 options: [("", "Tous")] + model.territories.map { ($0.id.uuidString, $0.name) },
                                 selected: model.typed["territoire"]),
                    Forms.select("theme", label: "Thème (propositions)", options: [("", "Tous")] + model.themes.map { ($0.id.uuidString, $0.name) },
                                 selected: model.typed["theme"]),
                    Forms.submit("Télécharger")
                ),
                .p(.class("aide-champ"), .text("Les dates sont au format ISO 8601 ; les textes de plusieurs paragraphes restent dans "
                    + "une seule cellule. Le CSV pour tableur s'ouvre directement dans Excel ou LibreOffice.")),
                .p(.class("aide-champ"), .text("Chaque fichier porte, dans l'en-tête HTTP X-PorteVoix-Journal-Tete, la tête du journal "
                    + "des actions au moment de l'export.")),
                AuditHead.paragraph(model.head)
            )
        )
    }
}
