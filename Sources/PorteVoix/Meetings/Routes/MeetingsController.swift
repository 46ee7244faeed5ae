import Fluent
import Plot
import Vapor

/// `/seances`: council sessions, their agenda, attendance and minutes.
struct MeetingsController {


    // MARK: Reading

    func list(request: Request) async throws -> HTML {
        let territory = request.query[String.self, at: "territoire"]
        var query = Meeting.query(on: request.db).with(\.$territory)
        if territory == "departement" {
            query = query.filter(\.$territory.$id == nil)
        } else if let id = territory.flatMap(UUID.init(uuidString:)) {
            query = query.filter(\.$territory.$id == id)
        }
        let now = Date()
        // Upcoming sessions are few; past ones grow with the years: pages of 20.
        let upcoming = try await query.copy().filter(\.$endsAt >= now).filter(\.$status != .closed)
            .sort(\.$startsAt).limit(MeetingLimits.upcomingListed).all()
        let past = try await query.group(.or) { $0.filter(\.$endsAt < now).filter(\.$status == .closed) }
            .sort(\.$startsAt, .descending)
            .paginateWithinRange(page: Pagination.number(request.query[String.self, at: "page"]), per: MeetingLimits.pastPage)
        return MeetingPages.list(
            upcoming: upcoming.map(MeetingSummary.init), past: past.items.map(MeetingSummary.init), pastPage: past.metadata.page, pastPageCount: past.metadata.pageCount,
            territories: try await Territory.query(on: request.db).sort(\.$position).all().map(\.choice),
            selectedTerritory: territory ?? "",
            canPlan: request.member?.roles.isDisjoint(with: Role.organisers) == false,
            context: request.pageContext
        )
    }

    func find(_ request: Request) async throws -> Meeting {
        guard let id = request.id(.meeting),
              let meeting = try await Meeting.query(on: request.db).filter(\.$id == id).with(\.$territory).first()
        else { throw Abort(.notFound) }
        return meeting
    }

    func show(request: Request) async throws -> Response {
        // /seances/{id}.ics shares the route: the router has one parameter per place.
        if request.parameters.get(ParamName.meeting.rawValue)?.hasSuffix(".ics") == true {
            return try await oneCalendar(request: request)
        }
        let meeting = try await find(request)
        return MeetingPages.show(try await MeetingShowModel.make(meeting, request: request), context: request.pageContext)
            .response(status: .ok)
    }

    func projection(request: Request) async throws -> Response {
        let meeting = try await find(request)
        let items = try await AgendaItem.query(on: request.db).filter(\.$meeting.$id == meeting.requireID())
            .sort(\.$position).all()
        let now = Date()
        let polls = try await Poll.query(on: request.db).filter(\.$meeting.$id == meeting.requireID())
            .group(.or) { group in
                group.filter(\.$status ~~ [.open, .closed]).group(.and) { $0.filter(\.$status == .draft).filter(\.$opensAt <= now) }
            }
            .with(\.$options).sort(\.$createdAt, .descending).all()
        var pollView: MeetingPages.ProjectedPoll?
        let shown = polls.map { PollSummary($0, asOf: now) }
        // The open poll, or else the last one closed, with its results.
        if let index = shown.firstIndex(where: { $0.status == .open }) ?? shown.indices.first {
            let poll = polls[index]
            let ballots = try await BallotBox.ballotCount(poll, on: request.db)
            let results = PollResults.published(poll, minimum: try await PollResults.minimumBallots(poll, on: request.db))
            pollView = .init(poll: shown[index], ballots: ballots,
                             present: try await MeetingAttendance.query(on: request.db).filter(\.$meeting.$id == meeting.requireID()).count()
                                + meeting.otherAttendees,
                             results: results)
        }
        let response = MeetingPages.projection(MeetingSummary(meeting), items: items.map(AgendaItemSummary.init), poll: pollView, siteName: request.application.settings.siteName)
            .response(status: .ok)
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        // The projector follows the room without JavaScript. An HTTP header
        // rather than <meta http-equiv>: this page is a display with nothing
        // to type or read at one's own pace; the session page stays still.
        response.headers.replaceOrAdd(name: "Refresh", value: "10")
        return response
    }

