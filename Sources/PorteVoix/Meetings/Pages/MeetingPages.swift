import Foundation
import Plot

enum MeetingPages {
    static func url(_ meeting: MeetingSummary, _ page: SiteURL.MeetingPage = .show) -> SiteURL { meeting.url(page) }

    static func url(_ meeting: MeetingSummary, item: AgendaItemSummary, _ page: SiteURL.AgendaItemPage) -> SiteURL {
        .agendaItem(meeting.id, item.id, page)
    }

    static func badge(_ status: MeetingStatus) -> Node<HTML.BodyContext> {
        .span(.class("badge badge-seance-\(status.slug)"), .plain(status.label))
    }

    static func when(_ meeting: MeetingSummary) -> String {
        let sameDay = FrenchDates.day(meeting.startsAt) == FrenchDates.day(meeting.endsAt)
        return sameDay
            ? "\(FrenchDates.dayAndTime(meeting.startsAt)) à \(FrenchDates.time(meeting.endsAt))"
                .replacingOccurrences(of: " à \(FrenchDates.time(meeting.startsAt)) à ", with: " de \(FrenchDates.time(meeting.startsAt)) à ")
            : "du \(FrenchDates.dayAndTime(meeting.startsAt)) au \(FrenchDates.dayAndTime(meeting.endsAt))"
    }

    static func card(_ meeting: MeetingSummary) -> Node<HTML.BodyContext> {
        .article(
            .class("carte-seance"),
            .h3(.a(.href(url(meeting)), .plain(meeting.title))),
            .p(badge(meeting.status)),
            .ul(.class("meta"),
                .li(.plain(when(meeting))),
                .li(.plain(meeting.place)),
                .li(.plain(meeting.territoryName ?? "Tout le département")))
        )
    }

    // MARK: List

    static func list(upcoming: [MeetingSummary], past: [MeetingSummary], pastPage: Int = 1, pastPageCount: Int = 1,
                     territories: [NamedID], selectedTerritory: String,
                     canPlan: Bool, context: PageContext) -> HTML {
        Layout.page(
            context,
            title: "Les séances du conseil",
            description: "Les prochaines séances du conseil consultatif du RSA, leur ordre du jour et leurs comptes rendus.",
            content: .group(
                .h1("Les séances du conseil"),
                .p(.text("Le conseil se réunit plusieurs fois par an, dans chaque territoire et en séance plénière. "),
                   .text("Tout le monde peut lire l'ordre du jour et le compte rendu.")),
                .p(.class("actions"),
                   .a(.class("bouton bouton-secondaire"), .href(.calendar), .text("Ajouter toutes les séances à mon agenda")),
                   .if(canPlan, .a(.class("bouton"), .href(.newMeeting), .text("Prévoir une séance")))),
                Forms.get(
                    action: .meetings, class: "filtres",
                    Forms.select("territoire", label: "Territoire",
                                 options: [("", "Tous les territoires"), ("departement", "Séances plénières (tout le département)")]
                                    + territories.map { ($0.id.uuidString, $0.name) },
                                 selected: selectedTerritory),
                    Forms.submit("Afficher")
                ),
                .h2("Prochaines séances"),
                upcoming.isEmpty ? .p(.text("Aucune séance n'est prévue pour l'instant."))
                    : .div(.forEach(upcoming) { card($0) }),
                .h2("Séances passées"),
                past.isEmpty ? .p(.text("Aucune séance passée.")) : .div(.forEach(past) { card($0) }),
                Pagination.links(path: .meetings, query: [("territoire", selectedTerritory)], page: pastPage, pageCount: pastPageCount)
            )
        )
    }

    // MARK: One session

