import Fluent
import Foundation
import Plot
import Vapor

/// `/`: what the council is, what is happening now, how to take part.
enum HomePage {
    /// Plain values only: a view test renders the page from `.mock`, without a database.
    struct Model: Sendable {
        struct Answer: Sendable {
            var link: PageLink
            var status: ProposalStatus
        }

        struct NextMeeting: Sendable {
            var link: PageLink
            /// "mardi 12 mars 2027 de 14 h à 16 h 30"
            var when: String
            var place: String
        }

        var latestAnswers: [Answer] = []
        var openPolls: [PageLink] = []
        /// Closed sealed polls whose key holders have not met yet.
        var awaitingPolls: [PageLink] = []
        var nextMeeting: NextMeeting?
    }

    /// How much of each section the home page shows.
    static let answersShown = 3
    static let pollsShown = 5

    /// The model at `now`: polls shown as their schedule says (never applied here).
    static func model(on database: any Database, now: Date) async throws -> Model {
        let answers = try await Proposal.query(on: database)
            .shownToThePublic(ProposalStatus.answeredStatuses)
            .sort(\.$answeredAt, .descending).limit(answersShown).all()
        let current = try await Poll.query(on: database).group(.or) { group in
            group.filter(\.$status == .open)
                .group(.and) { $0.filter(\.$status == .draft).filter(\.$opensAt <= now) }
                .group(.and) { $0.filter(\.$status == .closed).filter(\.$custody == .sealed).filter(\.$countedAt == nil) }
        }.sort(\.$createdAt, .descending).limit(2 * pollsShown).all().map { PollSummary($0, asOf: now) }
        let meeting = try await Meeting.query(on: database).filter(\.$status ~~ [.planned, .inProgress])
            .filter(\.$endsAt >= now).sort(\.$startsAt).first()
        func link(_ poll: PollSummary) -> PageLink { .init(url: poll.url(), title: poll.question) }
        return Model(
            latestAnswers: answers.map { .init(link: .init(url: .proposal($0.id ?? UUID()), title: $0.title), status: $0.status) },
            openPolls: current.filter { $0.status == .open }.prefix(pollsShown).map(link),
            awaitingPolls: current.filter(\.awaitsKeyHolders).prefix(pollsShown).map(link),
            nextMeeting: meeting.map(MeetingSummary.init).map {
                .init(link: .init(url: $0.url(), title: $0.title), when: MeetingPages.when($0), place: $0.place)
            }
        )
    }

    struct View {
        let context: PageContext
        let model: Model

        func render() -> HTML {
            Layout.page(
                context,
                title: "Accueil",
                description: "Le conseil consultatif du RSA : des personnes qui reçoivent le RSA "
                    + "donnent leur avis au Département, proposent des idées et votent en secret.",
                content: .group(introduction(), nowSection(), latestAnswersSection(), howToTakePart(), promises())
            )
        }

        func introduction() -> Node<HTML.BodyContext> {
            .section(
                .class("bandeau"),
                .h1("Le conseil consultatif du RSA"),
                .p(
                    .class("chapeau"),
                    .text("Le conseil réunit des personnes qui reçoivent le RSA. "),
                    .text("Ensemble, elles disent au Département ce qui marche, ce qui ne marche pas, "),
                    .text("et ce qu'il faudrait changer.")
                ),
                .p(.text("Sur ce site, les membres du conseil proposent des idées, "),
                   .text("préparent les séances et votent. Le Département répond par écrit à chaque proposition."))
            )
        }

        /// The next session and the open votes.
        func nowSection() -> Node<HTML.BodyContext> {
            guard model.nextMeeting != nil || !model.openPolls.isEmpty || !model.awaitingPolls.isEmpty else { return .empty }
            return .section(
                .class("en-ce-moment"),
                .h2("En ce moment"),
                .unwrap(model.nextMeeting) { meeting in
                    .p(.text("Prochaine séance : "), .a(.href(meeting.link.url), .plain(meeting.link.title)),
                       .plain(", \(meeting.when), \(meeting.place)."))
                },
                .if(!model.openPolls.isEmpty, .group(
                    .p(.plain(model.openPolls.count == 1 ? "Un vote est ouvert :" : "\(model.openPolls.count) votes sont ouverts :")),
                    .ul(.forEach(model.openPolls) { poll in .li(.a(.href(poll.url), .plain(poll.title))) })
                )),
                .if(!model.awaitingPolls.isEmpty, .group(
                    .p(.text("Clos, en attente des détenteurs de clés :")),
                    .ul(.forEach(model.awaitingPolls) { poll in
                        .li(.a(.href(poll.url), .plain(poll.title)), .text(" "),
                            .span(.class("badge badge-scrutin-closed"), .plain("Scrutin clos, en attente des détenteurs de clés")))
                    })
                ))
            )
        }

        func latestAnswersSection() -> Node<HTML.BodyContext> {
            guard !model.latestAnswers.isEmpty else { return .empty }
            return .section(
                .h2("Les dernières réponses du Département"),
                .ul(.class("dernieres-reponses"), .forEach(model.latestAnswers) { answer in
                    .li(
                        .a(.href(answer.link.url), .plain(answer.link.title)),
                        .text(" "), ProposalPages.badge(answer.status)
                    )
                }),
                .p(.a(.href(.followUp), .text("Voir tout ce que le Département a répondu")))
            )
        }

        func howToTakePart() -> Node<HTML.BodyContext> {
            .section(
                .h2("Comment participer ?"),
                .ol(
                    .class("etapes"),
                    .li(
                        .strong("Demandez une carte d'accès."),
                        .text(" L'animatrice ou l'animateur du conseil vous la remet en main propre, "),
                        .text("pendant une séance ou par votre référent.")
                    ),
                    .li(
                        .strong("Activez votre carte sur ce site."),
                        .text(" Vous choisissez un pseudonyme et un mot de passe. "),
                        .text("Pas besoin d'adresse e-mail, de numéro de téléphone ni de votre vrai nom.")
                    ),
                    .li(
                        .strong("Donnez votre avis."),
                        .text(" Proposez une idée, venez aux séances, votez. "),
                        .text("Vous pouvez aussi tout faire sur papier pendant les séances.")
                    )
                ),
                .p(.a(.href(.content(.help)), .text("Lire l'aide pas à pas"))),
                .p(.strong("Le débat sur le nom : "), .a(.href(.namingDebate), .text("comment voulez-vous être appelés ?")))
            )
        }

        func promises() -> Node<HTML.BodyContext> {
            .section(
                .h2("Ce que nous vous garantissons"),
                .ul(
                    .class("garanties"),
                    .li(.strong("Votre vote est secret."),
                        .text(" Les bulletins sont chiffrés et rangés à part de la liste des votants : ni les autres membres, "),
                        .text("ni l'équipe d'animation, ni le Département ne voient ce que vous votez. "),
                        .a(.href(.content(.privacy)), .text("Qui peut savoir quoi"))),
                    .li(.strong("Vous restez discret."),
                        .text(" Un pseudonyme suffit. Nous ne demandons rien qui permette de vous reconnaître.")),
                    .li(.strong("Chaque proposition reçoit une réponse."),
                        .text(" Le Département répond par écrit et dit ce qu'il a fait."))
                ),
                .p(.a(.href(.content(.charter)), .text("Lire la charte du conseil")))
            )
        }
    }
}
