import Foundation
import Plot
import Vapor
import Voting

enum PollPages {
    /// A page of this poll. A poll read from the database always has its id.
    static func url(_ poll: PollSummary, _ page: SiteURL.PollPage = .show) -> SiteURL { poll.url(page) }

    static func people(_ count: Int) -> String {
        count == 0 ? "Personne n'a encore voté" : count == 1 ? "1 personne a voté" : "\(count) personnes ont voté"
    }

    static func badge(_ poll: PollSummary) -> Node<HTML.BodyContext> {
        .span(.class("badge badge-scrutin-\(poll.status.rawValue)"), .plain("Scrutin \(poll.statusLabel)"))
    }

    /// What a poll's custody protects against, in plain words (design/voting.md).
    static func secrecy(_ custody: BallotCustody) -> String {
        switch custody {
        case .standard:
            "Votre vote est secret. Les bulletins sont chiffrés dès leur arrivée et séparés de la liste des votants ; "
                + "après le dépouillement, seuls les totaux sont gardés. Ni les autres membres, ni l'équipe d'animation, "
                + "ni le Département ne voient ce que vous votez. Seule la personne qui fait fonctionner le serveur "
                + "pourrait, pendant le vote, en s'en donnant les moyens, ouvrir l'urne avant le dépouillement."
        case .sealed:
            "Votre vote est secret. Les bulletins sont chiffrés dès leur arrivée et séparés de la liste des votants. "
                + "L'urne est scellée : personne, pas même la personne qui fait fonctionner le serveur, ne peut l'ouvrir "
                + "avant que plusieurs détenteurs de clés, dont au moins un membre du conseil, donnent chacun leur part "
                + "pour le dépouillement ; seuls les totaux sont alors gardés."
        }
    }

    /// What the channel adds to the promise: paper ballots are seen by whoever types them, never tied to a name.
    static func secrecy(_ channel: PollChannel) -> String? {
        switch channel {
        case .online: nil
        case .paper:
            "Ce vote se fait sur papier, dans la salle. La personne qui saisit les bulletins les voit un par un, dans l'ordre "
                + "de la pile, sans savoir qui a écrit lequel ; aucun vote en ligne ne s'y mêle."
        case .mixed:
            "Ce vote mêle des bulletins papier et en ligne, car il a été ouvert avant la règle d'un seul canal : son résultat "
                + "n'est publié que si chaque canal compte assez de bulletins."
        }
    }

    // MARK: List

    static func list(_ polls: [PollSummary], canManage: Bool, page: Int = 1, pageCount: Int = 1, context: PageContext) -> HTML {
        let open = polls.filter { $0.status == .open }
        let closed = polls.filter { $0.status == .closed }
        let drafts = polls.filter { $0.status == .draft }
        func entries(_ polls: [PollSummary]) -> Node<HTML.BodyContext> {
            .ul(.class("liste-scrutins"), .forEach(polls) { poll in
                .li(.a(.href(url(poll)), .plain(poll.question)), .text(" "), badge(poll))
            })
        }
        return Layout.page(
            context,
            title: "Les votes",
            content: .group(
                .h1("Les votes"),
                .p(.text("Les votes du conseil sont secrets : les bulletins sont chiffrés et rangés à part de la liste "),
                   .text("des votants. Ni les autres membres, ni l'équipe d'animation, ni le Département ne voient ce que vous votez. "),
                   .a(.href(.content(.privacy)), .text("Qui peut savoir quoi"))),
                .if(canManage, .p(.a(.class("bouton"), .href(.newPoll), .text("Préparer un vote")))),
                .h2("Votes ouverts"),
                open.isEmpty ? .p(.text("Aucun vote n'est ouvert en ce moment.")) : entries(open),
                .if(canManage && !drafts.isEmpty, .group(.h2("En préparation"), entries(drafts))),
                .h2("Votes clos"),
                closed.isEmpty ? .p(.text("Aucun vote clos pour l'instant.")) : entries(closed),
                Pagination.links(path: .polls, query: [], page: page, pageCount: pageCount)
            )
        )
    }

    // MARK: One poll

