import Foundation
import Plot

/// `/debat-denomination`: built around what a member can do next.
enum DebatePage {
    struct Round: Sendable {
        var number: Int
        var pollID: UUID
        var status: PollStatus
        var opensAt: Date?
        var closesAt: Date?
        var ballots: Int?
        /// Per option, when enough answers were counted.
        var counts: [Int]?
        var counted = false
    }

    struct Name: Sendable {
        var id: UUID
        var name: String
        var explanation: String
        var authorName: String
        var isCurrent: Bool
        var counts: [OpinionStance: Int]
    }

    struct Decision: Sendable {
        var pollID: UUID
        var status: String
        /// The names in rank order, once counted with enough ballots.
        var ranking: [String]
        /// In preparation: only the organisers reach its page.
        var isDraft = false
        /// Counted, with fewer ballots than the publication minimum.
        var tooFewBallots = false
    }

    struct Answer: Sendable {
        var text: String
        var publishedAt: Date
    }

    struct Model: Sendable {
        var introHTML: String
        var rounds: [Round] = []
        var names: [Name] = []
        var decision: Decision?
        var answers: [Answer] = []
        var csrf: String?
        var canOrganise = false
        var isStaff = false
        var errors = FormErrors()
        var typedName = ""
        var typedExplanation = ""
        var typedAnonymous = false
        var duplicateOf: UUID?
        /// The names a facilitator ticked for the shortlist, kept when the form comes back.
        var chosen: Set<UUID> = []
        /// Sessions to come, for facilitators who tie the vote to one.
        var meetings: [NamedID] = []
        var chosenMeeting: UUID?
        /// What was typed in the period form: opening day and time, closing day and time.
        var typedRound = ["", "09:00", "", "18:00"]
        var typedAnswer = ""
    }

    static func view(_ model: Model, context: PageContext) -> HTML {
        Layout.page(
            context,
            title: (model.errors.isEmpty ? "" : "Erreur — ") + "Le débat sur le nom",
            description: "Comment voulez-vous être appelés ? Le débat du conseil sur le nom « bénéficiaire du RSA ».",
            content: .group(
                .h1("Le débat sur le nom « bénéficiaire du RSA »"),
                ListenControl.node(.listen(.debate), context: context, what: "la présentation du débat et les noms proposés"),
                .div(.class("contenu-redige"), .raw(model.introHTML)),
                Forms.errorSummary(model.errors),
                answers(model),
                feeling(model),
                names(model),
                decision(model),
                .if(model.isStaff, .p(.a(.href(.namingSynthesis), .text("La synthèse pour le Département (à imprimer)"))))
            )
        )
    }

    static func feeling(_ model: Model) -> Node<HTML.BodyContext> {
        let open = model.rounds.first { $0.status == .open }
        let counted = model.rounds.filter { $0.counts != nil }
        return .section(
            .id("ressenti"),
            .h2("Comment vous sentez-vous ?"),
            .p(.plain(FeelingQuestion.question)),
            .p(.class("aide-champ"), .plain(PollPages.secrecy(.standard))),
            .unwrap(open) { round in
                .p(.a(.class("bouton"), .href(.poll(round.pollID)), .text("Répondre à la question")),
                   .unwrap(round.closesAt) { .text(" (jusqu'au \(FrenchDates.day($0)))") })
            },
            .if(open == nil && model.rounds.isEmpty, .p(.text("La question n'est pas encore posée."))),
            .if(!counted.isEmpty, .div(
                .class("tableau-defilant"), .attribute(named: "tabindex", value: "0"),
                .attribute(named: "role", value: "region"), .ariaLabel("Réponses par période"),
                .table(
                    .caption("Les réponses, période par période"),
                    .thead(.tr(.th(.attribute(named: "scope", value: "col"), "Réponse"),
                               .forEach(counted) { .th(.attribute(named: "scope", value: "col"), .plain("Période \($0.number)")) })),
                    .tbody(
                        .forEach(FeelingQuestion.options.indices) { index in
                            .tr(.th(.attribute(named: "scope", value: "row"), .plain(FeelingQuestion.options[index])),
                                .forEach(counted) { round in .td(.plain(share(round, index))) })
                        },
                        .tr(.th(.attribute(named: "scope", value: "row"), "Réponses"),
                            .forEach(counted) { .td(.plain(String($0.ballots ?? 0))) })
                    )
                )
            )),
            .if(model.rounds.contains { $0.counts == nil && $0.counted }, .p(.class("aide-champ"),
                .text("Une période a eu trop peu de réponses pour être publiée : on risquerait de reconnaître qui a répondu quoi."))),
            .if(model.canOrganise, roundForm(model))
        )
    }

