import Foundation
import Plot

/// Easy-to-read versions (« facile à lire »): shown first where they exist,
/// and the page where staff write them, with the FALC rules beside the
/// field and the readability of what they typed.
enum EasyReadingPage {
    /// The easy version first, then a link to the full text and the full
    /// text itself; the full text alone when there is no easy version.
    static func easyFirst(_ easy: String?, full: String, fullID: String, fullHeading: String) -> Node<HTML.BodyContext> {
        guard let easy, !easy.isEmpty else { return .div(.class("texte-reponse"), richText(full)) }
        return .group(
            .div(.class("facile-a-lire point-courant"), .p(.strong("Facile à lire")), richText(easy)),
            .p(.a(.href("#" + fullID), .plain("Lire " + fullHeading.lowercased()))),
            .h3(.id(fullID), .plain(fullHeading)),
            .div(.class("texte-reponse"), richText(full))
        )
    }

    struct Model: Sendable {
        /// « la réponse du Département », « la question »
        var what: String
        var heading: String
        var full: String
        var typed: String
        var hasVersion: Bool
        var action: SiteURL
        var back: SiteURL
        var backLabel: String
        var csrf: String
        var errors = FormErrors()
        var saved = false
    }

    /// The FALC rules, in a few lines (after « L'information pour tous »,
    /// Inclusion Europe, 2009).
    static let rules = [
        "Des phrases courtes : 15 mots au plus.",
        "Une seule idée par phrase.",
        "Des mots de tous les jours ; expliquez un mot difficile dès qu'il vient.",
        "Pas d'abréviation ni de sigle : écrivez « la caisse d'allocations familiales », pas « la CAF ».",
        "Parlez à la personne : « vous ».",
        "Les chiffres en chiffres : « 3 réunions », pas « trois réunions ».",
    ]

    static func form(_ model: Model, context: PageContext) -> HTML {
        let measure = model.typed.isEmpty ? nil : Readability(model.typed)
        return Layout.page(
            context,
            title: (model.errors.isEmpty ? "" : "Erreur — ") + model.heading,
            content: .group(
                .p(.a(.href(model.back), .plain(model.backLabel))),
                .h1(.plain(model.heading)),
                .if(model.saved, .div(.class("message-succes"), .attribute(named: "role", value: "status"),
                                      .p(.text("La version facile à lire est enregistrée.")))),
                Forms.errorSummary(model.errors),
                .h2(.plain("Le texte complet : \(model.what)")),
                .blockquote(.class("texte-reference"), richText(model.full)),
                .div(
                    .class("aide-falc"),
                    .h2("Écrire facile à lire"),
                    .ul(.forEach(rules) { .li(.plain($0)) }),
                    .p(.class("aide-champ"),
                       .text("Les règles européennes « L'information pour tous » (Inclusion Europe, 2009) en disent plus. "),
                       .text("Si possible, faites relire le texte par une personne qui lit difficilement."))
                ),
                .unwrap(measure) { readability($0) },
                Forms.post(
                    action: model.action, csrf: model.csrf,
                    Forms.textArea("texte", label: "Version facile à lire", value: model.typed,
                                   help: "Laissez vide et enregistrez pour retirer la version facile à lire.",
                                   error: model.errors["texte"], maxLength: EasyVersions.maximumLength, rows: 10),
                    .div(.class("actions"),
                         .button(.type(.submit), .class("bouton bouton-secondaire"),
                                 .attribute(named: "name", value: "action"), .attribute(named: "value", value: "mesurer"),
                                 .text("Mesurer la lisibilité")),
                         .button(.type(.submit), .class("bouton"),
                                 .attribute(named: "name", value: "action"), .attribute(named: "value", value: "enregistrer"),
                                 .text("Enregistrer")))
                )
            )
        )
    }

    /// The measure of the typed text, with what to change.
    static func readability(_ measure: Readability) -> Node<HTML.BodyContext> {
        .section(
            .class("mesure-lisibilite"), .id("lisibilite"),
            .h2("Lisibilité du texte tapé"),
            .p(.strong(.plain(measure.score.map { "Indice : \($0) sur 100, \(measure.level)." } ?? "Pas encore de texte à mesurer."))),
            .p(.class("aide-champ"), .text(
                "Indice de Kandel et Moles (1958), l'adaptation au français de l'indice de Flesch : "
                + "207 − 1,015 × (mots par phrase) − 73,6 × (syllabes par mot). Plus il est haut, plus le texte est facile. "
                + "Visez 80 ou plus. Les syllabes sont comptées à peu près.")),
            .ul(
                .li(.plain("\(measure.sentences) phrase\(measure.sentences > 1 ? "s" : ""), \(measure.words) mots, "
                    + String(format: "%.1f", measure.wordsPerSentence).replacingOccurrences(of: ".", with: ",") + " mots par phrase en moyenne.")),
                .if(!measure.longSentences.isEmpty,
                    .li(.plain("Phrases de plus de \(Readability.longSentence) mots : \(measure.longSentences.count)."),
                        .ul(.forEach(measure.longSentences.prefix(5)) { .li(.plain($0)) }))),
                .if(!measure.abbreviations.isEmpty,
                    .li(.plain("Sigles à écrire en entier : " + measure.abbreviations.joined(separator: ", ") + "."))),
                .if(!measure.longWords.isEmpty,
                    .li(.plain("Mots longs, à remplacer si possible : " + measure.longWords.prefix(10).joined(separator: ", ") + ".")))
            )
        )
    }
}