    struct Model {
        var poll: PollSummary
        var ballots: Int
        var csrf: String?
        var canManage: Bool
        var hasVoted = false
        var refusal: String?
        var results: PollResults?
        var error: String?
        /// The answers to show again in the form ("Modifier mon choix", or an
        /// error), by field name: nothing is ever pre-selected otherwise.
        var typed: [String: String] = [:]
        var secondAttempt = false
        /// The fewest ballots for results to be published: the poll's or the site's, whichever is higher.
        var minimumBallots = SiteSettingsStore.defaultMinimumBallots
        /// When and by which roles the member was registered as a paper voter.
        var paperRegistration: (at: Date, roles: [Role])?
        /// Organisers of a sealed poll: which holders have opened their share (never the share).
        var custody: [CustodyModel.Holder]?
        /// The signed-in member holds one of this sealed box's keys.
        var holdsAKey = false
        /// At a voting kiosk: « Encore du temps » in the ballot form.
        var atKiosk = false
    }

    static func show(_ model: Model, context: PageContext) -> HTML {
        let poll = model.poll
        var context = context
        context.kioskButtonInPage = context.kiosk != nil && showsBallot(model)
        return Layout.page(
            context,
            title: (model.error == nil ? "" : "Erreur — ") + poll.question,
            content: .group(
                kioskAwareBack(context, to: .polls, "Tous les votes"),
                .h1(.plain(poll.question)),
                .unwrap(poll.questionEasy) {
                    .div(.class("facile-a-lire point-courant"), .p(.strong("Facile à lire")), richText($0))
                },
                ListenControl.node(.listen(.poll(.value(poll.id))), context: context, what: "la question et les choix"),
                .p(badge(poll)),
                .if(poll.status == .open, .p(.class("aide-champ"), .plain(secrecy(poll.custody)))),
                .if(poll.status != .closed, .unwrap(secrecy(poll.channel)) { .p(.class("aide-champ"), .plain($0)) }),
                .if(!poll.details.isEmpty, .div(richText(poll.details))),
                .ul(.class("meta"),
                    .li(.plain(poll.kind.label)),
                    .li(.plain(poll.eligibility == .territory ? "Membres du territoire « \(poll.territoryName ?? "") »"
                                : poll.eligibility.label)),
                    .unwrap(poll.meeting) { context.kiosk == nil ? .li(.text("Séance : "), .a(.href($0.url), .plain($0.title))) : .li(.plain("Séance : " + $0.title)) },
                    .unwrap(poll.proposal) { .li(.text("Proposition : "), .a(.href($0.url), .plain($0.title))) },
                    .unwrap(poll.closesAt) { .li(.plain("Clôture prévue le \(FrenchDates.dayAndTime($0))")) },
                    // Public, so that the council recognises its key holders.
                    .if(poll.custody == .sealed && !poll.holderNames.isEmpty,
                        .li(.plain("Urne scellée — détenteurs de clés : \(poll.holderNames.joined(separator: ", ")) "
                            + "(il en faut \(poll.keyThreshold) pour l'ouvrir)")))),
                .p(.class("nombre-bulletins"), .attribute(named: "role", value: "status"), .plain("\(people(model.ballots)).")),
                .unwrap(model.error) { message in
                    .div(.class("resume-erreurs"), .attribute(named: "role", value: "alert"), .id("erreurs"),
                         .h2("Votre vote n'est pas encore enregistré"), .p(.plain(message)))
                },
                ballotSection(model),
                resultsSection(model),
                management(model)
            )
        )
    }

