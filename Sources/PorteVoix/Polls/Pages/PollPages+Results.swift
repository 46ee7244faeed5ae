import Foundation
import Plot
import Vapor
import Voting

/// Results, trackers, management and paper ballots of a poll.
extension PollPages {
    // MARK: Results

    static func resultsSection(_ model: Model) -> Node<HTML.BodyContext> {
        let poll = model.poll
        guard poll.status == .closed else {
            return poll.status == .open
                ? .p(.class("aide-champ"), .text("Les résultats restent secrets jusqu'à la clôture : on ne voit que le nombre de votants."))
                : .empty
        }
        guard poll.counted else {
            return .section(
                .h2("Résultats"),
                .p(.plain(poll.awaitsKeyHolders
                    ? "Le scrutin est clos, en attente des détenteurs de clés : les résultats seront publiés quand "
                        + "\(poll.keyThreshold) d'entre eux auront donné leur part, chacun depuis son compte."
                    : "Le dépouillement est en cours. Rechargez la page dans un instant.")),
                .if(model.holdsAKey, .p(.a(.class("bouton"), .href(url(poll, .count)), .text("Donner ma part de clé"))))
            )
        }
        guard let results = model.results else {
            if poll.channel == .mixed && model.ballots >= model.minimumBallots {
                return .section(
                    .h2("Résultats"),
                    .p(.plain("Ce vote a reçu des bulletins papier (\(poll.paperBallots)) et des bulletins en ligne "
                        + "(\(max(0, model.ballots - poll.paperBallots))). Pour être publié, chacun des deux devait en compter au moins "
                        + "\(model.minimumBallots) : sinon la personne qui a saisi les bulletins papier pourrait, par soustraction, "
                        + "deviner les votes en ligne. Le résultat n'est donc pas publié."))
                )
            }
            return .section(
                .h2("Résultats"),
                .p(.plain("Trop peu de personnes ont voté (\(model.ballots)) pour publier les résultats sans risquer "
                    + "de reconnaître qui a voté quoi. Il en faut au moins \(model.minimumBallots)."))
            )
        }
        return .section(
            .id("resultats"),
            .h2("Résultats"),
            resultsBody(results),
            .p(.a(.href(url(poll, .trackers)), .text("Vérifier que mon bulletin a été compté")))
        )
    }

    static func resultsBody(_ results: PollResults) -> Node<HTML.BodyContext> {
        switch results {
        case .yesNo(let result):
            let outcome = switch result.outcome {
            case .adopted: "La proposition est adoptée."
            case .rejected: "La proposition n'est pas adoptée."
            case .tie: "Égalité entre pour et contre."
            case .noExpression: "Personne ne s'est prononcé pour ou contre."
            }
            return .group(
                .p(.strong(.plain(outcome))),
                PollCharts.bars([("Pour", result.pour), ("Contre", result.contre), ("Abstention", result.abstention)],
                                title: "Pour \(result.pour), contre \(result.contre), abstention \(result.abstention)"),
                .ul(.li(.plain("Pour : \(result.pour)")), .li(.plain("Contre : \(result.contre)")),
                    .li(.plain("Abstention : \(result.abstention) (comptées à part)")))
            )
        case .options(let counts, let labels):
            let winners = counts.winners.map { labels[$0] }
            return .group(
                .p(.strong(.plain(winners.isEmpty ? "Aucun choix n'a reçu de voix."
                    : counts.isTie ? "Égalité entre : \(winners.joined(separator: ", "))." : "En tête : \(winners[0])."))),
                PollCharts.bars(zip(labels, counts.counts).map { ($0, $1) },
                                title: zip(labels, counts.counts).map { "\($0) : \($1)" }.joined(separator: ", ")),
                .ul(.forEach(Array(zip(labels, counts.counts))) { label, count in .li(.plain("\(label) : \(count)")) })
            )
        case .judgment(let results, let labels, let ballots):
            let ordered = results.indices.sorted { results[$0].rank < results[$1].rank }
            return .group(
                .p(.plain("\(ballots) bulletins. Chaque choix reçoit la « mention majoritaire » : l'appréciation "
                    + "donnée par au moins la moitié des votants. Le classement suit ces mentions.")),
                PollCharts.judgments(ordered.map { (labels[$0], results[$0].tally) },
                                          title: ordered.map { "\(results[$0].rank). \(labels[$0]) : \(results[$0].majorityGrade?.label ?? "—")" }
                                            .joined(separator: ", ")),
                .ul(.class("legende-appreciations"), .forEach(Array(Grade.allCases.enumerated())) { index, grade in
                    .li(.span(.class("pastille pastille-\(index)")), .plain(grade.label))
                }),
                .div(
                    .class("tableau-defilant"), .attribute(named: "tabindex", value: "0"),
                    .attribute(named: "role", value: "region"), .ariaLabel("Résultats en chiffres"),
                    .table(
                        .thead(.tr(.th("Rang"), .th("Choix"), .th("Mention majoritaire"),
                                   .forEach(Grade.allCases.reversed()) { .th(.plain($0.label)) })),
                        .tbody(.forEach(ordered) { index in
                            .tr(.td(.plain(String(results[index].rank))), .td(.plain(labels[index])),
                                .td(.plain(results[index].majorityGrade?.label ?? "—")),
                                .forEach(Grade.allCases.reversed()) { grade in .td(.plain(String(results[index].tally[grade.rawValue]))) })
                        })
                    )
                )
            )
        }
    }