    static func show(_ model: MeetingShowModel, context: PageContext) -> HTML {
        let meeting = model.meeting
        let hasErrors = !model.itemErrors.isEmpty || model.cancelError != nil
        return Layout.page(
            context,
            title: (hasErrors ? "Erreur — " : "") + meeting.title,
            description: "Séance du conseil : \(when(meeting)), \(meeting.place).",
            content: .group(
                .p(.a(.href(.meetings), .text("Toutes les séances"))),
                .h1(.plain(meeting.title)),
                ListenControl.node(.listen(.meeting(.value(meeting.id))), context: context, what: "la séance et son ordre du jour"),
                .p(badge(meeting.status)),
                .unwrap(meeting.cancelReason) { reason in
                    .div(.class("resume-erreurs"), .h2("Cette séance est annulée"), .p(.plain(reason)))
                },
                .dl(
                    .class("fiche"),
                    .dt("Quand"), .dd(.plain(when(meeting))),
                    .dt("Où"), .dd(.plain(meeting.place),
                                   .unwrap(meeting.onlineLink) { .group(.text(" — "), .a(.href(escapeAttribute($0)), .text("rejoindre en ligne"))) }),
                    .dt("Pour qui"), .dd(.plain(meeting.territoryName.map { "Les membres du territoire « \($0) »" } ?? "Tout le département")),
                    .if(!meeting.accessibility.isEmpty, .group(.dt("Accessibilité"), .dd(.plain(meeting.accessibility))))
                ),
                .if(!meeting.details.isEmpty, .div(richText(meeting.details))),
                .p(.a(.class("bouton bouton-secondaire"), .href(url(meeting, .calendarFile)),
                      .text("Ajouter à mon agenda"))),
                coming(model),
                presence(model),
                agenda(model),
                minutes(model),
                management(model)
            )
        )
    }

    static func coming(_ model: MeetingShowModel) -> Node<HTML.BodyContext> {
        let meeting = model.meeting
        guard meeting.status == .planned, meeting.startsAt > model.now else { return .empty }
        let counts = model.counts
        return .section(
            .id("reponse"),
            .h2("Viendrez-vous ?"),
            .p(.plain("\(people(counts.coming)) \(counts.coming > 1 ? "ont dit qu'elles viendront" : "a dit qu'elle viendrait")."),
               .if(counts.notComing > 0, .plain(" \(people(counts.notComing)) ne \(counts.notComing > 1 ? "pourront" : "pourra") pas venir."))),
            .if(model.canManage && !(model.comingNames.isEmpty && model.notComingNames.isEmpty), .element(named: "details", nodes: [
                .element(named: "summary", nodes: [.text("Voir qui a répondu (visible par l'équipe d'animation seulement)")]),
                .p(.strong("Viendront : "), .plain(model.comingNames.isEmpty ? "personne pour l'instant" : model.comingNames.joined(separator: ", "))),
                .p(.strong("Ne pourront pas venir : "), .plain(model.notComingNames.isEmpty ? "personne" : model.notComingNames.joined(separator: ", "))),
            ])),
            !model.isSignedIn
                ? .p(.a(.href(.signIn, query: [("retour", url(meeting).path)]), .text("Connectez-vous pour répondre")))
                : .group(
                    .unwrap(model.viewerComing) { coming in
                        .p(.strong(.plain(coming ? "Vous avez dit que vous viendrez." : "Vous avez dit que vous ne pourrez pas venir.")),
                           .text(" Vous pouvez changer d'avis jusqu'au début de la séance."))
                    },
                    .div(
                        .class("boutons"),
                        Forms.post(action: url(meeting, .reply), csrf: model.csrf ?? "",
                                   .input(.type(.hidden), .name("reponse"), .value("oui")),
                                   Forms.submit("Je viendrai", class: model.viewerComing == true ? "bouton" : "bouton bouton-secondaire")),
                        Forms.post(action: url(meeting, .reply), csrf: model.csrf ?? "",
                                   .input(.type(.hidden), .name("reponse"), .value("non")),
                                   Forms.submit("Je ne pourrai pas venir",
                                                class: model.viewerComing == false ? "bouton" : "bouton bouton-secondaire"))
                    )
                )
        )
    }