    static func ballotSection(_ model: Model) -> Node<HTML.BodyContext> {
        let poll = model.poll
        guard poll.status == .open else {
            // Once closed too, a member reads here that their vote is in (the
            // page a voter is sent to when a vote's outcome could not be known).
            guard model.hasVoted else { return .empty }
            return .div(
                .class("message-succes"), .attribute(named: "role", value: "status"),
                .h2(.plain(model.secondAttempt ? "Vous avez déjà voté" : "Vous avez voté à ce scrutin")),
                .p(.text("Votre vote est enregistré, une seule fois."))
            )
        }
        guard let csrf = model.csrf else {
            return .p(.a(.href(.signIn, query: [("retour", url(poll).path)]), .text("Connectez-vous pour voter")))
        }
        if model.hasVoted, let paper = model.paperRegistration {
            let who = paper.roles.contains(.facilitator) ? "une animatrice ou un animateur"
                : paper.roles.contains(.admin) ? "une administratrice ou un administrateur" : "l'équipe du conseil"
            return .div(
                .class("message-succes"), .attribute(named: "role", value: "status"),
                .h2(.plain(model.secondAttempt ? "Vous avez déjà voté, sur papier" : "Vous avez voté sur papier")),
                .p(.plain("Vous avez été noté·e comme ayant voté sur papier pendant la séance, le "
                    + "\(FrenchDates.dayAndTime(paper.at)), par \(who). On ne peut voter qu'une fois.")),
                .p(.text("Si ce n'était pas vous, parlez-en à la personne qui anime le conseil ou à un administrateur du site : "),
                   .text("chaque inscription sur papier est écrite dans le journal des actions."))
            )
        }
        if model.hasVoted {
            return .div(
                .class("message-succes"), .attribute(named: "role", value: "status"),
                .h2(.plain(model.secondAttempt ? "Vous avez déjà voté" : "Vous avez voté")),
                .p(.text("Votre vote est bien enregistré, une seule fois. Merci ! "),
                   .text("Les résultats seront publiés au dépouillement, après la clôture du scrutin."))
            )
        }
        if let refusal = model.refusal {
            return .p(.class("aide-champ"), .plain(refusal))
        }
        return .section(
            .h2("Votre vote"),
            Forms.post(action: url(poll, .confirm), csrf: csrf, class: "formulaire bulletin",
                       ballotFields(poll, options: poll.options, typed: model.typed),
                       Forms.submit("Vérifier mon vote"),
                       .if(model.atKiosk, KioskPages.moreTimeButton(poll: poll.id)))
        )
    }

    /// The form that fits the kind of poll.
    /// Nothing is pre-selected: only the answers already given are shown again.
    static func ballotFields(_ poll: PollSummary, options: [String], typed: [String: String]) -> Node<HTML.BodyContext> {
        switch poll.kind {
        case .yesNo:
            return radios(legend: "Votre réponse", name: "choix",
                          choices: YesNoChoice.allCases.map { (BallotForm.value($0), $0.label) }, selected: typed["choix"])
        case .single:
            return radios(legend: "Votre choix (un seul)", name: "choix",
                          choices: options.enumerated().map { (BallotForm.value(option: $0.offset), $0.element) },
                          selected: typed["choix"])
        case .approval:
            // One « oui » / « non » question per option: the form sends one
            // value per option whatever is ticked, so its size tells nothing.
            return .group(
                .p(.class("aide-champ"), .plain((poll.maxChoices >= options.count
                    ? "Répondez « oui » ou « non » pour chaque choix : autant de « oui » que vous voulez."
                    : "Répondez « oui » ou « non » pour chaque choix : \(poll.maxChoices) « oui » au plus.")
                    + " Rien n'est coché d'avance.")),
                .forEach(Array(options.enumerated())) { index, label in
                    radios(legend: label, name: "choix-\(index)",
                           choices: [(BallotForm.yes, "Oui"), (BallotForm.no, "Non")],
                           selected: typed["choix-\(index)"], className: "appreciations")
                }
            )
        case .majorityJudgment:
            return .group(
                .p(.class("aide-champ"), .text("Donnez une appréciation à chaque choix, de « Excellent » à « À rejeter ». "),
                   .text("Rien n'est choisi d'avance : le vote demande une réponse pour chaque choix.")),
                .forEach(Array(options.enumerated())) { index, label in
                    radios(legend: label, name: "note-\(index)",
                           choices: Grade.allCases.reversed().map { (String($0.rawValue), $0.label) },
                           selected: typed["note-\(index)"], className: "appreciations")
                }
            )
        }
    }

    static func radios(legend: String, name: String, choices: [(String, String)], selected: String?,
                       className: String = "choix") -> Node<HTML.BodyContext> {
        .element(named: "fieldset", nodes: [
            .class(className),
            .element(named: "legend", nodes: [.plain(legend)]),
            .forEach(choices) { value, label in
                let id = Forms.fieldID("\(name)-\(value)")
                return .div(
                    .class("case-a-cocher"),
                    // Required, said by the browser to assistive technologies (the form is
                    // `novalidate`: the server explains what is missing).
                    Forms.input([("type", "radio"), ("id", id), ("name", name), ("value", value)]
                        + (selected == value ? [("checked", "checked")] : []) + [("required", "required")]),
                    .element(named: "label", nodes: [.attribute(named: "for", value: escapeAttribute(id)), .plain(label)])
                )
            },
        ])
    }