    /// "12 (40 %)".
    static func share(_ round: Round, _ index: Int) -> String {
        guard let counts = round.counts, counts.indices.contains(index) else { return "—" }
        let total = max(1, round.ballots ?? counts.reduce(0, +))
        return "\(counts[index]) (\(Int((Double(counts[index]) * 100 / Double(total)).rounded())) %)"
    }

    static func roundForm(_ model: Model) -> Node<HTML.BodyContext> {
        guard let csrf = model.csrf else { return .empty }
        return folded("Poser la question pour une nouvelle période", open: model.errors["debutJour"] != nil || model.errors["finJour"] != nil,
            Forms.post(
                action: .namingRounds, csrf: csrf, class: "formulaire",
                Forms.field("debutJour", label: "Ouverture : date", value: model.typedRound[0], kind: .date,
                            error: model.errors["debutJour"], required: true),
                Forms.field("debutHeure", label: "Ouverture : heure", value: model.typedRound[1], kind: .time),
                Forms.field("finJour", label: "Clôture : date", value: model.typedRound[2], kind: .date,
                            error: model.errors["finJour"], required: true),
                Forms.field("finHeure", label: "Clôture : heure", value: model.typedRound[3], kind: .time),
                Forms.submit("Préparer la période")
            )
        )
    }

    static func names(_ model: Model) -> Node<HTML.BodyContext> {
        .section(
            .id("noms"),
            .h2("Les noms proposés"),
            model.names.isEmpty ? .p(.text("Aucun nom pour l'instant.")) : .ul(
                .class("noms"),
                .forEach(model.names) { name in
                    .li(
                        .h3(.a(.href(.namingName(name.id)), .plain(name.isCurrent ? "« \(name.name) » (le nom actuel)" : name.name))),
                        .p(.plain(ProposalPages.excerpt(name.explanation, length: 160))),
                        .p(.class("meta"), .plain(OpinionStance.allCases.map { "\(name.counts[$0] ?? 0) \($0.label)" }
                            .joined(separator: " · ")))
                    )
                }
            ),
            nameForm(model)
        )
    }

    static func nameForm(_ model: Model) -> Node<HTML.BodyContext> {
        guard let csrf = model.csrf else {
            return .p(.a(.href(.signIn, query: [("retour", SiteURL.namingDebate.path)]), .text("Connectez-vous pour proposer un nom")))
        }
        return folded("Proposer un nom", open: model.errors["nom"] != nil || model.errors["explication"] != nil,
            Forms.post(
                action: .namingNames, csrf: csrf, class: "formulaire",
                Forms.field("nom", label: "Le nom que vous proposez", value: model.typedName, error: model.errors["nom"],
                            required: true, maxLength: ProposedName.maximumNameLength),
                .unwrap(model.duplicateOf) { original in
                    .p(.a(.href(.namingName(original)), .text("Voir ce nom et donner votre avis")))
                },
                Forms.textArea("explication", label: "Pourquoi ce nom ?", value: model.typedExplanation,
                               error: model.errors["explication"], required: true,
                               maxLength: ProposedName.maximumExplanationLength, rows: 3),
                Forms.checkbox("anonyme", label: "Publier sans mon pseudonyme", checked: model.typedAnonymous),
                .p(.class("aide-champ"), .text("Une personne de l'équipe de modération relira le nom avant de le publier.")),
                Forms.submit("Envoyer ce nom")
            )
        )
    }

