import Fluent
import Foundation
import PersonalData
import Plot

/// Members' texts are read by the personal-data detectors before they are
/// saved (design/security.md). A hit never blocks: the author is warned and
/// may send anyway, and the contribution is flagged for the moderators.
enum Screening {
    /// The kinds found in the texts, once each.
    static func kinds(in texts: String...) -> [PersonalDataKind] {
        let found = Set(texts.flatMap { PersonalData.scan(PersonalData.visible($0)).map(\.kind) })
        return PersonalDataKind.allCases.filter(found.contains)
    }

    /// How a flag is stored: the kinds' names, comma-separated; nil for none.
    static func stored(_ kinds: [PersonalDataKind]) -> String? {
        kinds.isEmpty ? nil : kinds.map(\.rawValue).joined(separator: ",")
    }

    static func kinds(stored: String?) -> [PersonalDataKind] {
        (stored ?? "").split(separator: ",").compactMap { PersonalDataKind(rawValue: String($0)) }
    }

    /// "un numéro de téléphone et une adresse e-mail".
    static func inWords(_ kinds: [PersonalDataKind]) -> String {
        let labels = kinds.map(\.label)
        guard labels.count > 1 else { return labels.first ?? "" }
        return labels.dropLast().joined(separator: ", ") + " et " + labels.last!
    }

    /// A fingerprint of a text the author has seen the warning for: the
    /// warning is skipped only for that same text.
    static func seen(_ text: String) -> String {
        SecureToken.hash(text)
    }

    /// The button that sends a text despite the warning.
    static let sendAnyway = "envoyer-quand-meme"

    /// The warning shown to the author, with each passage highlighted.
    /// - Parameter reviewed: whether a moderator reads the text before it is published (minutes are not).
    static func warning(_ texts: [(label: String, text: String)], reviewed: Bool = true) -> Node<HTML.BodyContext> {
        notice(texts, alert: true, heading: { "Votre texte semble contenir \($0)" }, explanation: reviewed
            ? .p(.text("Pour vous protéger, retirez ce passage, ou envoyez quand même : une personne de l'équipe vérifiera "),
                 .text("avant que le texte soit publié."))
            : .p(.text("Les comptes rendus sont publiés sans relecture. Vérifiez que personne ne peut y être reconnu "),
                 .text("ni joint, puis enregistrez à nouveau.")))
    }

    /// For moderators deciding: each flagged passage highlighted.
    static func review(_ texts: [(label: String, text: String)]) -> Node<HTML.BodyContext> {
        notice(texts, alert: false, heading: { "À vérifier avant de publier : \($0)" }, explanation:
            .p(.text("Les passages surlignés ressemblent à des données personnelles. Publiez seulement s'ils ne permettent "),
               .text("de reconnaître ni de joindre personne ; sinon refusez la proposition en expliquant pourquoi.")))
    }

    /// The passages of the texts that hold personal data, highlighted, under a heading naming the kinds found.
    private static func notice(_ texts: [(label: String, text: String)], alert: Bool, heading: (String) -> String,
                               explanation: Node<HTML.BodyContext>) -> Node<HTML.BodyContext> {
        let found = texts.map { ($0.label, $0.text, PersonalData.scan($0.text)) }.filter { !$0.2.isEmpty }
        guard !found.isEmpty else { return .empty }
        let kinds = PersonalDataKind.allCases.filter { kind in found.contains { $0.2.contains { $0.kind == kind } } }
        return .div(
            .class("avertissement-donnees"),
            .if(alert, .group(.attribute(named: "role", value: "alert"), .id("donnees-personnelles"))),
            .h2(.plain(heading(inWords(kinds)))),
            explanation,
            .forEach(found) { label, text, hits in
                .group(.p(.strong(.plain(label + " :"))), .p(.class("passage-surligne"), highlighted(text, hits: hits)))
            }
        )
    }

    /// The text, escaped, with each hit in a `<mark>`.
    static func highlighted(_ text: String, hits: [PersonalDataHit]) -> Node<HTML.BodyContext> {
        var nodes: [Node<HTML.BodyContext>] = []
        var position = text.startIndex
        for hit in hits {
            nodes.append(.plain(String(text[position..<hit.range.lowerBound])))
            nodes.append(.element(named: "mark", nodes: [.plain(String(text[hit.range]))]))
            position = hit.range.upperBound
        }
        nodes.append(.plain(String(text[position...])))
        return .group(nodes)
    }

    /// For moderators: what the detectors flagged on a contribution.
    static func badge(_ kinds: [PersonalDataKind]) -> Node<HTML.BodyContext> {
        guard !kinds.isEmpty else { return .empty }
        return .span(.class("badge badge-donnees"), .plain("À vérifier : \(inWords(kinds))"))
    }
}

/// Adds the screening flag to the texts members publish.
struct AddPersonalDataFlags: AsyncMigration {
    func prepare(on database: any Database) async throws {
        for table in ["proposals", "proposal_comments"] {
            try await database.schema(table).field("personal_data", .string).update()
        }
    }

    func revert(on database: any Database) async throws {
        for table in ["proposals", "proposal_comments"] {
            try await database.schema(table).deleteField("personal_data").update()
        }
    }
}