    static func confirmation(_ poll: PollSummary, content: BallotContent, options: [String], csrf: String, context: PageContext) -> HTML {
        let hidden = hiddenFields(content, optionCount: options.count)
        var context = context
        context.kioskButtonInPage = context.kiosk != nil
        return Layout.page(
            context,
            title: "Vérifiez votre vote — \(poll.question)",
            content: .group(
                .h1("Vérifiez votre vote"),
                .p(.plain(poll.question)),
                choiceInWords(content, options: options),
                .p(.text("Une fois confirmé, votre vote ne peut plus être changé. Il est chiffré avant d'être rangé dans l'urne, "),
                   .text("à part de la liste des votants.")),
                .div(
                    .class("boutons"),
                    Forms.post(action: url(poll, .vote), csrf: csrf, hidden, Forms.submit("Confirmer mon vote")),
                    Forms.post(action: url(poll, .change), csrf: csrf, hidden,
                               Forms.submit("Modifier mon choix", class: "bouton bouton-secondaire"),
                               .if(context.kiosk != nil, KioskPages.moreTimeButton(poll: poll.id)))
                )
            )
        )
    }

    /// The only parts of the confirmation page that depend on the choice:
    /// the choice in words, and the hidden fields (in each of its two forms).
    static func choiceInWords(_ content: BallotContent, options: [String]) -> Node<HTML.BodyContext> {
        .ul(.class("choix-confirmes"), .forEach(BallotForm.words(content, options: options)) { .li(.strong(.plain($0))) })
    }

    static func hiddenFields(_ content: BallotContent, optionCount: Int) -> Node<HTML.BodyContext> {
        .group(BallotForm.fields(content, optionCount: optionCount).map { Forms.input([("type", "hidden"), ("name", $0.0), ("value", $0.1)]) })
    }

    /// How many bytes of the confirmation page depend on the choice.
    static func choiceBytes(_ content: BallotContent, options: [String]) -> Int {
        choiceInWords(content, options: options).render().utf8.count + 2 * hiddenFields(content, optionCount: options.count).render().utf8.count
    }

    static func tracker(_ poll: PollSummary, tracker: String, context: PageContext) -> HTML {
        var context = context
        context.kioskButtonInPage = context.kiosk?.signedIn == true
        context.kioskShortCover = context.kiosk != nil && !context.kioskButtonInPage
        return Layout.page(
            context,
            title: "Votre vote est enregistré",
            content: .group(
                .h1("Votre vote est enregistré"),
                .p(.text("Merci ! Voici votre code de vérification. "), .strong(.text("Notez-le maintenant :")),
                   .text(" il ne sera plus jamais affiché.")),
                .p(.class("code-verification"), .plain(tracker)),
                .p(.text("À la clôture du scrutin, vous pourrez taper ce code sur la liste des bulletins pour vérifier "),
                   .text("que votre bulletin a bien été compté. Ne le donnez à personne.")),
                kioskAwareBack(context, to: url(poll), "Retour au vote"),
                .if(context.kioskButtonInPage, KioskPages.moreTimeForm(back: url(poll, .vote), code: tracker, csrf: context.csrfToken ?? ""))
            )
        )
    }

    // MARK: Creating

    struct FormModel {
        var csrf: String
        var minimumFloor: Int
        var territories: [NamedID]
        var agendaItems: [(String, String)]
        var proposals: [(String, String)]
        var form = PollFormFields()
        var errors = FormErrors()
    }

