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

    /// The tracker page, rendered once, padded to a size its code cannot
    /// change: every code has the same length in the same letters, so the
    /// size depends on the poll and the page's frame only, never on the
    /// choice nor the code (design/voting.md, "Traffic").
    static func trackerResponse(_ poll: PollSummary, tracker code: String, context: PageContext) -> Response {
        assert(code.utf8.count == TrackerCode.displayLength, "a tracker code always has the same length")
        let page = tracker(poll, tracker: code, context: context).render()
        return HTML.paddedResponse(page, size: HTML.paddedSize(above: page.utf8.count))
    }

    /// A key holder's own share: a button first, then the share once.
    struct MyShareModel {
        var poll: PollSummary
        var number: Int
        var holders: Int
        var fetchedAt: Date?
        var csrf: String
        /// The share, on the one response that shows it.
        var code: String?
    }

    static func myShare(_ model: MyShareModel, context: PageContext) -> HTML {
        let poll = model.poll
        let lost = max(0, model.holders - poll.keyThreshold)
        let loss = "Si vous la perdez, il suffit des parts de \(poll.keyThreshold) détenteurs sur \(model.holders). "
            + lostShares(lost) + " Personne, pas même l'administration du site, ne peut retrouver une part."
        return Layout.page(
            context,
            title: "Ma part de clé — \(poll.question)",
            content: .group(
                .p(.a(.href(url(poll)), .text("Retour au vote"))),
                .h1("Ma part de la clé de l'urne"),
                .p(.plain("Vote : \(poll.question)")),
                .p(.plain("Vous êtes le détenteur n° \(model.number) sur \(model.holders). Il faudra les parts de "
                    + "\(poll.keyThreshold) détenteurs pour ouvrir l'urne, chacun tapant la sienne depuis son propre compte.")),
                model.code.map { code in
                    .div(
                        .class("part-de-cle"),
                        .div(.class("resume-erreurs"), .attribute(named: "role", value: "alert"),
                             .p(.strong(.text("Imprimez ou recopiez cette part maintenant : elle ne sera plus jamais affichée.")),
                                .text(" Le site vient de l'effacer ; il ne garde qu'une empreinte qui permettra de la reconnaître."))),
                        .h2(.plain("Part n° \(model.number) — \(poll.question)")),
                        .p(.class("code-part"), .plain(code)),
                        .p(.plain("À taper vous-même, connecté·e à votre compte, le jour du dépouillement. Ne la montrez à personne "
                            + "et ne la photographiez pas. Les lettres O, I et L peuvent être tapées 0, 1 et 1 ; les espaces ne comptent pas.")),
                        .p(.plain(loss))
                    )
                } ?? (model.fetchedAt.map { date in
                    .group(
                        .p(.plain("Vous avez déjà ouvert votre part le \(FrenchDates.dayAndTime(date)). Elle n'est plus sur le site : "
                            + "elle n'existe plus que sur votre papier.")),
                        .p(.plain(loss))
                    )
                } ?? .group(
                    .p(.text("Votre part ne s'affichera qu'une fois. Préparez de quoi l'imprimer ou la recopier, "),
                       .text("et ouvrez-la quand personne ne regarde votre écran.")),
                    Forms.post(action: url(poll, .myShare), csrf: model.csrf, Forms.submit("Afficher ma part, une seule fois"))
                ))
            )
        )
    }

    /// « Si plus de 1 part est perdue, … », said right for one or several.
    static func lostShares(_ spare: Int) -> String {
        let spare = max(0, spare)
        return "Si plus de \(spare) \(spare > 1 ? "parts sont perdues" : "part est perdue"), le vote ne pourra jamais être dépouillé."
    }

    /// The count of a sealed box whose holders are accounts.
    struct CustodyModel {
        struct Holder { var number: Int; var name: String; var fetched: Bool; var given: Bool }
        var poll: PollSummary
        var csrf: String
        var holders: [Holder]
        /// The signed-in member's holder number, if they hold a share.
        var ownNumber: Int?
        var ownGiven: Bool
        var typed = ""
        var errors = FormErrors()
    }

    static func custodyCount(_ model: CustodyModel, context: PageContext) -> HTML {
        let poll = model.poll
        let given = model.holders.filter(\.given).count
        return Layout.page(
            context,
            title: (model.errors.isEmpty ? "" : "Erreur — ") + "Dépouiller — \(poll.question)",
            content: .group(
                .p(.a(.href(url(poll)), .text("Retour au vote"))),
                .h1("Dépouiller l'urne scellée"),
                .p(.plain("\(poll.question) — il faut les parts de \(poll.keyThreshold) détenteurs sur \(model.holders.count). "
                    + "Chaque détenteur se connecte à son propre compte et tape sa part ; l'urne s'ouvre quand assez de parts "
                    + "sont données. Jusque-là, rien de ce que garde le site ne permet de l'ouvrir.")),
                .p(.attribute(named: "role", value: "status"),
                   .plain("\(given) part\(given > 1 ? "s données" : " donnée") sur \(poll.keyThreshold) nécessaires.")),
                .ul(.forEach(model.holders) { holder in
                    .li(.plain("Détenteur n° \(holder.number) — \(holder.name) : \(holder.given ? "a donné sa part" : "pas encore")"))
                }),
                Forms.errorSummary(model.errors),
                model.ownNumber.map { number in
                    model.ownGiven
                        ? .p(.plain("Vous avez donné votre part (n° \(number)). Merci : il faut maintenant celles d'autres détenteurs."))
                        : Forms.post(
                            action: url(poll, .count), csrf: model.csrf, class: "formulaire",
                            Forms.field("part", label: "Ma part (détenteur n° \(number))", value: model.typed,
                                        error: model.errors["part"], autocomplete: "off", maxLength: PollLimits.typedShare),
                            Forms.submit("Donner ma part")
                        )
                } ?? .p(.text("Seuls les détenteurs de clés peuvent taper une part, chacun depuis son compte. ")),
                .p(.class("aide-champ"), .plain("Une part perdue n'empêche pas le dépouillement tant qu'il reste \(poll.keyThreshold) "
                    + "détenteurs avec la leur. " + lostShares(model.holders.count - poll.keyThreshold)))
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

extension HTML {
    /// A size above `size` that pages of similar content share: the next
    /// kibibyte past `size` plus 2 KiB (for a flash message or a longer pseudonym).
    static func paddedSize(above size: Int) -> Int {
        (size + 2048 + 1023) / 1024 * 1024
    }

    /// The page padded with a comment to exactly `size` bytes (or more if it
    /// is already larger), never cached nor transformed by a proxy.
    func paddedResponse(size: Int) -> Response {
        HTML.paddedResponse(render(), size: size)
    }

    static func paddedResponse(_ page: String, size: Int) -> Response {
        // Written in bytes: Foundation's backwards search bridged the whole
        // page to UTF-16 (a tenth of a ballot's instructions, callgrind).
        let end = "</body></html>"
        let missing = size - page.utf8.count - 7
        var body = ByteBufferAllocator().buffer(capacity: max(size, page.utf8.count))
        if missing > 0, page.utf8.count >= end.utf8.count, page.utf8.suffix(end.utf8.count).elementsEqual(end.utf8) {
            body.writeBytes(page.utf8.dropLast(end.utf8.count))
            body.writeStaticString("<!--")
            body.writeRepeatingByte(UInt8(ascii: " "), count: missing)
            body.writeStaticString("-->")
            body.writeString(end)
        } else {
            assert(missing <= 0, "a padded page ends with </body></html>")
            body.writeString(page)
        }
        var headers = HTTPHeaders()
        headers.contentType = .html
        headers.replaceOrAdd(name: .cacheControl, value: "no-store, no-transform")
        return Response(status: .ok, headers: headers, body: .init(buffer: body))
    }
}