    func printableMinutes(request: Request) async throws -> HTML {
        let meeting = try await find(request)
        guard meeting.minutesPublishedAt != nil, let minutes = meeting.minutes else { throw Abort(.notFound) }
        let counts = try await MeetingCounts.make(meeting, on: request.db)
        return MeetingPages.printableMinutes(MeetingSummary(meeting), minutes: minutes, counts: counts, context: request.pageContext)
    }

    // MARK: Calendar files

    func calendarFeed(request: Request) async throws -> Response {
        let since = Date().addingTimeInterval(-MeetingLimits.calendarPast)
        let meetings = try await Meeting.query(on: request.db).filter(\.$startsAt >= since).with(\.$territory)
            .sort(\.$startsAt).limit(MeetingLimits.calendarSessions).all()
        return calendarResponse(meetings, name: "Séances du conseil — \(request.application.settings.siteName)",
                                filename: "seances.ics", base: try await request.publicAddress(), request: request)
    }

    func oneCalendar(request: Request) async throws -> Response {
        guard let file = request.parameters.get(ParamName.meeting.rawValue), file.hasSuffix(".ics"),
              let id = UUID(uuidString: String(file.dropLast(4))),
              let meeting = try await Meeting.query(on: request.db).filter(\.$id == id).with(\.$territory).first()
        else { throw Abort(.notFound) }
        return calendarResponse([meeting], name: meeting.title, filename: "seance.ics",
                                base: try await request.publicAddress(), request: request)
    }

