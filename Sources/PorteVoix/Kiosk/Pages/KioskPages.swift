import Foundation
import Plot

/// What a kiosk page shows around its content (`Layout`).
public struct KioskChrome: Sendable {
    var meetingTitle: String
    /// The member signed in at the kiosk, if any: then the time limit and « J'ai fini ».
    var signedIn: Bool
    /// The path to come back to after « Encore du temps ».
    var path: String
}

/// The kiosk's pages: large, simple, one thing at a time.
enum KioskPages {
    struct PollEntry: Sendable {
        var id: UUID
        var question: String
        var hasVoted: Bool
    }

    /// The signed-in member's polls of the session.
    static func menu(_ polls: [PollEntry], context: PageContext) -> HTML {
        let waiting = polls.filter { !$0.hasVoted }
        return Layout.page(
            context,
            title: "Vos votes",
            content: .group(
                .h1("Vos votes"),
                polls.isEmpty
                    ? .p(.text("Aucun vote n'est ouvert pour le moment. L'équipe d'animation dira quand voter."))
                    : .ul(.class("borne-votes"), .forEach(polls) { poll in
                        .li(poll.hasVoted
                            ? .p(.plain(poll.question), .br(), .strong("Vous avez voté."))
                            : .a(.class("bouton"), .href(.poll(poll.id)), .plain("Voter : " + poll.question)))
                    }),
                .if(!polls.isEmpty && waiting.isEmpty, .p(.strong("Vous avez voté partout. Merci ! Appuyez sur « J'ai fini ».")))
            )
        )
    }

    /// A device that is not (or no longer) a kiosk.
    static func notAKiosk(context: PageContext) -> HTML {
        Layout.page(
            context,
            title: "Borne de vote",
            content: .group(
                .h1("Borne de vote"),
                .p(.text("Cet appareil n'est pas une borne de vote. Pendant une séance, l'animatrice ou l'animateur "),
                   .text("ouvre la borne depuis la page de la séance, sur l'ordinateur ou la tablette de la salle.")),
                .p(.a(.href(.content(.help), fragment: "borne"), .text("Comment fonctionne la borne de vote")))
            )
        )
    }

    static func closed(context: PageContext) -> HTML {
        var context = context
        context.member = nil
        return Layout.page(
            context,
            title: "La borne de vote est fermée",
            content: .group(
                .h1("La borne de vote est fermée"),
                .p(.text("La séance est terminée, ou l'équipe d'animation a fermé la borne. Les votes faits ici sont comptés.")),
                .p(.text("Cet appareil est redevenu un navigateur ordinaire. Fermez la fenêtre de navigation privée."))
            )
        )
    }

    // MARK: Around every kiosk page

    static func header(_ context: PageContext, _ kiosk: KioskChrome) -> Node<HTML.BodyContext> {
        .header(
            .class("entete borne-entete"),
            .div(
                .class("entete-contenu"),
                .p(.class("marque-nom"), .text("Borne de vote")),
                .p(.plain("Séance : " + kiosk.meetingTitle)),
                .if(kiosk.signedIn, .group(
                    .p(.plain("Vous êtes connecté·e : \(context.member?.pseudonym ?? "")")),
                    Forms.post(action: .kiosk(.done), csrf: context.csrfToken ?? "", class: "borne-fin-form",
                               Forms.submit("J'ai fini", class: "bouton"))
                )),
                .if(!kiosk.signedIn && context.path != SiteURL.kiosk(.welcome).path,
                    .p(.a(.class("bouton"), .href(.kiosk(.welcome)), .text("Revenir à l'accueil de la borne"))))
            )
        )
    }

    /// The time limit, said in words; « Encore du temps » (inside the ballot
    /// form on a ballot page, so that the choices come back); and, without
    /// any script, a notice 30 seconds before the end and a cover at the end
    /// (timings in the stylesheet: `.borne-alerte`, `.borne-voile`).
    static func timeLimit(_ context: PageContext, _ kiosk: KioskChrome, buttonInPage: Bool) -> Node<HTML.BodyContext> {
        guard kiosk.signedIn else {
            // Signed out already (the tracker shown after the last vote):
            // covered after one minute, so the code is not left for the next
            // person. Never on a page where someone is typing (sign-in, card).
            guard context.kioskShortCover else { return .empty }
            return .div(.class("borne-voile borne-court"),
                        .p(.strong("Cette page est fermée.")),
                        .p(.a(.class("bouton"), .href(.kiosk(.done)), .text("Commencer"))))
        }
        let minutes = Int(Kiosks.idleLimit / 60)
        return .group(
            .div(
                .class("borne-temps"),
                .p(.plain("Sans action de votre part pendant \(minutes) minutes, la borne vous déconnecte pour protéger votre vote. "
                          + "Besoin de plus de temps ? Appuyez sur « Encore du temps ».")),
                .if(!buttonInPage, Forms.post(action: .kiosk(.moreTime), csrf: context.csrfToken ?? "",
                                              Forms.input([("type", "hidden"), ("name", "retour"), ("value", kiosk.path)]),
                                              Forms.submit("Encore du temps", class: "bouton bouton-secondaire borne-encore")))
            ),
            .div(.class("borne-alerte"), .attribute(named: "role", value: "alert"),
                 .p(.strong("Êtes-vous encore là ?")),
                 .p(.text("Dans 30 secondes, la borne vous déconnecte. Appuyez sur « Encore du temps » pour continuer."))),
            .div(.class("borne-voile"),
                 .p(.strong("Temps écoulé.")),
                 .p(.text("La borne a déconnecté la personne qui votait, pour protéger son vote.")),
                 // Signs out whatever the server's clock says (a recording listened to kept the session).
                 .p(.a(.class("bouton"), .href(.kiosk(.done)), .text("Commencer"))))
        )
    }

    /// « Encore du temps » on the tracker page: the code comes back with it
    /// (it is shown once, and the member may need the time to note it).
    static func moreTimeForm(back: SiteURL, code: String, csrf: String) -> Node<HTML.BodyContext> {
        Forms.post(action: .kiosk(.moreTime), csrf: csrf,
                   Forms.input([("type", "hidden"), ("name", "retour"), ("value", back.path)]),
                   Forms.input([("type", "hidden"), ("name", "code"), ("value", code)]),
                   Forms.submit("Encore du temps", class: "bouton bouton-secondaire borne-encore"))
    }

    /// « Encore du temps » inside a ballot form: it sends the choices made
    /// so far, and the ballot comes back with them.
    static func moreTimeButton(poll: UUID) -> Node<HTML.BodyContext> {
        .button(.type(.submit), .class("bouton bouton-secondaire borne-encore"),
                .attribute(named: "formaction", value: escapeAttribute(SiteURL.kiosk(.moreTime).path)),
                .attribute(named: "name", value: "retour"), .attribute(named: "value", value: escapeAttribute(SiteURL.poll(poll).path)),
                .text("Encore du temps"))
    }
}
