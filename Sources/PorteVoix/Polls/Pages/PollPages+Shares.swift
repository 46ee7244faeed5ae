import Foundation
import Plot
import Vapor
import Voting

// MARK: Traffic, key shares and the count of a sealed box

extension PollPages {
    /// The size every confirmation page of this poll is padded to, for this
    /// visitor: above the largest page any choice can give. The page is
    /// rendered once; only the parts that depend on the choice are measured
    /// for every candidate.
    static func confirmationSize(_ poll: PollSummary, page: String, content: BallotContent, options: [String]) -> Int {
        let longestGrade = Grade.allCases.max { $0.label.utf8.count < $1.label.utf8.count } ?? .aRejeter
        let candidates: [BallotContent] = switch poll.kind {
        case .yesNo: YesNoChoice.allCases.map { .yesNo($0) }
        case .single: options.indices.map { .single($0) }
        // Every option chosen, the longest grade everywhere: the most words and fields a page can hold.
        case .approval: [.approval(Array(options.indices))]
        case .majorityJudgment: [.grades(Array(repeating: longestGrade, count: options.count))]
        }
        let largest = candidates.map { choiceBytes($0, options: options) }.max() ?? 0
        return HTML.paddedSize(above: page.utf8.count - choiceBytes(content, options: options) + largest)
    }

    static func trackerSize(_ poll: PollSummary, context: PageContext) -> Int {
        HTML.paddedSize(above: tracker(poll, tracker: "XXXX-XXXX", context: context).render().utf8.count)
    }

    /// The key holders' shares, shown once right after the poll is prepared.
    static func shares(_ poll: PollSummary, holders: [String], shares: [String], context: PageContext) -> HTML {
        Layout.page(
            context,
            title: "Les parts de clé — \(poll.question)",
            content: .group(
                .h1("Imprimez les parts de clé maintenant"),
                .div(.class("resume-erreurs"), .attribute(named: "role", value: "alert"),
                     .p(.strong(.text("Ces parts ne seront plus jamais affichées.")),
                        .plain(" Le site ne les garde pas. Il faudra \(poll.keyThreshold) parts sur \(holders.count) pour ouvrir l'urne ; "
                            + "si plus de \(holders.count - poll.keyThreshold) part\(holders.count - poll.keyThreshold > 1 ? "s sont perdues" : " est perdue")"
                            + ", le vote ne pourra jamais être dépouillé."))),
                .p(.plain("Scrutin : \(poll.question)")),
                .p(.text("Imprimez cette page et découpez-la : chaque détenteur garde sa part pour lui, "),
                   .text("sans la montrer ni la photographier, jusqu'au dépouillement.")),
                .ol(.class("parts-de-cle"), .forEach(Array(zip(holders, shares).enumerated())) { index, pair in
                    .li(.class("part-de-cle"),
                        .h2(.plain("Part n° \(index + 1) — \(pair.0)")),
                        .p(.plain("Scrutin : \(poll.question)")),
                        .p(.class("code-part"), .plain(pair.1)),
                        .p(.plain("À taper dans la case n° \(index + 1) le jour du dépouillement. Les lettres O, I et L "
                            + "peuvent être tapées 0, 1 et 1 ; les espaces ne comptent pas.")))
                }),
                .p(.a(.class("bouton"), .href(url(poll)), .text("J'ai imprimé les parts : aller au scrutin")))
            )
        )
    }

    struct CountModel {
        var poll: PollSummary
        var csrf: String
        var typed: [Int: String] = [:]
        var errors = FormErrors()
        /// How many more valid shares are needed.
        var missing: Int?
        /// Enough shares, but they do not rebuild this poll's key.
        var mismatch = false
    }

    static func count(_ model: CountModel, context: PageContext) -> HTML {
        let poll = model.poll
        let holders = poll.holderNames
        return Layout.page(
            context,
            title: (model.errors.isEmpty && model.missing == nil && !model.mismatch ? "" : "Erreur — ") + "Dépouiller — \(poll.question)",
            content: .group(
                .p(.a(.href(url(poll)), .text("Retour au vote"))),
                .h1("Dépouiller l'urne scellée"),
                .p(.plain("\(poll.question) — il faut les parts de \(poll.keyThreshold) détenteurs sur \(holders.count).")),
                .p(.text("Chaque détenteur tape sa part dans sa case, l'un après l'autre, sur cet appareil. "),
                   .text("Les cases vides ne comptent pas. On envoie le formulaire une seule fois, quand assez de parts sont tapées.")),
                .unwrap(model.missing) { missing in
                    .div(.class("resume-erreurs"), .attribute(named: "role", value: "alert"), .id("manque"),
                         .h2(.plain("L'urne n'est pas ouverte : il manque \(missing) part\(missing > 1 ? "s" : "") valable\(missing > 1 ? "s" : "").")),
                         .p(.text("Rien n'a changé : les bulletins restent scellés.")))
                },
                .if(model.mismatch, .div(.class("resume-erreurs"), .attribute(named: "role", value: "alert"),
                    .p(.text("Ces parts ne permettent pas d'ouvrir cette urne. Vérifiez qu'elles viennent bien de ce scrutin "),
                       .text("et retapez-les.")))),
                Forms.errorSummary(model.errors),
                Forms.post(
                    action: url(poll, .count), csrf: model.csrf, class: "formulaire",
                    .forEach(Array(holders.enumerated())) { index, name in
                        Forms.field("part-\(index + 1)", label: "Part n° \(index + 1) — \(name)", value: model.typed[index + 1] ?? "",
                                    error: model.errors["part-\(index + 1)"], autocomplete: "off", maxLength: PollLimits.typedShare)
                    },
                    Forms.submit("Ouvrir l'urne et publier les résultats")
                )
            )
        )
    }
}