    static func decision(_ model: Model) -> Node<HTML.BodyContext> {
        .section(
            .id("vote"),
            .h2("Le vote du conseil"),
            .unwrap(model.decision) { decision in
                .group(
                    .p(.plain("Le vote au jugement majoritaire est « \(decision.status) ». "),
                       .if(!decision.isDraft || model.canOrganise,
                           .a(.href(.poll(decision.pollID)), .text(decision.status == PollStatus.open.label ? "Voter" : "Voir le vote")))),
                    .if(decision.tooFewBallots, .p(.text("Trop peu de votes pour publier le résultat : on risquerait de "
                        + "reconnaître qui a voté quoi. Les animateurs peuvent préparer un nouveau vote."))),
                    .if(!decision.ranking.isEmpty, .group(
                        .h3("Le résultat"),
                        .ol(.forEach(decision.ranking) { .li(.plain($0)) })
                    ))
                )
            },
            .if(model.decision == nil, .p(.text("Quand le conseil aura choisi les noms finalistes, le vote s'ouvrira ici."))),
            .if(model.canOrganise && (model.decision == nil || model.decision?.tooFewBallots == true), shortlistForm(model))
        )
    }

    static func shortlistForm(_ model: Model) -> Node<HTML.BodyContext> {
        guard let csrf = model.csrf else { return .empty }
        let candidates = model.names.filter { !$0.isCurrent }
        return folded("Choisir les noms finalistes et préparer le vote", open: model.errors["noms"] != nil,
            Forms.post(
                action: .namingDecision, csrf: csrf, class: "formulaire",
                .element(named: "fieldset", nodes: [
                    .id("champ-noms"),
                    .element(named: "legend", text: "Les noms finalistes (« bénéficiaire du RSA » en fait toujours partie)"),
                    .forEach(candidates) { name in
                        Forms.checkbox("noms[]", label: name.name, checked: model.chosen.contains(name.id),
                                       value: name.id.uuidString, idSuffix: String(name.id.uuidString.prefix(8)))
                    },
                ]),
                Forms.select("seance", label: "Séance où le vote aura lieu (facultatif)",
                             options: [("", "Aucune : vote sur le site")] + model.meetings.map { ($0.id.uuidString, $0.name) },
                             selected: model.chosenMeeting?.uuidString, error: model.errors["seance"]),
                Forms.submit("Préparer le vote")
            )
        )
    }

    static func answers(_ model: Model) -> Node<HTML.BodyContext> {
        .section(
            .id("reponse"),
            .h2("La réponse du Département"),
            model.answers.isEmpty ? .p(.text("Le Département n'a pas encore répondu.")) : .group(
                .forEach(model.answers) { answer in
                    .article(.p(.class("date"), .text("Le "), ProposalPages.time(answer.publishedAt, long: true)),
                             .div(richText(answer.text)))
                }
            ),
            .if(model.isStaff, answerForm(model))
        )
    }

    static func answerForm(_ model: Model) -> Node<HTML.BodyContext> {
        guard let csrf = model.csrf else { return .empty }
        return folded("Publier la réponse du Département", open: model.errors["reponse"] != nil,
            Forms.post(
                action: .namingAnswer, csrf: csrf, class: "formulaire",
                Forms.textArea("reponse", label: "Ce que le Département décide (les mots de ses courriers, formulaires et site)",
                               value: model.typedAnswer, error: model.errors["reponse"], required: true, maxLength: NamingAnswer.maximumLength, rows: 8),
                Forms.submit("Publier et prévenir les membres")
            )
        )
    }

    /// A form folded under its title, open when it comes back with an error.
    static func folded(_ summary: String, open: Bool, _ content: Node<HTML.BodyContext>) -> Node<HTML.BodyContext> {
        .element(named: "details", nodes: [
            .if(open, .attribute(named: "open")),
            .element(named: "summary", nodes: [.plain(summary)]),
            content,
        ])
    }
}
