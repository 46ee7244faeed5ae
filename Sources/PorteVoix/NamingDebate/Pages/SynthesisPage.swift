import Foundation
import Plot

/// `/debat-denomination/synthese` (staff): everything the debate produced,
/// on one printable page. Counts, published texts, the vote, the answer;
/// never who answered the feeling question.
enum SynthesisPage {
    struct NameBlock: Sendable {
        var name: DebatePage.Name
        var opinions: [NamePage.Opinion]
    }

    struct Model: Sendable {
        var debate: DebatePage.Model
        var names: [NameBlock]
        var generatedAt: Date

        static let mock = Model(
            debate: DebatePage.Model(
                introHTML: "", rounds: [.init(number: 1, pollID: UUID(), status: .closed, ballots: 12, counts: [1, 2, 5, 3, 1])],
                names: [], decision: .init(pollID: UUID(), status: "clos", ranking: ["personne accompagnée (rang 1)"]),
                answers: [.init(text: "Nos courriers changent.", publishedAt: Date(timeIntervalSince1970: 1_795_000_000))]),
            names: [NameBlock(name: .init(id: UUID(), name: "personne accompagnée", explanation: "Parce que.", authorName: "Camille",
                                          isCurrent: false, counts: [.pour: 4, .contre: 1]),
                              opinions: [.init(stance: .pour, text: "C'est juste.", authorName: "Un membre du conseil")])],
            generatedAt: Date(timeIntervalSince1970: 1_795_000_000))
    }

    static func view(_ model: Model, context: PageContext) -> HTML {
        let debate = model.debate
        let counted = debate.rounds.filter { $0.counts != nil }
        return Layout.page(
            context,
            title: "Synthèse du débat sur le nom",
            content: .article(
                .class("synthese"),
                .p(.class("ne-pas-imprimer"), .a(.href(.namingDebate), .text("Retour au débat"))),
                .h1("Synthèse du débat sur le nom « bénéficiaire du RSA »"),
                .p(.text("État au "), ProposalPages.time(model.generatedAt, long: true), .text(".")),
                .h2("Comment les membres se sentent"),
                counted.isEmpty ? .p(.text("Aucune période publiable (trop peu de réponses, ou pas encore dépouillée).")) : .ul(
                    .forEach(counted) { round in
                        .li(.plain("Période \(round.number) (\(round.ballots ?? 0) réponses) : "
                            + FeelingQuestion.options.indices.map { "\(FeelingQuestion.options[$0]) \(DebatePage.share(round, $0))" }
                                .joined(separator: " ; ")))
                    }
                ),
                .h2("Les noms proposés et les avis"),
                .forEach(model.names) { block in
                    .section(
                        .h3(.plain(block.name.isCurrent ? "« \(block.name.name) » (nom actuel)" : block.name.name)),
                        .p(.plain(block.name.explanation)),
                        .p(.strong(.plain(OpinionStance.allCases.map { "\(block.name.counts[$0] ?? 0) \($0.label)" }
                            .joined(separator: " · ")))),
                        .forEach(OpinionStance.allCases) { stance in
                            let written = block.opinions.filter { $0.stance == stance }
                            return .if(!written.isEmpty, .group(
                                .h4(.plain("Avis « \(stance.label) »")),
                                .ul(.forEach(written) { .li(.plain("« \($0.text) » — \($0.authorName)")) })
                            ))
                        }
                    )
                },
                .h2("Le vote du conseil"),
                .unwrap(debate.decision) { decision in
                    decision.ranking.isEmpty ? .p(.plain("Vote « \(decision.status) » : pas encore de résultat publiable."))
                        : .ol(.forEach(decision.ranking) { .li(.plain($0)) })
                },
                .if(debate.decision == nil, .p(.text("Le vote n'est pas encore préparé."))),
                .h2("La réponse du Département"),
                debate.answers.isEmpty ? .p(.text("Pas encore de réponse.")) : .group(.forEach(debate.answers) { answer in
                    .div(.p(.text("Le "), ProposalPages.time(answer.publishedAt, long: true)), .div(richText(answer.text)))
                })
            )
        )
    }
}