    /// `base` is the public address: without one, events carry no link
    /// rather than one built from the request's `Host` header.
    func calendarResponse(_ meetings: [Meeting], name: String, filename: String, base: String?, request: Request) -> Response {
        let events = meetings.map { meeting in
            ICalendar.Event(
                uid: "\(meeting.id?.uuidString.lowercased() ?? "")@portevoix",
                start: meeting.startsAt, end: meeting.endsAt,
                summary: meeting.status == .cancelled ? "Annulée : \(meeting.title)" : meeting.title,
                location: meeting.onlineLink.map { "\(meeting.place) — \($0)" } ?? meeting.place,
                description: [meeting.details, meeting.accessibility.isEmpty ? "" : "Accessibilité : \(meeting.accessibility)",
                              meeting.cancelReason.map { "Annulée : \($0)" } ?? ""].filter { !$0.isEmpty }.joined(separator: "\n\n"),
                url: base.flatMap { base in meeting.id.map { base + SiteURL.meeting($0).path } },
                cancelled: meeting.status == .cancelled
            )
        }
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: "text/calendar; charset=utf-8")
        headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(filename)\"")
        return Response(status: .ok, headers: headers, body: .init(string: ICalendar.calendar(name: name, events: events)))
    }

    // MARK: Coming or not

    func respond(request: Request) async throws -> Response {
        let member = try request.requireMember()
        let meeting = try await find(request)
        let id = try meeting.requireID()
        guard meeting.status == .planned, meeting.startsAt > Date() else {
            throw PageError(.conflict, title: "La séance a commencé",
                            message: "Vous ne pouvez plus changer votre réponse : la séance a commencé ou elle est terminée.")
        }
        let coming = (try? request.content.get(String.self, at: "reponse")) == "oui"
        let memberID = try member.requireID()
        if let existing = try await MeetingResponse.query(on: request.db)
            .filter(\.$meeting.$id == id).filter(\.$member.$id == memberID).first() {
            existing.coming = coming
            try await existing.save(on: request.db)
        } else {
            try await MeetingResponse(meetingID: id, memberID: memberID, coming: coming).create(on: request.db)
        }
        try await request.setFlash(coming ? "C'est noté : vous viendrez. Merci !"
                                          : "C'est noté : vous ne pourrez pas venir. Merci de l'avoir dit.")
        return request.redirect(to: .meeting(id))
    }

    // MARK: Planning

    struct MeetingForm: Content {
        var titre: String?
        var jour: String?
        var debut: String?
        var fin: String?
        var lieu: String?
        var lien: String?
        var territoire: String?
        var description: String?
        var accessibilite: String?
    }

    func formModel(_ request: Request, editing: UUID?) async throws -> MeetingPages.FormModel {
        MeetingPages.FormModel(
            editing: editing, csrf: try await request.csrfToken(),
            territories: try await Territory.query(on: request.db).sort(\.$position).all().map(\.choice)
        )
    }

    func newForm(request: Request) async throws -> HTML {
        var model = try await formModel(request, editing: nil)
        model.accessibility = "Salle accessible en fauteuil roulant. Frais de déplacement remboursés sur demande."
        return MeetingPages.form(model, context: request.pageContext)
    }

    /// Reads and checks the form into `model`; the values when all is right.
    func read(_ request: Request, into model: inout MeetingPages.FormModel) async throws
        -> (title: String, start: Date, end: Date, place: String, link: String?, territoryID: UUID?, details: String, access: String)? {
        let form = (try? request.content.decode(MeetingForm.self)) ?? MeetingForm()
        model.title = form.titre ?? ""
        model.day = form.jour ?? ""
        model.start = form.debut ?? ""
        model.end = form.fin ?? ""
        model.place = form.lieu ?? ""
        model.link = form.lien ?? ""
        model.territory = form.territoire ?? ""
        model.details = form.description ?? ""
        model.accessibility = form.accessibilite ?? ""

        let title = TextInput.clean(model.title, multiline: false)
        if title.isEmpty { model.errors.add("titre", "Donnez un titre à la séance.") }
        else if title.count > Meeting.maximumTitleLength { model.errors.add("titre", "Le titre doit avoir au plus \(Meeting.maximumTitleLength) caractères.") }

        var start: Date?
        switch MeetingTime.instant(day: model.day, time: model.start) {
        case .success(let date): start = date
        case .failure(.date): model.errors.add("jour", "Cette date n'existe pas. Écrivez-la comme 12/03/2027.")
        case .failure(.time): model.errors.add("debut", "Cette heure n'existe pas. Écrivez-la comme 14:00 ou 14 h.")
        case .failure(.nonexistent): model.errors.add("debut", "Cette heure n'existe pas ce jour-là (changement d'heure). Choisissez-en une autre.")
        }
        var end: Date?
        if MeetingTime.day(model.day) != nil {
            switch MeetingTime.instant(day: model.day, time: model.end) {
            case .success(let date): end = date
            case .failure: model.errors.add("fin", "Cette heure n'existe pas. Écrivez-la comme 16:30 ou 16 h 30.")
            }
        }
        if let start, let end, end <= start {
            model.errors.add("fin", "La séance doit finir après son début.")
        }
        let place = TextInput.clean(model.place, multiline: false)
        if place.isEmpty { model.errors.add("lieu", "Indiquez le lieu, ou « En ligne » pour une séance à distance.") }
        else if let tooLong = TextInput.tooLong(place, limit: MeetingLimits.place, what: "Le lieu") { model.errors.add("lieu", tooLong) }
        let link = TextInput.clean(model.link, multiline: false)
        if let tooLong = TextInput.tooLong(link, limit: MeetingLimits.link, what: "Le lien") {
            model.errors.add("lien", tooLong)
        } else if !link.isEmpty, !(link.hasPrefix("https://") || link.hasPrefix("http://")) || URL(string: link) == nil {
            model.errors.add("lien", "Le lien doit commencer par https://")
        }
        if let tooLong = TextInput.tooLong(TextInput.clean(model.details, multiline: true), limit: TextInput.Limit.description,
                                           what: "La description") {
            model.errors.add("description", tooLong)
        }
        if let tooLong = TextInput.tooLong(TextInput.clean(model.accessibility, multiline: true), limit: TextInput.Limit.reason,
                                           what: "Le texte sur l'accessibilité") {
            model.errors.add("accessibilite", tooLong)
        }
        var territoryID: UUID?
        if !model.territory.isEmpty {
            territoryID = try await UUID(uuidString: model.territory).asyncFlatMap { try await Territory.find($0, on: request.db) }?.id
            if territoryID == nil { model.errors.add("territoire", "Choisissez un territoire de la liste.") }
        }
        guard model.errors.isEmpty, let start, let end else { return nil }
        return (title, start, end, place, link.isEmpty ? nil : link, territoryID,
                TextInput.clean(model.details, multiline: true), TextInput.clean(model.accessibility, multiline: true))
    }

    func create(request: Request) async throws -> Response {
        var model = try await formModel(request, editing: nil)
        guard let values = try await read(request, into: &model) else {
            return MeetingPages.form(model, context: request.pageContext).response(status: .unprocessableEntity)
        }
        let meeting = Meeting()
        apply(values, to: meeting)
        meeting.status = .planned
        meeting.otherAttendees = 0
        meeting.createdAt = Date()
        try await meeting.create(on: request.db)
        try await request.audit("meeting.create", "Séance « \(meeting.title) » prévue le \(FrenchDates.dayAndTime(meeting.startsAt)).")
        try await request.setFlash("La séance est créée. Ajoutez maintenant les points de l'ordre du jour.")
        return request.redirect(to: .meeting(try meeting.requireID()))
    }

    func apply(_ values: (title: String, start: Date, end: Date, place: String, link: String?, territoryID: UUID?,
                          details: String, access: String), to meeting: Meeting) {
        meeting.title = values.title
        meeting.startsAt = values.start
        meeting.endsAt = values.end
        meeting.place = values.place
        meeting.onlineLink = values.link
        meeting.$territory.id = values.territoryID
        meeting.details = values.details
        meeting.accessibility = values.access
    }

    func requireChangeable(_ meeting: Meeting) throws {
        guard meeting.isOpenForChanges else {
            throw PageError(.conflict, title: "Cette séance ne change plus",
                            message: "Une séance terminée ou annulée garde son ordre du jour tel qu'il était.")
        }
    }

    func editForm(request: Request) async throws -> HTML {
        let meeting = try await find(request)
        try requireChangeable(meeting)
        var model = try await formModel(request, editing: try meeting.requireID())
        let start = MeetingTime.formValues(meeting.startsAt)
        model.title = meeting.title
        model.day = start.day
        model.start = start.time
        model.end = MeetingTime.formValues(meeting.endsAt).time
        model.place = meeting.place
        model.link = meeting.onlineLink ?? ""
        model.territory = meeting.$territory.id?.uuidString ?? ""
        model.details = meeting.details
        model.accessibility = meeting.accessibility
        return MeetingPages.form(model, context: request.pageContext)
    }

    func update(request: Request) async throws -> Response {
        let meeting = try await find(request)
        try requireChangeable(meeting)
        var model = try await formModel(request, editing: try meeting.requireID())
        guard let values = try await read(request, into: &model) else {
            return MeetingPages.form(model, context: request.pageContext).response(status: .unprocessableEntity)
        }
        apply(values, to: meeting)
        try await meeting.save(on: request.db)
        try await request.audit("meeting.update", "Séance « \(meeting.title) » modifiée.")
        try await request.setFlash("La séance est modifiée.")
        return request.redirect(to: .meeting(try meeting.requireID()))
    }

    struct StatusForm: Content {
        var action: String?
        var motif: String?
    }

    func changeStatus(request: Request) async throws -> Response {
        let meeting = try await find(request)
        let id = try meeting.requireID()
        let form = (try? request.content.decode(StatusForm.self)) ?? StatusForm()
        switch (form.action, meeting.status) {
        case ("ouvrir", .planned):
            meeting.status = .inProgress
            if meeting.currentItemID == nil {
                meeting.currentItemID = try await AgendaItem.query(on: request.db).filter(\.$meeting.$id == id)
                    .sort(\.$position).first()?.id
            }
        case ("clore", .inProgress):
            meeting.status = .closed
            meeting.currentItemID = nil
        case ("annuler", .planned):
            let reason = TextInput.clean(form.motif ?? "", multiline: true)
            let tooLong = TextInput.tooLong(reason, limit: TextInput.Limit.reason, what: "La raison")
            guard !reason.isEmpty, tooLong == nil else {
                var model = try await MeetingShowModel.make(meeting, request: request)
                model.cancelError = tooLong ?? "Écrivez la raison de l'annulation : les membres la liront."
                return MeetingPages.show(model, context: request.pageContext).response(status: .unprocessableEntity)
            }
            meeting.status = .cancelled
            meeting.cancelReason = reason
        default:
            throw PageError(.conflict, title: "Ce changement n'est pas possible",
                            message: "La séance est « \(meeting.status.label) ». Rechargez la page pour voir son état.")
        }
        try await meeting.save(on: request.db)
        try await request.audit("meeting.status", "Séance « \(meeting.title) » : \(meeting.status.label).")
        try await request.setFlash("La séance est maintenant « \(meeting.status.label) ».")
        return request.redirect(to: .meeting(id))
    }
}
