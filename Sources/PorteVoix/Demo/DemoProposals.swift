import Fluent
import Foundation
import Vapor

/// About forty proposals in plain French, in every status, with comments,
/// supports and answers: what a council's first year looks like.
enum DemoProposals {
    /// (title, text, theme index in the default list).
    static let ideas: [(String, String, Int)] = [
        ("Un bus pour aller aux rendez-vous à France Travail",
         "Beaucoup d'entre nous habitent loin de l'agence. Le bus passe deux fois par jour et les rendez-vous tombent entre les deux.\n\nNous proposons une navette à la demande pour les rendez-vous obligatoires, ou des rendez-vous en visio quand c'est possible.", 0),
        ("Rembourser les trajets pour les formations",
         "Quand on part en formation à 40 kilomètres, l'essence coûte plus que ce qu'on gagne. Certains abandonnent à cause de ça.\n\nNous demandons que les frais de trajet soient avancés, pas remboursés deux mois plus tard.", 1),
        ("Une garde d'enfants pendant les formations",
         "Les formations commencent à 8 h 30, la crèche ouvre à 8 h. Impossible d'être à l'heure.\n\nNous proposons des places réservées en crèche ou chez une assistante maternelle pour les parents en formation.", 2),
        ("Des permanences pour remplir les papiers en ligne",
         "Tout se fait sur internet maintenant. Sans ordinateur, ou quand on ne sait pas bien s'en servir, on rate des droits.\n\nNous voulons une permanence par semaine dans chaque maison des services, avec quelqu'un qui aide sans juger.", 5),
        ("Prêter des téléphones et des forfaits",
         "Sans téléphone qui marche, on ne reçoit pas les SMS de rendez-vous. Des personnes sont sanctionnées pour ça.\n\nNous proposons un prêt de téléphone avec un petit forfait pendant l'accompagnement.", 5),
        ("Un seul référent, qui ne change pas tous les six mois",
         "On raconte sa vie à chaque nouveau référent. C'est fatigant et parfois humiliant.\n\nNous demandons de garder le même référent pendant tout l'accompagnement, sauf si on demande à changer.", 6),
        ("Des courriers écrits en français simple",
         "Les lettres du Département sont difficiles à comprendre. On a peur de faire une erreur et de perdre ses droits.\n\nNous proposons de réécrire les courriers avec des membres du conseil, en phrases courtes.", 6),
        ("Une mutuelle à petit prix négociée par le Département",
         "Beaucoup renoncent à se soigner les dents ou les yeux. La complémentaire santé solidaire ne couvre pas tout.\n\nNous demandons une mutuelle négociée pour les personnes accompagnées.", 3),
        ("Des bilans de santé gratuits près de chez nous",
         "Les centres d'examen de santé sont loin. Nous proposons qu'ils viennent une fois par an dans chaque territoire.", 3),
        ("Aider à payer la caution d'un logement",
         "Trouver un logement est déjà dur. Sans caution, c'est impossible. Nous proposons une avance remboursable sans frais.", 4),
        ("Des logements pour les personnes qui trouvent un emploi loin",
         "Un emploi à une heure de route, c'est souvent non. Un logement temporaire près du travail pendant la période d'essai aiderait.", 4),
        ("Un budget accompagné sans être infantilisé",
         "Les ateliers budget nous expliquent comment faire des courses. Nous savons compter, l'argent manque.\n\nNous proposons des ateliers choisis par les personnes, sur les aides qu'on ne connaît pas.", 7),
        ("Pouvoir garder une partie de ses revenus en reprenant un travail",
         "Quand on reprend quelques heures de travail, on a peur de tout perdre. Les calculs sont incompréhensibles.\n\nNous demandons un simulateur simple et une personne pour l'expliquer.", 7),
        ("Des formations au permis de conduire",
         "Sans permis, beaucoup d'emplois sont fermés. Nous proposons un financement du permis pour les personnes qui ont un projet d'emploi.", 1),
        ("Reconnaître le bénévolat dans l'accompagnement",
         "Beaucoup d'entre nous sont bénévoles dans des associations. Ce n'est jamais pris en compte dans le contrat d'engagement.\n\nNous demandons que le bénévolat compte comme une démarche.", 1),
        ("Des horaires de rendez-vous compatibles avec l'école",
         "Les rendez-vous à 16 h 30 tombent à la sortie de l'école. Nous demandons des créneaux entre 9 h et 16 h pour les parents seuls.", 2),
        ("Un lieu d'accueil pour les enfants pendant les rendez-vous",
         "Venir avec un enfant de deux ans à un rendez-vous d'une heure, c'est difficile pour tout le monde. Un coin jeux avec une personne pour surveiller suffirait.", 2),
        ("Des ordinateurs en libre accès dans les mairies",
         "Les bibliothèques ferment tôt. Un ordinateur avec imprimante dans chaque mairie, aux heures d'ouverture, aiderait beaucoup.", 5),
        ("Former les agents d'accueil à l'écoute",
         "À l'accueil, on se sent parfois regardé de haut. Nous proposons que des membres du conseil participent à la formation des agents.", 6),
        ("Un numéro de téléphone qui répond vraiment",
         "On attend 40 minutes pour parler à quelqu'un, puis ça coupe. Nous demandons un rappel automatique au lieu de l'attente.", 6),
        ("Des transports gratuits pour chercher un emploi",
         "Aller à un entretien d'embauche coûte un billet de train. Nous proposons des tickets gratuits sur présentation de la convocation.", 0),
        ("Du covoiturage organisé entre membres",
         "Plusieurs d'entre nous vont aux mêmes endroits. Une plateforme de covoiturage simple, avec un petit dédommagement, aiderait.", 0),
        ("Un accès aux soins psychologiques",
         "La précarité use le moral. Les psychologues coûtent cher. Nous demandons des séances prises en charge, près de chez nous.", 3),
        ("Lutter contre les logements insalubres",
         "Certains propriétaires louent des logements humides et froids. Nous proposons un numéro pour signaler et une visite rapide.", 4),
        ("Des épiceries solidaires dans chaque territoire",
         "Dans certains territoires, il n'y a aucune épicerie solidaire. Nous demandons qu'il y en ait au moins une, accessible en bus.", 7),
        ("Expliquer le RSA à l'entrée dans le dispositif",
         "Au début, personne ne nous explique nos droits et nos devoirs. Une réunion d'accueil avec d'anciens membres rassurerait.", 6),
        ("Des stages de découverte rémunérés",
         "Découvrir un métier en stage, c'est bien, mais sans rémunération, les frais s'accumulent. Nous proposons une indemnité.", 1),
        ("Des vélos électriques en prêt",
         "Pour des trajets de 10 kilomètres, un vélo électrique change la vie. Nous proposons un prêt de trois mois renouvelable.", 0),
        ("Une aide pour les lunettes et les prothèses dentaires",
         "Sans lunettes, on ne peut pas lire les offres d'emploi. Sans dents, on n'ose pas aller à un entretien. Une aide spécifique est nécessaire.", 3),
        ("Des jardins partagés près des logements sociaux",
         "Un jardin, c'est des légumes et des rencontres. Nous proposons des parcelles gratuites près des quartiers.", 7),
        ("Que les sanctions soient expliquées avant d'être appliquées",
         "Des personnes apprennent une suspension en regardant leur compte. Nous demandons un rendez-vous avant toute sanction.", 6),
        ("Des ateliers pour apprendre à utiliser son téléphone",
         "Beaucoup ont un téléphone mais ne savent pas y installer les applications des administrations. Des ateliers courts et gratuits aideraient.", 5),
        ("Aider à passer le code de la route",
         "Le code se passe en ligne ou en salle. Nous proposons des séances d'entraînement accompagnées dans les centres sociaux.", 1),
        ("Un accompagnement pour créer son activité",
         "Certains veulent créer leur petite entreprise. Nous demandons un accompagnement gratuit et la garantie de ne pas perdre ses droits la première année.", 1),
        ("Des places de crèche le samedi",
         "Les emplois dans le commerce demandent de travailler le samedi. Aucune crèche n'ouvre ce jour-là. Nous proposons une crèche ouverte le samedi par territoire.", 2),
        ("Une carte de réduction pour la culture et le sport",
         "Aller au cinéma, à la piscine, c'est aussi garder le moral. Nous demandons une carte de réduction dans les équipements du Département.", 7),
        ("Simplifier la déclaration trimestrielle",
         "La déclaration tous les trois mois fait peur : une erreur et on doit rembourser. Nous proposons une aide pour la remplir et un droit à l'erreur.", 6),
        ("Des logements d'urgence pour les femmes seules avec enfants",
         "Quand une femme quitte un conjoint violent, elle doit trouver un toit le soir même. Nous demandons des places réservées.", 4),
        ("Des horaires de bus le dimanche",
         "Le dimanche, aucun bus. Pour les emplois du week-end, c'est impossible sans voiture. Nous proposons au moins deux passages le dimanche.", 0),
        ("Parler de nous sans nous stigmatiser",
         "Dans les documents, on nous appelle par le nom d'une aide. Nous voulons être appelés des personnes, avec nos prénoms.", 6),
    ]

