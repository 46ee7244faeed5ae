import Foundation
import Plot

/// `/exports/rapport-activite`: the council's activity over a period, on
/// printable pages (A4, no navigation in print).
enum ActivityReportPage {
    struct Model: Sendable {
        var report: ActivityReport?
        var typedFrom = ""
        var typedTo = ""
        var errors = FormErrors()
        var generatedAt: Date

        static let mock = Model(report: ActivityReport(
            from: Date(timeIntervalSince1970: 1_767_222_000), to: Date(timeIntervalSince1970: 1_798_758_000), proposals: 12,
            byTheme: [("Transports", 7), ("Logement", 5)], byTerritory: [("Nord", 8), ("Tout le département", 4)],
            byStatus: [("répondue", 6), ("publiée", 6)], answered: 6, medianDaysToAnswer: 21.5,
            sessions: [.init(title: "Séance de mars", startsAt: Date(timeIntervalSince1970: 1_772_000_000), territory: "Nord",
                             presentMembers: 14, others: 3, votes: 2, ballots: 25)],
            debate: .init(names: 5, opinions: 40, feeling: (2, [3, 5, 8, 6, 1]), ranking: ["personne concernée (rang 1)"],
                          answer: ("Nos courriers changent.", Date(timeIntervalSince1970: 1_790_000_000)))),
            typedFrom: "2026-01-01", typedTo: "2026-12-31", generatedAt: Date(timeIntervalSince1970: 1_798_000_000))
    }

    static func view(_ model: Model, context: PageContext) -> HTML {
        Layout.page(
            context,
            title: (model.errors.isEmpty ? "" : "Erreur — ") + "Rapport d'activité du conseil",
            content: .article(
                .class("rapport-imprimable"),
                .p(.class("ne-pas-imprimer"), .a(.href(.exports), .text("Retour aux exports"))),
                .h1("Rapport d'activité du conseil"),
                .div(
                    .class("ne-pas-imprimer"),
                    Forms.errorSummary(model.errors),
                    Forms.get(
                        action: .activityReport, class: "formulaire",
                        Forms.field("du", label: "Depuis le", value: model.typedFrom, kind: .date, error: model.errors["du"]),
                        Forms.field("au", label: "Jusqu'au (inclus)", value: model.typedTo, kind: .date, error: model.errors["au"]),
                        Forms.submit("Voir le rapport")
                    ),
                    .p(.class("aide-champ"), .text("Pour l'imprimer ou en faire un PDF, utilisez « Imprimer » dans votre navigateur : "
                        + "le menu et les boutons disparaissent à l'impression."))
                ),
                .unwrap(model.report) { report(report: $0, generatedAt: model.generatedAt) }
            )
        )
    }

    static func days(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        let text = rounded == rounded.rounded() ? String(Int(rounded)) : String(format: "%.1f", rounded).replacingOccurrences(of: ".", with: ",")
        return rounded <= 1 ? "\(text) jour" : "\(text) jours"
    }

