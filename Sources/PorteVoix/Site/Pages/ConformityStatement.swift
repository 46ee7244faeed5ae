import Foundation
import Plot

/// The parts of the accessibility statement written from the audit's data
/// (`docs/rgaa/`): they replace the paragraph `{{audit}}` of
/// `Content/accessibilite.md`, whose other parts (commitment, contact,
/// recourse) staff write.
enum ConformityStatement {
    static let marker = "<p>{{audit}}</p>"

    static func html(_ audit: ConformityAudit) -> String {
        let counts = audit.counts
        let rate = audit.rate.map { String(format: "%.2f", $0).replacingOccurrences(of: ".", with: ",") + " %" } ?? "non calculable"
        let date = audit.facts["date"].flatMap(day) ?? audit.facts["date"] ?? ""
        let nonConformities = audit.nonConformities
        let node: Node<HTML.BodyContext> = .group(
            .h2("État de conformité"),
            .p(.text("Ce site est "), .strong(.plain(audit.status)), .text(" avec le RGAA (référentiel général d'amélioration de l'accessibilité), version 4.1.")),
            .h2("Résultats des tests"),
            .p(.plain("L'audit, réalisé par \(audit.facts["auditeur"] ?? "l'équipe PorteVoix"), révèle que \(rate) des critères du RGAA sont respectés.")),
            .ul(
                .li(.plain("\(counts.conform) critères conformes ;")),
                .li(.plain("\(counts.nonConform) critère\(counts.nonConform > 1 ? "s" : "") non conforme\(counts.nonConform > 1 ? "s" : "") ;")),
                .li(.plain("\(counts.notApplicable) critères non applicables."))
            ),
            .p(.class("aide-champ"), .text("Le taux est le nombre de critères conformes divisé par le nombre de critères applicables. "),
               .text("Un critère est conforme s'il l'est sur chaque page de l'échantillon où il s'applique.")),
            .h2("Contenus non accessibles"),
            .h3("Non-conformités"),
            nonConformities.isEmpty ? .p(.text("Aucune non-conformité n'a été relevée.")) : .ul(.forEach(nonConformities) { entry in
                .li(
                    .p(.strong(.plain("Critère \(entry.criterion.id) (\(entry.criterion.theme.lowercased())) : ")), .plain(entry.criterion.title)),
                    .ul(.forEach(notes(entry.pages)) { note in .li(.plain(note)) })
                )
            }),
            .h3("Dérogations pour charge disproportionnée"),
            .p(.plain(audit.facts["derogations"].map { $0 == "aucune" ? "Aucune." : $0 } ?? "Aucune.")),
            .h3("Contenus non soumis à l'obligation d'accessibilité"),
            .p(.text("Aucun.")),
            .h2("Établissement de cette déclaration"),
            .p(.plain("Cette déclaration a été établie le \(date), à partir de l'audit enregistré avec le logiciel (dossier docs/rgaa).")),
            .ul(
                .li(.plain("Technologies utilisées : " + (audit.facts["technologies"] ?? "HTML5 et CSS") + ".")),
                .li(.plain("Outils de vérification : " + (audit.facts["outils"] ?? "") + ".")),
                .li(.plain("Environnement de test : " + (audit.facts["environnement"] ?? "") + "."))
            ),
            .h3("Pages de l'échantillon"),
            .ul(.forEach(audit.pages) { .li(.plain("\($0.title) (\($0.address))")) })
        )
        return node.render()
    }

    /// One line per reason, with the pages it concerns.
    static func notes(_ pages: [(page: ConformityAudit.Page, note: String)]) -> [String] {
        var order: [String] = []
        var byNote: [String: [String]] = [:]
        for (page, note) in pages {
            if byNote[note] == nil { order.append(note) }
            byNote[note, default: []].append(page.title)
        }
        return order.map { note in (byNote[note] ?? []).joined(separator: ", ") + " : " + note }
    }

    static func day(_ iso: String) -> String? {
        let parts = iso.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3, (1...12).contains(parts[1]) else { return nil }
        return "\(parts[2] == 1 ? "1er" : String(parts[2])) \(SpokenText.months[parts[1] - 1]) \(parts[0])"
    }
}
