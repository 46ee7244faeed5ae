import Foundation
import Plot

/// Attendance, minutes and the projector.
extension MeetingPages {
    // MARK: Attendance

    struct AttendanceModel {
        var meeting: MeetingSummary
        /// The members listed (all, or those the search found).
        var members: [NamedID]
        var present: Set<UUID>
        var search: String
        var csrf: String
        var othersError: String?
        var typedOthers: String?
        /// The session has ended: attendance is a record, only an administrator corrects it, with a reason.
        var frozen = false
        var canCorrect = false
        var reasonError: String?
        var typedReason = ""
        /// The ticks sent, kept when the form comes back with an error.
        var typedPresent: Set<UUID>?
    }

    /// The printable attendance sheet: who was marked present, to be read
    /// out or pinned up in the room, so that a name nobody saw is noticed.
    static func attendanceSheet(_ meeting: MeetingSummary, present: [String], context: PageContext) -> HTML {
        Layout.page(
            context,
            title: "Feuille de présence — \(meeting.title)",
            content: .group(
                .p(.class("ne-pas-imprimer"), .a(.href(url(meeting, .attendance)), .text("Retour à l'émargement"))),
                .h1(.plain("Feuille de présence — \(meeting.title)")),
                .p(.plain(when(meeting))),
                .p(.plain("À lire à voix haute ou à afficher dans la salle. Si votre nom est sur cette liste alors que vous "
                    + "n'étiez pas là, ou s'il manque, dites-le à la modération ou à l'administration du site.")),
                present.isEmpty ? .p("Personne n'est noté présent pour l'instant.")
                    : .ol(.class("feuille-presence"), .forEach(present) { .li(.plain($0)) }),
                .p(.plain("\(present.count) membre\(present.count > 1 ? "s" : "") noté\(present.count > 1 ? "s" : "") "
                    + "présent\(present.count > 1 ? "s" : ""), et \(meeting.otherAttendees) autre\(meeting.otherAttendees > 1 ? "s" : "") "
                    + "personne\(meeting.otherAttendees > 1 ? "s" : "")."))
            )
        )
    }

    static func attendance(_ model: AttendanceModel, context: PageContext) -> HTML {
        let meeting = model.meeting
        return Layout.page(
            context,
            title: (model.othersError == nil ? "" : "Erreur — ") + "Émargement — \(meeting.title)",
            content: .group(
                .p(.a(.href(url(meeting)), .plain("Retour à la séance « \(meeting.title) »"))),
                .h1("Émargement"),
                .p(.plain("\(meeting.title) — \(when(meeting)). Cochez les membres présents. "
                    + "Ces noms ne sont visibles que par l'équipe d'animation et les administrateurs. Chaque membre noté présent "
                    + "en est averti dans ses notifications, et chaque changement est écrit dans le journal des actions.")),
                .p(.a(.href(url(meeting, .attendanceSheet)), .text("Feuille de présence à imprimer ou à lire dans la salle"))),
                .if(model.frozen, .div(.class("resume-erreurs"), .attribute(named: "role", value: "status"),
                    .p(.plain(model.canCorrect
                        ? "La séance est terminée : l'émargement est un registre. Vous pouvez le corriger en tant qu'administratrice "
                            + "ou administrateur, en donnant la raison ; la correction est écrite dans le journal."
                        : "La séance est terminée : l'émargement ne peut plus être changé. En cas d'erreur, "
                            + "une administratrice ou un administrateur peut le corriger, en donnant la raison.")))),
                Forms.get(action: url(meeting, .attendance), class: "filtres",
                          Forms.field("q", label: "Chercher un membre", value: model.search, kind: .search, maxLength: AccountLimits.typedPseudonym),
                          Forms.submit("Chercher")),
                Forms.errorSummary(FormErrors("autres", model.othersError)),
                Forms.errorSummary(FormErrors("raison", model.reasonError)),
                .if(!model.frozen || model.canCorrect, Forms.post(
                    action: url(meeting, .attendance), csrf: model.csrf, class: "formulaire",
                    .element(named: "fieldset", nodes: [
                        .element(named: "legend", nodes: [.plain(model.members.isEmpty ? "Aucun membre trouvé" : "Membres présents")]),
                        .forEach(model.members) { member in
                            .group(
                                .input(.type(.hidden), .name("affiches[]"), .value(escapeAttribute(member.id.uuidString))),
                                Forms.checkbox("presents[]", label: member.name,
                                               checked: (model.typedPresent ?? model.present).contains(member.id),
                                               value: member.id.uuidString, idSuffix: member.id.uuidString)
                            )
                        },
                    ]),
                    Forms.field("autres", label: "Autres personnes présentes", value: model.typedOthers ?? String(meeting.otherAttendees),
                                kind: .number, help: "Invités, agents du Département… Un nombre, sans les noms.",
                                error: model.othersError, extraAttributes: [("min", "0"), ("inputmode", "numeric")]),
                    .if(model.frozen, Forms.textArea("raison", label: "Raison de la correction", value: model.typedReason,
                                                     help: "Obligatoire : elle est écrite dans le journal des actions.",
                                                     error: model.reasonError, required: true, maxLength: MeetingLimits.attendanceReason, rows: 2)),
                    Forms.submit(model.frozen ? "Corriger l'émargement" : "Enregistrer les présences")
                )),
                .p(.plain("\(model.present.count) membre\(model.present.count > 1 ? "s" : "") noté\(model.present.count > 1 ? "s" : "") présent\(model.present.count > 1 ? "s" : "")."))
            )
        )
    }