    static func report(report: ActivityReport, generatedAt: Date) -> Node<HTML.BodyContext> {
        let last = report.to.addingTimeInterval(-1)
        return .group(
            .p(.strong(.plain("Du \(FrenchDates.day(report.from)) au \(FrenchDates.day(last)).")),
               .plain(" Établi le \(FrenchDates.dayAndTime(generatedAt)), à partir de ce que le site publie : "
                   + "jamais un nom de membre, jamais un bulletin.")),
            .section(
                .class("rapport-vote"),
                .h2("Les propositions"),
                .p(.plain(report.proposals == 0 ? "Aucune proposition publiée sur cette période."
                    : "\(report.proposals) proposition\(report.proposals > 1 ? "s" : "") publiée\(report.proposals > 1 ? "s" : "") "
                        + "sur cette période.")),
                .unwrap(report.shareAnswered) { share in
                    .p(.plain("\(Int((share * 100).rounded())) % ont reçu la réponse du Département (\(report.answered) sur \(report.proposals))"
                        + (report.medianDaysToAnswer.map { ". Délai médian de réponse : \(days($0))." } ?? ".")))
                }
            ),
            .if(report.proposals > 0, .group(
                countsSection("Par thème", report.byTheme),
                countsSection("Par territoire", report.byTerritory),
                countsSection("Par état aujourd'hui", report.byStatus)
            )),
            understanding(report),
            .section(
                .h2("La participation aux séances"),
                report.sessions.isEmpty ? .p(.text("Aucune séance sur cette période.")) : .div(
                    .class("tableau-defilant"), .attribute(named: "tabindex", value: "0"),
                    .attribute(named: "role", value: "region"), .ariaLabel("Participation aux séances"),
                    .table(
                        .thead(.tr(.th("Séance"), .th("Date"), .th("Territoire"), .th("Membres présents"), .th("Autres personnes"),
                                   .th("Votes"), .th("Bulletins publiés"))),
                        .tbody(.forEach(report.sessions) { session in
                            .tr(.td(.plain(session.title)), .td(.plain(FrenchDates.shortDay(session.startsAt))), .td(.plain(session.territory)),
                                .td(.plain(String(session.presentMembers))), .td(.plain(String(session.others))),
                                .td(.plain(String(session.votes))), .td(.plain(String(session.ballots))))
                        })
                    )
                )
            ),
            debateSection(report.debate)
        )
    }

    static func countsSection(_ title: String, _ counts: [(label: String, count: Int)]) -> Node<HTML.BodyContext> {
        .section(
            .class("rapport-vote"),
            .h3(.plain(title)),
            PollCharts.bars(counts, title: "\(title) : " + counts.map { "\($0.label) \($0.count)" }.joined(separator: ", ")),
            .ul(.forEach(counts) { .li(.plain("\($0.label) : \($0.count)")) })
        )
    }

    static func debateSection(_ debate: ActivityReport.Debate) -> Node<HTML.BodyContext> {
        .section(
            .class("rapport-vote"),
            .h2("Le débat sur le nom"),
            .p(.plain("\(debate.names) nom\(debate.names > 1 ? "s" : "") en discussion (le nom actuel compris), "
                + "\(debate.opinions) avis publiés.")),
            .unwrap(debate.feeling) { feeling in
                .group(
                    .p(.plain("Ce que ressentent les membres avec le nom actuel (période \(feeling.number)) :")),
                    .ul(.forEach(Array(zip(FeelingQuestion.options, feeling.counts))) { option, count in .li(.plain("\(option) : \(count)")) })
                )
            },
            .if(!debate.ranking.isEmpty, .group(.p(.text("Le vote du conseil, du mieux classé au moins bien classé :")),
                                               .ol(.forEach(debate.ranking) { .li(.plain($0)) }))),
            .unwrap(debate.answer) { answer in
                .p(.plain("La réponse du Département (\(FrenchDates.shortDay(answer.publishedAt))) : \(answer.text)"))
            },
            .if(debate.answer == nil, .p(.text("Le Département n'a pas encore répondu.")))
        )
    }

    /// What members said of the answers: counts only, never who.
    static func understanding(_ report: ActivityReport) -> Node<HTML.BodyContext> {
        guard report.answered > 0 else { return .empty }
        let counts = report.understanding
        let yes = "\(counts.understood) personne\(counts.understood > 1 ? "s ont" : " a") compris"
        let no = "\(counts.notUnderstood) personne\(counts.notUnderstood > 1 ? "s n'ont" : " n'a") pas bien compris"
        return .section(
            .class("rapport-vote"),
            .h2("Compréhension des réponses"),
            .p(.plain(counts.total == 0 ? "Personne n'a encore dit s'il avait compris les réponses du Département."
                : "Sous les réponses du Département : \(yes), \(no).")),
            .if(!report.leastUnderstood.isEmpty, .group(
                .h3("Les réponses les moins comprises"),
                .ul(.forEach(report.leastUnderstood) { entry in
                    .li(.plain("« \(entry.title) » : \(entry.counts.notUnderstood) pas bien compris, \(entry.counts.understood) compris."))
                })
            ))
        )
    }
}
