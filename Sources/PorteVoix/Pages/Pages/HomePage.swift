import Fluent
import Plot
import Vapor

enum HomePage {
    struct View {
        let context: PageContext
        var latestAnswers: [Proposal] = []
        var openPolls: [Poll] = []
        /// Closed sealed polls whose key holders have not met yet.
        var awaitingPolls: [Poll] = []
        var nextMeeting: Meeting?

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
            guard nextMeeting != nil || !openPolls.isEmpty || !awaitingPolls.isEmpty else { return .empty }
            return .section(
                .class("en-ce-moment"),
                .h2("En ce moment"),
                .unwrap(nextMeeting) { meeting in
                    .p(.text("Prochaine séance : "), .a(.href(escapeAttribute(MeetingPages.link(meeting))), .plain(meeting.title)),
                       .plain(", \(MeetingPages.when(meeting)), \(meeting.place)."))
                },
                .if(!openPolls.isEmpty, .group(
                    .p(.plain(openPolls.count == 1 ? "Un vote est ouvert :" : "\(openPolls.count) votes sont ouverts :")),
                    .ul(.forEach(openPolls) { poll in .li(.a(.href(escapeAttribute(PollPages.link(poll))), .plain(poll.question))) })
                )),
                .if(!awaitingPolls.isEmpty, .group(
                    .p(.text("Clos, en attente des détenteurs de clés :")),
                    .ul(.forEach(awaitingPolls) { poll in
                        .li(.a(.href(escapeAttribute(PollPages.link(poll))), .plain(poll.question)), .text(" "), PollPages.badge(poll))
                    })
                ))
            )
        }

        func latestAnswersSection() -> Node<HTML.BodyContext> {
            guard !latestAnswers.isEmpty else { return .empty }
            return .section(
                .h2("Les dernières réponses du Département"),
                .ul(.class("dernieres-reponses"), .forEach(latestAnswers) { proposal in
                    .li(
                        .a(.href(escapeAttribute(ProposalPages.link(proposal))), .plain(proposal.title)),
                        .text(" "), ProposalPages.badge(proposal.status)
                    )
                }),
                .p(.a(.href("/suivi"), .text("Voir tout ce que le Département a répondu")))
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
                .p(.a(.href("/aide"), .text("Lire l'aide pas à pas")))
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
                        .a(.href("/confidentialite"), .text("Qui peut savoir quoi"))),
                    .li(.strong("Vous restez discret."),
                        .text(" Un pseudonyme suffit. Nous ne demandons rien qui permette de vous reconnaître.")),
                    .li(.strong("Chaque proposition reçoit une réponse."),
                        .text(" Le Département répond par écrit et dit ce qu'il a fait."))
                ),
                .p(.a(.href("/charte"), .text("Lire la charte du conseil")))
            )
        }
    }
}