    static func form(_ model: FormModel, context: PageContext) -> HTML {
        let form = model.form
        return Layout.page(
            context,
            title: (model.errors.isEmpty ? "" : "Erreur — ") + "Préparer un vote",
            content: .group(
                .h1("Préparer un vote"),
                Forms.errorSummary(model.errors),
                Forms.post(
                    action: .newPoll, csrf: model.csrf, class: "formulaire",
                    Forms.field("question", label: "La question", value: form.question ?? "", error: model.errors["question"],
                                required: true, maxLength: PollLimits.question),
                    Forms.textArea("description", label: "Explication (facultative)", value: form.description ?? "",
                                   error: model.errors["description"], rows: 3),
                    Forms.select("type", label: "Façon de voter",
                                 options: [("", "Choisissez")] + PollKind.allCases.map { ($0.rawValue, $0.label) },
                                 selected: form.type ?? "", error: model.errors["type"], required: true),
                    Forms.textArea("choix", label: "Les choix, un par ligne", value: form.choix ?? "",
                                   help: "Inutile pour un vote pour, contre ou abstention.", error: model.errors["choix"], rows: 6),
                    Forms.field("maxChoix", label: "Nombre de choix au plus (plusieurs choix possibles)", value: form.maxChoix ?? "",
                                kind: .number, help: "Laissez vide : autant que l'on veut.", error: model.errors["maxChoix"]),
                    Forms.select("eligibilite", label: "Qui vote ?",
                                 options: PollEligibility.allCases.map { ($0.rawValue, $0.label) }, selected: form.eligibilite ?? "all"),
                    Forms.select("territoire", label: "Territoire (si le vote est réservé à un territoire)",
                                 options: [("", "—")] + model.territories.map { ($0.id.uuidString, $0.name) },
                                 selected: form.territoire ?? "", error: model.errors["territoire"]),
                    Forms.select("point", label: "Point de l'ordre du jour (facultatif)",
                                 options: [("", "Aucun")] + model.agendaItems, selected: form.point ?? "",
                                 help: "Obligatoire pour un vote des présents et pour le vote sur papier.", error: model.errors["point"]),
                    Forms.select("proposition", label: "Proposition concernée (facultative)",
                                 options: [("", "Aucune")] + model.proposals, selected: form.proposition ?? ""),
                    Forms.field("minimum", label: "Nombre minimum de bulletins pour publier les résultats",
                                value: form.minimum ?? String(model.minimumFloor), kind: .number,
                                help: "En dessous, on risquerait de reconnaître qui a voté quoi. Au moins \(model.minimumFloor) "
                                    + "(règle du site) ; vous pouvez demander plus.", error: model.errors["minimum"]),
                    Forms.select("canal", label: "Comment vote-t-on ?",
                                 options: [PollChannel.online, .paper].map { ($0.rawValue, $0.label) },
                                 selected: form.canal ?? PollChannel.online.rawValue,
                                 help: "Un vote de séance se fait soit sur papier, soit en ligne, jamais les deux : la personne qui "
                                    + "saisit les bulletins papier les voit, et pourrait sinon deviner un vote en ligne par soustraction. "
                                    + "Le vote sur papier demande un point de l'ordre du jour.", error: model.errors["canal"]),
                    Forms.select("urne", label: "L'urne", options: BallotCustody.allCases.map { ($0.rawValue, $0.label) },
                                 selected: form.urne ?? BallotCustody.standard.rawValue,
                                 help: "Urne ordinaire : protégée contre une copie de la base de données ; le serveur la dépouille à la clôture. "
                                    + "Urne scellée, pour les votes les plus importants : personne, pas même la personne qui fait "
                                    + "fonctionner le serveur, ni vous, ne peut l'ouvrir avant que plusieurs détenteurs de clés, "
                                    + "dont au moins un membre du conseil sans rôle, donnent chacun leur part."),
                    Forms.textArea("detenteurs", label: "Urne scellée : les détenteurs de clés, un pseudonyme par ligne",
                                   value: form.detenteurs ?? "", help: "De 2 à 9 comptes du site. Chacun reçoit un avis, ouvre "
                                    + "sa part seul en se connectant, une seule fois, et l'imprime : personne d'autre ne la voit, "
                                    + "ni vous, ni l'administration. Moins de détenteurs que le seuil peuvent avoir un rôle "
                                    + "d'animation, d'agent ou d'administration. Le vote ne s'ouvre qu'une fois toutes les parts ouvertes.",
                                   error: model.errors["detenteurs"], rows: 3),
                    Forms.field("seuil", label: "Urne scellée : combien de détenteurs pour ouvrir l'urne", value: form.seuil ?? "2",
                                kind: .number, help: "Attention : si plus de parts sont perdues que le nombre de détenteurs "
                                    + "moins ce chiffre, le vote ne pourra jamais être dépouillé.", error: model.errors["seuil"]),
                    Forms.field("ouvertureJour", label: "Ouverture automatique : date (facultative)", value: form.ouvertureJour ?? "",
                                kind: .date, error: model.errors["ouvertureJour"]),
                    Forms.field("ouvertureHeure", label: "Ouverture automatique : heure", value: form.ouvertureHeure ?? "", kind: .time),
                    Forms.field("clotureJour", label: "Clôture automatique : date (facultative)", value: form.clotureJour ?? "",
                                kind: .date, error: model.errors["clotureJour"]),
                    Forms.field("clotureHeure", label: "Clôture automatique : heure", value: form.clotureHeure ?? "", kind: .time),
                    Forms.submit("Préparer le vote")
                )
            )
        )
    }
}