    /// The status of each idea, in order: every status is there.
    static let statuses: [ProposalStatus] = [
        .done, .inProgress, .answered, .inProgress, .published, .answered, .done, .declined,
        .scheduled, .forwarded, .published, .inProgress, .answered, .done, .notAdopted, .published,
        .scheduled, .published, .adopted, .answered, .forwarded, .submitted, .adopted, .published,
        .rejected, .declined, .published, .scheduled, .notAdopted, .withdrawn, .inProgress, .published,
        .submitted, .adopted, .answered, .published, .forwarded, .scheduled, .changesRequested, .rejected,
    ]

    static let answers = [
        "Merci pour cette proposition. Le Département a décidé de la tester dans deux territoires dès le printemps.\n\nUne personne de l'équipe insertion suivra le test avec deux membres du conseil. Nous ferons le bilan en séance dans six mois.",
        "Le Département partage ce constat. Nous travaillons avec nos partenaires pour trouver une solution.\n\nUne première réunion a eu lieu le mois dernier. Nous vous tiendrons au courant en séance.",
        "Cette proposition demande un budget que le Département ne peut pas engager cette année.\n\nNous la présenterons au vote du budget de l'an prochain, avec les chiffres préparés avec le conseil.",
    ]

    static let comments = [
        "Je suis tout à fait d'accord, c'est exactement ce que je vis.",
        "Bonne idée. Il faudrait aussi penser aux personnes qui ne peuvent pas se déplacer du tout.",
        "Chez nous, ça existe déjà à la mairie, ça marche bien.",
        "Merci d'avoir écrit ça. On se sent moins seul.",
        "Il faudrait demander l'avis des associations aussi.",
    ]