    // MARK: Trackers

    struct TrackerCheck {
        var typed: String
        var found: Bool
        var fingerprint: String?
        var malformed: Bool
    }

    static func trackers(_ poll: PollSummary, fingerprints: [String], csrf: String, check: TrackerCheck?, context: PageContext) -> HTML {
        Layout.page(
            context,
            title: "Les bulletins comptés — \(poll.question)",
            content: .group(
                .p(.a(.href(url(poll)), .text("Retour au vote"))),
                .h1("Les bulletins comptés"),
                .p(.plain("\(poll.question) — \(fingerprints.count) bulletin\(fingerprints.count > 1 ? "s" : "").")),
                .h2("Vérifier mon bulletin"),
                .unwrap(check) { check in
                    check.malformed
                        ? .div(.class("resume-erreurs"), .attribute(named: "role", value: "alert"),
                               .p(.text("Ce code n'a pas la bonne forme : il a 8 caractères, par exemple K7QF-2M9X.")))
                        : check.found
                            ? .div(.class("message-succes"), .attribute(named: "role", value: "status"),
                                   .p(.strong(.text("Votre bulletin a bien été compté.")),
                                      .plain(" Il figure dans la liste sous l'empreinte \(check.fingerprint ?? "").")))
                            : .div(.class("resume-erreurs"), .attribute(named: "role", value: "alert"),
                                   .p(.text("Aucun bulletin ne porte ce code. Vérifiez chaque caractère ; "),
                                      .text("si le problème continue, parlez-en à l'animatrice ou l'animateur.")))
                },
                Forms.post(action: url(poll, .trackers), csrf: csrf, class: "formulaire",
                           Forms.field("code", label: "Mon code de vérification", value: check?.typed ?? "",
                                       help: "Le code noté après votre vote, par exemple K7QF-2M9X.", autocomplete: "off", maxLength: 20),
                           Forms.submit("Vérifier")),
                .h2("Toutes les empreintes"),
                .p(.text("Chaque bulletin apparaît ici par l'empreinte de son code, sans son contenu, dans l'ordre alphabétique.")),
                .ol(.class("empreintes"), .forEach(fingerprints) { .li(.plain($0)) })
            )
        )
    }

    // MARK: Management

    static func management(_ model: Model) -> Node<HTML.BodyContext> {
        let poll = model.poll
        guard model.canManage, let csrf = model.csrf else { return .empty }
        return .section(
            .class("panneau-actions"),
            .h2("Animer le vote"),
            .p(.plain(poll.channel.label + ".")),
            .if(poll.status == .draft, .p(.a(.href(url(poll, .easyQuestion)),
                  .text(poll.questionEasy == nil ? "Écrire la question en version facile à lire" : "Modifier la version facile à lire")))),
            .forEach(whatTheNumbersMean(model)) { .p(.class("aide-champ"), .attribute(named: "role", value: "status"), .plain($0)) },
            .unwrap(model.custody) { holders in
                .if(poll.status == .draft, .group(
                    .p(.plain("Parts de clé ouvertes par leurs détenteurs : \(holders.filter(\.fetched).count) sur \(holders.count).")),
                    .ul(.forEach(holders) { .li(.plain("n° \($0.number) — \($0.name) : \($0.fetched ? "ouverte" : "pas encore ouverte")")) })
                ))
            },
            .if(poll.status == .draft && poll.keySharesPending == 0, Forms.post(action: url(poll, .status), csrf: csrf,
                                                  .input(.type(.hidden), .name("action"), .value("ouvrir")),
                                                  Forms.submit("Ouvrir le vote"))),
            .if(poll.status == .draft && poll.keySharesPending > 0,
                .p(.plain(model.custody?.isEmpty == false
                    ? "Le vote pourra s'ouvrir quand chaque détenteur de clé aura ouvert sa part : chacun a reçu un avis."
                    : "Ce vote scellé a été préparé avant que chaque détenteur ouvre sa part seul : toutes ses parts ont été "
                        + "montrées d'un coup à la personne qui l'a préparé. Il ne peut pas s'ouvrir : préparez-le de nouveau."))),
            .if(poll.status == .open, .group(
                Forms.post(action: url(poll, .status), csrf: csrf,
                           .input(.type(.hidden), .name("action"), .value("clore")),
                           Forms.submit("Clore le vote")),
                .if(poll.meetingID != nil && poll.channel.takesPaperBallots,
                    .p(.a(.href(url(poll, .paper)), .text("Saisir les votes sur papier"))))
            )),
            .if(poll.awaitsKeyHolders, .p(.a(.class("bouton"), .href(url(poll, .count)),
                                             .text("Dépouiller avec les détenteurs de clés")))),
            .if(poll.status == .closed, .p(.text("Le vote est clos. Il ne peut pas être rouvert.")))
        )
    }

