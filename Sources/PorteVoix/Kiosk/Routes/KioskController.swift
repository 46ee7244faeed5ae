import Fluent
import Plot
import Vapor

/// `/borne`: the kiosk's own pages, and the facilitator's buttons on the
/// session's page that start and end it.
struct KioskController {
    // MARK: The facilitator

    /// Makes this device the kiosk of the session: the facilitator's own
    /// session ends here (the device is no longer theirs), and it receives
    /// the kiosk's cookie.
    func start(request: Request) async throws -> Response {
        let member = try request.requireMember()
        let meeting = try await MeetingLookup.find(request)
        let id = try meeting.requireID()
        guard [.planned, .inProgress].contains(meeting.status) else {
            throw PageError(.conflict, title: "Cette séance est terminée",
                            message: "Une borne de vote sert pendant une séance prévue ou en cours.")
        }
        let token = try await Kiosks.start(meetingID: id, by: try member.requireID(), on: request.db, now: request.now)
        try await request.signOut()
        let response = request.redirect(to: .kiosk(.welcome))
        let secure = request.application.settings.secureCookies
        // Until the browser closes (a private window: see the help); the
        // kiosk ends on the server with its session anyway.
        response.cookies[Kiosks.cookieName(secure: secure)] = HTTPCookies.Value(
            string: token, expires: nil, maxAge: nil, domain: nil, path: "/",
            isSecure: secure, isHTTPOnly: true, sameSite: .strict)
        // The facilitator's own sign-in remembered this device: forgotten, so
        // that nothing of theirs stays on a machine the whole room uses.
        response.cookies[KnownDevice.cookieName(secure: secure)] = .expired(secure: secure)
        return response
    }

    func end(request: Request) async throws -> Response {
        let member = try request.requireMember()
        let meeting = try await MeetingLookup.find(request)
        let ended = try await Kiosks.endAll(meetingID: try meeting.requireID(), by: try member.requireID(), because: "facilitator",
                                            on: request.db, now: request.now)
        try await request.setFlash(ended == 0 ? "Aucune borne n'était ouverte." : ended == 1 ? "La borne de vote est fermée."
                                                                                           : "Les \(ended) bornes de vote sont fermées.")
        return request.redirect(to: .meeting(try meeting.requireID()), fragment: "borne")
    }

    // MARK: At the kiosk

    /// The sign-in, or the signed-in member's polls.
    func welcome(request: Request) async throws -> Response {
        guard let kiosk = request.kiosk else {
            return KioskPages.notAKiosk(context: request.pageContext).response(status: .ok)
        }
        guard let member = request.member else {
            var model = SignInPage.Model(csrf: try await request.csrfToken(), pseudonym: "", returnPath: nil)
            model.kioskTimedOut = request.storage[KioskTimedOutKey.self] == true
            return SignInPage.view(model, context: request.pageContext).response(status: .ok)
        }
        let polls = try await Kiosks.openPolls(meetingID: kiosk.meetingID, for: member, on: request.db)
        var entries: [KioskPages.PollEntry] = []
        for poll in polls {
            let id = try poll.requireID()
            entries.append(KioskPages.PollEntry(id: id, question: poll.question,
                                                hasVoted: try await BallotBox.hasVoted(pollID: id, memberID: try member.requireID(), on: request.db)))
        }
        return KioskPages.menu(entries, context: request.pageContext).response(status: .ok)
    }

    /// « Encore du temps »: this request is the action that keeps the
    /// session; a ballot being filled comes back as it was.
    func moreTime(request: Request) async throws -> Response {
        guard request.kiosk != nil, request.member != nil else { return request.redirect(to: .kiosk(.welcome)) }
        let back = (try? request.content.get(String.self, at: "retour")) ?? ""
        // The tracker page: shown again with the code the member still has on screen.
        if let code = try? request.content.get(String.self, at: "code"), code.range(of: #"^[A-Z0-9]{4}-[A-Z0-9]{4}$"#, options: .regularExpression) != nil,
           let kiosk = request.kiosk, let pollID = UUID(uuidString: back.split(separator: "/").dropFirst().first.map(String.init) ?? ""),
           back == SiteURL.poll(pollID, .vote).path, try await Kiosks.allows(pollID: pollID, kiosk: kiosk, on: request.db),
           let memberID = request.member?.id, try await BallotBox.hasVoted(pollID: pollID, memberID: memberID, on: request.db),
           let poll = try await Poll.find(pollID, on: request.db) {
            let context = request.pageContext
            let summary = PollSummary(poll, asOf: request.now)
            return PollPages.trackerResponse(summary, tracker: code, context: context)
        }
        guard let pollID = Kiosks.pollID(in: back), back == SiteURL.poll(pollID).path,
              let kiosk = request.kiosk, try await Kiosks.allows(pollID: pollID, kiosk: kiosk, on: request.db),
              let poll = try await Poll.query(on: request.db).filter(\.$id == pollID)
                .with(\.$options).with(\.$territory).with(\.$meeting).with(\.$proposal).first()
        else { return request.redirect(to: .kiosk(.welcome)) }
        poll.$options.value = poll.options.sorted { $0.position < $1.position }
        poll.showAsOf(request.now)
        var model = try await PollQueries.showModel(poll, request: request)
        let fields = (try? request.content.decode([String: String].self)) ?? [:]
        model.typed = fields.filter { $0.key == "choix" || $0.key.hasPrefix("choix-") || $0.key.hasPrefix("note-") }
        return PollPages.show(model, context: request.pageContext).response(status: .ok)
    }

    /// « J'ai fini »: signed out, back to the sign-in for the next member.
    func done(request: Request) async throws -> Response {
        // By a link (the cover) only at a kiosk: elsewhere signing out is a form.
        if request.method == .GET, request.kiosk == nil { return request.redirect(to: .kiosk(.welcome)) }
        try await request.signOut()
        let response = request.redirect(to: .kiosk(.welcome))
        response.headers.replaceOrAdd(name: "Clear-Site-Data", value: "\"cache\"")
        return response
    }
}
