import Plot

extension MeetingPages {
    /// On the session's page, for facilitators: whether a voting kiosk is
    /// open, the button that makes this device one, and the one that closes them.
    static func kioskPanel(_ model: MeetingShowModel, csrf: String) -> Node<HTML.BodyContext> {
        let meeting = model.meeting
        guard [.planned, .inProgress].contains(meeting.status) else { return .empty }
        let open = model.kiosks
        return .div(
            .id("borne"), .class("panneau-borne"),
            .h3("Borne de vote"),
            .p(.attribute(named: "role", value: "status"), .strong(.plain(open.count == 0
                ? "État : aucune borne ouverte."
                : "État : \(open.count == 1 ? "une borne ouverte" : "\(open.count) bornes ouvertes")"
                    + (open.since.map { " depuis \(FrenchDates.time($0))" } ?? "") + "."))),
            .p(.text("La borne permet aux membres présents de voter seuls, sur l'ordinateur ou la tablette de la salle, "),
               .text("sans que personne ne tape leur bulletin. Placez-la dans un isoloir ou dans un coin où personne ne lit l'écran "),
               .text("par-dessus l'épaule.")),
            .p(.strong("Sur l'appareil de la borne : "),
               .text("ouvrez une fenêtre de navigation privée, connectez-vous, ouvrez cette page, puis appuyez sur le bouton. "),
               .text("Vous êtes alors déconnecté·e de cet appareil : il ne sert plus qu'à voter pour cette séance.")),
            Forms.post(action: url(meeting, .kiosk), csrf: csrf, Forms.submit("Faire de cet appareil la borne de vote")),
            .if(open.count > 0, Forms.post(action: url(meeting, .kioskEnd), csrf: csrf,
                                           Forms.submit(open.count == 1 ? "Fermer la borne" : "Fermer les bornes",
                                                        class: "bouton bouton-secondaire")))
        )
    }
}

extension PollPages {
    /// The link back from a poll's pages; at a kiosk, back to the member's
    /// votes (the rest of the site is out of reach there: RGAA 6.1).
    static func kioskAwareBack(_ context: PageContext, to url: SiteURL, _ label: String) -> Node<HTML.BodyContext> {
        context.kiosk == nil ? .p(.a(.href(url), .plain(label))) : .p(.a(.href(.kiosk(.welcome)), .text("Retour à vos votes")))
    }

    /// The ballot form is on the page: nothing decided yet, nothing refused
    /// (at a kiosk, « Encore du temps » is then inside it).
    static func showsBallot(_ model: Model) -> Bool {
        model.poll.status == .open && model.csrf != nil && !model.hasVoted && model.refusal == nil
    }
}