    static func people(_ count: Int) -> String {
        count == 0 ? "Personne" : count == 1 ? "1 personne" : "\(count) personnes"
    }

    static func presence(_ model: MeetingShowModel) -> Node<HTML.BodyContext> {
        let meeting = model.meeting
        guard meeting.status == .inProgress || meeting.status == .closed else { return .empty }
        let counts = model.counts
        return .section(
            .h2("Présences"),
            .p(.plain("\(people(counts.present)) \(counts.present > 1 ? "étaient présentes" : "était présente") : "
                + "\(counts.presentMembers) membre\(counts.presentMembers > 1 ? "s" : "") du conseil et "
                + "\(counts.others) autre\(counts.others > 1 ? "s" : "") (invités, agents).")),
            .if(model.viewerWasPresent, .p(.strong("Vous étiez présent·e."))),
            .if(model.canManage, .p(.a(.href(url(meeting, .attendance)), .text("Noter les présences (émargement)"))))
        )
    }

    static func agenda(_ model: MeetingShowModel) -> Node<HTML.BodyContext> {
        let meeting = model.meeting
        let editable = model.canManage && meeting.isOpenForChanges
        return .section(
            .id("ordre-du-jour"),
            .h2("Ordre du jour"),
            .if(meeting.status == .inProgress, .p(.a(.href(url(meeting, .projection)),
                                                      .text("Ouvrir la page pour le projecteur")))),
            Forms.errorSummary(model.itemErrors),
            model.items.isEmpty ? .p(.text("L'ordre du jour n'est pas encore prêt.")) : .ol(
                .class("ordre-du-jour"),
                .forEach(Array(model.items.enumerated())) { index, entry in
                    agendaItem(entry, index: index, count: model.items.count, model: model, editable: editable)
                }
            ),
            // One form for every item: the proposals are listed once, whatever the number of items.
            .if(editable && !model.items.isEmpty && !model.linkableProposals.isEmpty, Forms.post(
                action: url(meeting, .linkProposal), csrf: model.csrf ?? "", class: "formulaire lier-proposition",
                .h3("Lier une proposition à un point"),
                Forms.errorSummary(model.itemErrors, scope: "lien"),
                Forms.select("point", label: "Le point", options: model.items.map { ($0.item.id.uuidString, $0.item.title) },
                             selected: model.typedLink.item, error: model.itemErrors["point"], scope: "lien"),
                Forms.select("proposition", label: "La proposition",
                             options: [("", "Choisissez une proposition")] + model.linkableProposals.map { ($0.id.uuidString, $0.name) },
                             selected: model.typedLink.proposal, error: model.itemErrors["proposition"], scope: "lien"),
                Forms.submit("Lier", class: "bouton bouton-secondaire")
            )),
            .if(editable, Forms.post(
                action: url(meeting, .agenda), csrf: model.csrf ?? "", class: "formulaire ajout-point",
                .h3("Ajouter un point"),
                Forms.field("titre", label: "Titre du point", value: model.typedItem.0, error: model.itemErrors["nouveau-point"],
                            required: true, maxLength: MeetingLimits.itemTitle, scope: "nouveau-point"),
                Forms.textArea("description", label: "Description", value: model.typedItem.1, rows: 3, scope: "nouveau-point"),
                Forms.submit("Ajouter ce point")
            ))
        )
    }