    static func fill(_ app: Application, members: [Member]) async throws {
        let database = app.db
        let themes = try await Theme.query(on: database).sort(\.$position).all()
        let territories = try await Territory.query(on: database).sort(\.$position).all()
        let participants = members.filter { member in member.roles.contains(.participant) }
        let staff = members.first { $0.roles.contains(.staff) }
        let moderator = members.first { $0.roles.contains(.moderator) }
        let facilitator = members.first { $0.roles.contains(.facilitator) }
        let now = Date()

        for (index, idea) in ideas.enumerated() {
            let status = statuses[index % statuses.count]
            let author = participants[index % participants.count]
            let created = now.addingTimeInterval(-Double(300 - index * 7) * 86_400)
            let fromPaper = index % 9 == 4
            let proposal = Proposal(
                title: idea.0, body: idea.1, themeID: try themes[idea.2 % themes.count].requireID(),
                territoryID: index % 4 == 0 ? nil : territories[index % territories.count].id,
                authorID: author.id, anonymous: index % 5 == 2, fromPaper: fromPaper,
                enteredByID: fromPaper ? facilitator?.id : nil, status: .submitted, at: created
            )
            try await proposal.create(on: database)
            let id = try proposal.requireID()
            try await ProposalEvent(proposalID: id, status: .submitted, actorID: author.id, note: nil, at: created)
                .create(on: database)

            // Walk the lifecycle up to the target status, a few days a step.
            var date = created
            for step in path(to: status) {
                date = date.addingTimeInterval(Double(3 + index % 5) * 86_400)
                let actor = [.published, .rejected, .changesRequested].contains(step) ? moderator : staff
                var note: String?
                if step == .rejected {
                    note = "Une proposition très proche existe déjà : soutenez-la plutôt."
                    proposal.moderationReason = .offTopic
                }
                if step == .changesRequested {
                    note = "La proposition contient le nom d'une personne. Retirez-le, et elle sera relue à nouveau."
                    proposal.moderationReason = .personalData
                }
                if step == .inProgress { note = "Un groupe de travail s'est réuni. Les premières mesures arrivent dans les prochains mois." }
                if step == .declined { note = "Ce n'est pas une compétence du Département. Nous avons transmis la demande à l'État." }
                if step == .done { note = "C'est en place depuis ce mois-ci. Merci au conseil pour cette idée." }
                if step == .published { proposal.publishedAt = date }
                if step == .answered {
                    proposal.answer = answers[index % answers.count]
                    proposal.answeredAt = date
                }
                try await ProposalEvent(proposalID: id, status: step, actorID: step == .withdrawn ? author.id : actor?.id,
                                        note: note, at: date).create(on: database)
                proposal.status = step
                proposal.statusChangedAt = date
            }
            if status.isPublic {
                // Supports from the first few participants; who they are is never shown.
                let supporters = participants.prefix((index * 7) % (participants.count + 1))
                for supporter in supporters {
                    try await ProposalSupport(proposalID: id, memberID: supporter.requireID()).create(on: database)
                }
                proposal.supportsCount = supporters.count
                for offset in 0..<(index % 3) {
                    let commenter = participants[(index + offset + 1) % participants.count]
                    let comment = ProposalComment(proposalID: id, authorID: try commenter.requireID(),
                                                  body: comments[(index + offset) % comments.count],
                                                  at: date.addingTimeInterval(Double(offset + 1) * 3600))
                    comment.status = offset == 1 && index % 2 == 0 ? .submitted : .published
                    try await comment.create(on: database)
                }
            }
            try await proposal.save(on: database)
            if status != .submitted && status != .withdrawn {
                try await Notifier.notify(author.id, ProposalMessages.statusChanged(proposal, note: ""),
                                          link: .proposal(id), at: Date(), on: database)
            }
        }
    }

    /// The statuses a proposal goes through after `submitted` to reach `target`.
    static func path(to target: ProposalStatus) -> [ProposalStatus] {
        switch target {
        case .submitted: []
        case .published: [.published]
        case .rejected: [.rejected]
        case .changesRequested: [.changesRequested]
        case .withdrawn: [.published, .withdrawn]
        case .scheduled: [.published, .scheduled]
        case .adopted: [.published, .scheduled, .adopted]
        case .notAdopted: [.published, .scheduled, .notAdopted]
        case .forwarded: [.published, .scheduled, .adopted, .forwarded]
        case .answered: [.published, .scheduled, .adopted, .forwarded, .answered]
        case .inProgress: [.published, .scheduled, .adopted, .forwarded, .answered, .inProgress]
        case .done: [.published, .scheduled, .adopted, .forwarded, .answered, .inProgress, .done]
        case .declined: [.published, .scheduled, .adopted, .forwarded, .answered, .declined]
        }
    }
}