    /// What the current numbers mean, said before opening and before closing
    /// (« 4 bulletins : si vous fermez maintenant, le résultat ne sera pas publié »).
    static func whatTheNumbersMean(_ model: Model) -> [String] {
        let poll = model.poll
        let minimum = model.minimumBallots
        switch poll.status {
        case .draft:
            let channel = poll.channel == .paper
                ? "Sur papier : notez d'abord les votants présents, puis saisissez les bulletins de l'urne dans l'ordre de la pile."
                : "En ligne : les membres votent avec leur téléphone, un ordinateur ou la borne de la salle ; aucun bulletin papier."
            return [channel, "Il faudra au moins \(minimum) bulletins pour publier le résultat : en dessous, il restera secret."]
        case .open:
            let ballots = model.ballots
            var lines: [String] = []
            if poll.channel == .mixed {
                let paper = min(poll.paperBallots, ballots), online = ballots - paper
                let short = [paper, online].contains { $0 > 0 && $0 < minimum }
                lines.append("\(paper) bulletin\(paper > 1 ? "s" : "") papier et \(online) en ligne : ce vote a été ouvert avant "
                    + "la règle d'un seul canal. Il ne sera publié que si chaque canal utilisé compte au moins \(minimum) bulletins"
                    + (short ? " : si vous fermez maintenant, le résultat ne sera pas publié." : " : c'est le cas."))
            } else if ballots < minimum {
                lines.append("\(ballots) bulletin\(ballots > 1 ? "s" : "") : si vous fermez maintenant, le résultat ne sera pas publié "
                    + "(il en faut au moins \(minimum)).")
            } else {
                lines.append("\(ballots) bulletins : si vous fermez maintenant, le résultat sera publié.")
            }
            if poll.custody == .sealed {
                lines.append("Urne scellée : après la clôture, \(poll.keyThreshold) détenteurs de clés devront donner leur part pour la dépouiller.")
            }
            return lines
        case .closed:
            return []
        }
    }

    struct PaperModel {
        var poll: PollSummary
        /// Members present at the session who may vote.
        var present: [(id: UUID, name: String)]
        var voted: Set<UUID>
        var paperVoters: Set<UUID>
        var csrf: String
        var error: String?
        /// The answers of a paper ballot refused as incomplete, shown again.
        var typed: [String: String] = [:]
    }

    static func paper(_ model: PaperModel, context: PageContext) -> HTML {
        let poll = model.poll
        let notYet = model.present.filter { !model.voted.contains($0.id) }
        return Layout.page(
            context,
            title: (model.error == nil ? "" : "Erreur — ") + "Votes sur papier — \(poll.question)",
            content: .group(
                .p(.a(.href(url(poll)), .text("Retour au vote"))),
                .h1("Votes sur papier"),
                .p(.plain("\(model.paperVoters.count) votant\(model.paperVoters.count > 1 ? "s" : "") sur papier, "
                    + "\(poll.paperBallots) bulletin\(poll.paperBallots > 1 ? "s" : "") saisi\(poll.paperBallots > 1 ? "s" : "").")),
                .unwrap(model.error) { .div(.class("resume-erreurs"), .attribute(named: "role", value: "alert"), .id("erreurs"), .p(.plain($0))) },
                .p(.text("Notez d'abord toutes les personnes qui votent sur papier, puis saisissez les bulletins de la pile, "),
                   .text("dans l'ordre de la pile. Dès le premier bulletin saisi, la liste des votants sur papier est close. "),
                   .text("Chaque inscription et chaque saisie (jamais le contenu) est écrite dans le journal des actions.")),
                .h2("1. Qui a voté sur papier ?"),
                poll.paperBallots > 0 ? .p(.text("La saisie des bulletins a commencé : la liste des votants sur papier est close."))
                : notYet.isEmpty ? .p(.text("Toutes les personnes présentes ont voté, sur le site ou sur papier.")) : Forms.post(
                    action: url(poll, .paperVoters), csrf: model.csrf, class: "formulaire",
                    .element(named: "fieldset", nodes: [
                        .element(named: "legend", nodes: [.text("Membres présents, qui peuvent voter et n'ont pas encore voté")]),
                        .forEach(notYet) { member in
                            Forms.checkbox("votants[]", label: member.name, checked: false,
                                           value: member.id.uuidString, idSuffix: member.id.uuidString)
                        },
                    ]),
                    Forms.submit("Noter qu'ils ont voté sur papier")
                ),
                .h2("2. Saisir un bulletin papier"),
                poll.paperBallots >= model.paperVoters.count
                    ? .p(.text("Il y a autant de bulletins saisis que de votants sur papier."))
                    : Forms.post(action: url(poll, .paperBallots), csrf: model.csrf, class: "formulaire bulletin",
                                 ballotFields(poll, options: poll.options, typed: model.typed),
                                 Forms.submit("Enregistrer ce bulletin"))
            )
        )
    }
}