    static func agendaItem(_ entry: MeetingShowModel.Item, index: Int, count: Int, model: MeetingShowModel, editable: Bool)
        -> Node<HTML.ListContext> {
        let meeting = model.meeting
        let item = entry.item
        let itemID = item.id.uuidString
        let isCurrent = meeting.status == .inProgress && meeting.currentItemID == item.id
        return .li(
            .id(escapeAttribute("point-\(itemID)")),
            .class(isCurrent ? "point point-courant" : "point"),
            .h3(.plain(item.title), .if(isCurrent, .span(.class("badge"), .text(" En cours")))),
            .if(!item.details.isEmpty, .div(richText(item.details))),
            .if(!entry.proposals.isEmpty, .ul(.class("propositions-liees"), .forEach(entry.proposals) { proposal in
                .li(.text("Proposition : "), .a(.href(proposal.url()), .plain(proposal.title)))
            })),
            .if(model.canManage && meeting.status == .inProgress && !isCurrent, Forms.post(
                action: url(meeting, item: item, .current), csrf: model.csrf ?? "",
                Forms.submit("Passer à ce point", class: "bouton")
            )),
            .if(editable, .div(
                .class("outils-point"),
                .if(index > 0, Forms.post(action: url(meeting, item: item, .move), csrf: model.csrf ?? "",
                                          .input(.type(.hidden), .name("sens"), .value("monter")),
                                          .button(.type(.submit), .class("bouton bouton-secondaire"),
                                                  .plain("Monter"), .span(.class("visuellement-cache"), .plain(" le point « \(item.title) »"))))),
                .if(index < count - 1, Forms.post(action: url(meeting, item: item, .move), csrf: model.csrf ?? "",
                                                  .input(.type(.hidden), .name("sens"), .value("descendre")),
                                                  .button(.type(.submit), .class("bouton bouton-secondaire"),
                                                          .plain("Descendre"), .span(.class("visuellement-cache"), .plain(" le point « \(item.title) »"))))),
                .element(named: "details", nodes: [
                    .element(named: "summary", nodes: [.plain("Modifier ou retirer « \(item.title) »")]),
                    Forms.post(action: url(meeting, item: item, .edit), csrf: model.csrf ?? "", class: "formulaire",
                               Forms.field("titre", label: "Titre du point", value: item.title,
                                           error: model.itemErrors["point-\(itemID)"], required: true, maxLength: MeetingLimits.itemTitle, scope: "i\(itemID)"),
                               Forms.textArea("description", label: "Description", value: item.details, rows: 3, scope: "i\(itemID)"),
                               Forms.submit("Enregistrer le point", class: "bouton bouton-secondaire")),
                    Forms.post(action: url(meeting, item: item, .delete), csrf: model.csrf ?? "",
                               Forms.submit("Retirer ce point", class: "bouton bouton-danger")),
                ])
            ))
        )
    }

    static func minutes(_ model: MeetingShowModel) -> Node<HTML.BodyContext> {
        let meeting = model.meeting
        guard meeting.minutesPublishedAt != nil, let minutes = meeting.minutes else {
            if meeting.status == .closed {
                return .section(.id("compte-rendu"), .h2("Compte rendu"),
                                .p(.text("Le compte rendu sera publié ici prochainement.")),
                                .p(.a(.href(url(meeting, .report)), .text("Rapport de séance à imprimer"))))
            }
            return .empty
        }
        return .section(
            .id("compte-rendu"),
            .h2("Compte rendu"),
            .div(.class("texte-compte-rendu"), richText(minutes)),
            .p(.a(.href(url(meeting, .printableMinutes)), .text("Version à imprimer")), .text(" · "),
               .a(.href(url(meeting, .report)), .text("Rapport de séance à imprimer (votes et graphiques)")))
        )
    }