    // MARK: Minutes

    /// - Parameter screened: personal data was found; the facilitator sees it, and the next save goes through.
    static func minutesForm(_ meeting: MeetingSummary, text: String, csrf: String, error: String?, screened: Bool = false,
                            context: PageContext) -> HTML {
        Layout.page(
            context,
            title: (error == nil ? "" : "Erreur — ") + "Compte rendu — \(meeting.title)",
            content: .group(
                .p(.a(.href(url(meeting)), .plain("Retour à la séance « \(meeting.title) »"))),
                .h1("Compte rendu"),
                .p(.plain(meeting.minutesPublishedAt == nil
                    ? "Tant qu'il n'est pas publié, seule l'équipe d'animation le voit."
                    : "Ce compte rendu est publié : vos changements seront visibles tout de suite.")),
                Forms.errorSummary(FormErrors("texte", error)),
                .if(screened, Screening.warning([("Compte rendu", TextInput.clean(text, multiline: true))], reviewed: false)),
                Forms.post(
                    action: url(meeting, .minutes), csrf: csrf, class: "formulaire",
                    .if(screened, Forms.input([("type", "hidden"), ("name", "verifie"),
                                               ("value", Screening.seen(TextInput.clean(text, multiline: true)))])),
                    Forms.textArea("texte", label: "Ce qui a été dit et décidé", value: text,
                                   help: "Laissez une ligne vide entre deux paragraphes. Commencez une ligne par « - » pour une liste. "
                                       + "Pas de nom de famille ni d'information personnelle.",
                                   error: error, required: true, maxLength: MeetingLimits.minutes, rows: 18),
                    .div(.class("boutons"),
                         .button(.type(.submit), .name("action"), .value("brouillon"), .class("bouton bouton-secondaire"),
                                 .text("Enregistrer le brouillon")),
                         .if(meeting.status == .closed,
                             .button(.type(.submit), .name("action"), .value("publier"), .class("bouton"),
                                     .text(meeting.minutesPublishedAt == nil ? "Publier et prévenir les membres" : "Enregistrer"))))
                )
            )
        )
    }

    static func printableMinutes(_ meeting: MeetingSummary, minutes: String, counts: MeetingCounts, context: PageContext) -> HTML {
        Layout.page(
            context,
            title: "Compte rendu — \(meeting.title)",
            content: .article(
                .class("compte-rendu-imprimable"),
                .h1(.plain("Compte rendu : \(meeting.title)")),
                .p(.plain("\(when(meeting)) — \(meeting.place)")),
                .p(.plain("\(counts.present) personnes présentes, dont \(counts.presentMembers) membres du conseil.")),
                .div(richText(minutes))
            )
        )
    }

    // MARK: Projection

    /// For the room's projector: large print, no navigation. The response
    /// carries `Refresh: 10` (an HTTP header, not a meta tag or a script).
    struct ProjectedPoll {
        var poll: PollSummary
        var ballots: Int
        var present: Int
        var results: PollResults?
    }

    static func projection(_ meeting: MeetingSummary, items: [AgendaItemSummary], poll: ProjectedPoll? = nil, siteName: String) -> HTML {
        let current = items.firstIndex { $0.id == meeting.currentItemID }
        return HTML(
            .lang(.french),
            .head(
                .meta(.charset(.utf8)),
                .meta(.name("viewport"), .content("width=device-width, initial-scale=1")),
                .element(named: "title", nodes: [.plain("Projection — \(meeting.title) — \(siteName)")]),
                .link(.rel(.stylesheet), .href(Layout.stylesheet)),
                .link(.rel(.stylesheet), .href(Layout.projectionStylesheet))
            ),
            .body(
                .class("projection"),
                .main(
                    .p(.class("projection-seance"), .plain(meeting.title)),
                    .unwrap(current) { index in
                        .group(
                            .p(.class("projection-etape"), .plain("Point \(index + 1) sur \(items.count)")),
                            .h1(.plain(items[index].title))
                        )
                    },
                    .if(current == nil, .h1(.plain(meeting.status == .inProgress ? "La séance est ouverte"
                        : meeting.status == .closed ? "La séance est terminée. Merci !" : "La séance va bientôt commencer"))),
                    .unwrap(poll) { projected in
                        .section(
                            .class("projection-vote"),
                            .h2(.plain(projected.poll.status == .open ? "Vote en cours : \(projected.poll.question)"
                                        : "Résultat du vote : \(projected.poll.question)")),
                            .p(.class("projection-compte"),
                               .plain("\(projected.ballots) bulletin\(projected.ballots > 1 ? "s" : "") sur \(projected.present) personnes présentes")),
                            .unwrap(projected.results) { PollPages.resultsBody($0) },
                            .if(projected.poll.awaitsKeyHolders,
                                .p(.text("Vote clos, en attente des détenteurs de clés pour le dépouillement."))),
                            .if(projected.poll.counted && projected.results == nil,
                                .p(.text("Trop peu de votants pour publier le résultat.")))
                        )
                    },
                    .if(!items.isEmpty, .ol(.class("projection-points"), .forEach(Array(items.enumerated())) { index, item in
                        .li(.class(index == current ? "courant" : ""), .plain(item.title))
                    }))
                )
            )
        )
    }
}