    static func management(_ model: MeetingShowModel) -> Node<HTML.BodyContext> {
        let meeting = model.meeting
        guard model.canManage, let csrf = model.csrf else { return .empty }
        return .section(
            .class("panneau-actions"),
            .h2("Animer la séance"),
            .if(meeting.isOpenForChanges, .p(.a(.href(url(meeting, .edit)), .text("Modifier la date, le lieu ou la description")))),
            .if(meeting.status == .planned, .group(
                Forms.post(action: url(meeting, .status), csrf: csrf,
                           .input(.type(.hidden), .name("action"), .value("ouvrir")),
                           Forms.submit("Ouvrir la séance")),
                Forms.post(action: url(meeting, .status), csrf: csrf, class: "formulaire",
                           .input(.type(.hidden), .name("action"), .value("annuler")),
                           Forms.errorSummary(FormErrors("motif", model.cancelError),
                                              scope: "annulation"),
                           Forms.textArea("motif", label: "Raison de l'annulation, que les membres liront", error: model.cancelError,
                                          required: true, rows: 2, scope: "annulation"),
                           Forms.submit("Annuler la séance", class: "bouton bouton-danger"))
            )),
            .if(meeting.status == .inProgress, Forms.post(
                action: url(meeting, .status), csrf: csrf,
                .input(.type(.hidden), .name("action"), .value("clore")),
                Forms.submit("Clore la séance")
            )),
            .if(meeting.status == .inProgress || meeting.status == .closed,
                .p(.a(.href(url(meeting, .minutes)),
                      .plain(meeting.minutesPublishedAt == nil ? "Écrire le compte rendu" : "Modifier le compte rendu")))),
            kioskPanel(model, csrf: csrf)
        )
    }

    // MARK: Planning form

    struct FormModel {
        var editing: UUID?
        var csrf: String
        var territories: [NamedID]
        var title = ""
        var day = ""
        var start = "14:00"
        var end = "16:30"
        var place = ""
        var link = ""
        var territory = ""
        var details = ""
        var accessibility = ""
        var errors = FormErrors()
    }

    static func form(_ model: FormModel, context: PageContext) -> HTML {
        let heading = model.editing == nil ? "Prévoir une séance" : "Modifier la séance"
        let action: SiteURL = model.editing.map { .meeting($0, .edit) } ?? .newMeeting
        return Layout.page(
            context,
            title: (model.errors.isEmpty ? "" : "Erreur — ") + heading,
            content: .group(
                .h1(.plain(heading)),
                Forms.errorSummary(model.errors),
                Forms.post(
                    action: action, csrf: model.csrf, class: "formulaire",
                    Forms.field("titre", label: "Titre", value: model.title, help: "Par exemple : Séance du territoire Nord.",
                                error: model.errors["titre"], required: true, maxLength: Meeting.maximumTitleLength),
                    Forms.field("jour", label: "Date", value: model.day, kind: .date,
                                help: "Par exemple 12/03/2027. Heure de Paris.", error: model.errors["jour"], required: true),
                    Forms.field("debut", label: "Heure de début", value: model.start, kind: .time,
                                help: "Par exemple 14:00.", error: model.errors["debut"], required: true),
                    Forms.field("fin", label: "Heure de fin", value: model.end, kind: .time,
                                help: "Par exemple 16:30.", error: model.errors["fin"], required: true),
                    Forms.field("lieu", label: "Lieu", value: model.place,
                                help: "L'adresse complète, ou « En ligne ».", error: model.errors["lieu"], required: true, maxLength: MeetingLimits.place),
                    Forms.field("lien", label: "Lien pour une séance en ligne", value: model.link, kind: .url,
                                help: "Facultatif. Commence par https://", error: model.errors["lien"], maxLength: MeetingLimits.link),
                    Forms.select("territoire", label: "Territoire",
                                 options: [("", "Tout le département (séance plénière)")] + model.territories.map { ($0.id.uuidString, $0.name) },
                                 selected: model.territory, error: model.errors["territoire"]),
                    Forms.textArea("description", label: "Description", value: model.details,
                                   help: "En quelques phrases : de quoi parlera-t-on ?", error: model.errors["description"], rows: 4),
                    Forms.textArea("accessibilite", label: "Accessibilité", value: model.accessibility,
                                   help: "Accès en fauteuil, boucle magnétique, remboursement des trajets, garde d'enfants…",
                                   error: model.errors["accessibilite"], rows: 3),
                    Forms.submit(model.editing == nil ? "Créer la séance" : "Enregistrer la séance")
                )
            )
        )
    }
}
