import Fluent
import Plot
import Vapor

/// `/seances`: council sessions, their agenda, attendance and minutes.
struct MeetingsController: RouteCollection {
    static let facilitators = Role.organisers

    func boot(routes: any RoutesBuilder) throws {
        let meetings = routes.grouped("seances")
        routes.get("seances.ics", use: calendarFeed)
        meetings.get(use: list)
        meetings.get(":meetingID", use: show)
        meetings.get(":meetingID", "projection", use: projection)
        meetings.get(":meetingID", "compte-rendu", use: printableMinutes)

        meetings.requiring(.member).post(":meetingID", "reponse", use: respond)

        let facilitators = meetings.requiring(.anyRole(Self.facilitators))
        facilitators.get("nouvelle", use: newForm)
        facilitators.post("nouvelle", use: create)
        facilitators.get(":meetingID", "modifier", use: editForm)
        facilitators.post(":meetingID", "modifier", use: update)
        facilitators.post(":meetingID", "statut", use: changeStatus)
        facilitators.post(":meetingID", "points", use: addItem)
        facilitators.post(":meetingID", "points", ":itemID", use: editItem)
        facilitators.post(":meetingID", "points", ":itemID", "deplacer", use: moveItem)
        facilitators.post(":meetingID", "points", ":itemID", "courant", use: setCurrentItem)
        facilitators.post(":meetingID", "points", ":itemID", "supprimer", use: deleteItem)
        facilitators.post(":meetingID", "points", ":itemID", "propositions", use: linkProposal)
        facilitators.get(":meetingID", "emargement", use: attendanceForm)
        facilitators.post(":meetingID", "emargement", use: saveAttendance)
        facilitators.get(":meetingID", "compte-rendu", "modifier", use: minutesForm)
        facilitators.post(":meetingID", "compte-rendu", "modifier", use: saveMinutes)
    }

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
            .sort(\.$startsAt).limit(100).all()
        let past = try await query.group(.or) { $0.filter(\.$endsAt < now).filter(\.$status == .closed) }
            .sort(\.$startsAt, .descending)
            .paginateWithinRange(page: Pagination.number(request.query[String.self, at: "page"]), per: 20)
        return MeetingPages.list(
            upcoming: upcoming, past: past.items, pastPage: past.metadata.page, pastPageCount: past.metadata.pageCount,
            territories: try await Territory.query(on: request.db).sort(\.$position).all(),
            selectedTerritory: territory ?? "",
            canPlan: request.member?.roles.isDisjoint(with: Self.facilitators) == false,
            context: request.pageContext
        )
    }

    func find(_ request: Request) async throws -> Meeting {
        guard let id = request.parameters.get("meetingID", as: UUID.self),
              let meeting = try await Meeting.query(on: request.db).filter(\.$id == id).with(\.$territory).first()
        else { throw Abort(.notFound) }
        return meeting
    }

    func show(request: Request) async throws -> Response {
        // /seances/{id}.ics shares the route: the router has one parameter per place.
        if request.parameters.get("meetingID")?.hasSuffix(".ics") == true {
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
        for poll in polls { poll.showAsOf(now) }
        // The open poll, or else the last one closed, with its results.
        if let poll = polls.first(where: { $0.status == .open }) ?? polls.first {
            let ballots = try await BallotBox.ballotCount(poll, on: request.db)
            var results: PollResults?
            let minimum = max(poll.minimumBallots, try await SiteSettingsStore.minimumBallots(on: request.db))
            if let aggregate = poll.aggregate, aggregate.hasCounts, aggregate.ballots >= minimum {
                results = PollResults.compute(poll, aggregate: aggregate)
            }
            pollView = .init(poll: poll, ballots: ballots,
                             present: try await MeetingAttendance.query(on: request.db).filter(\.$meeting.$id == meeting.requireID()).count()
                                + meeting.otherAttendees,
                             results: results)
        }
        let response = MeetingPages.projection(meeting, items: items, poll: pollView, siteName: request.application.settings.siteName)
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
        return MeetingPages.printableMinutes(meeting, minutes: minutes, counts: counts, context: request.pageContext)
    }

    // MARK: Calendar files

    func calendarFeed(request: Request) async throws -> Response {
        let since = Date().addingTimeInterval(-180 * 86_400)
        let meetings = try await Meeting.query(on: request.db).filter(\.$startsAt >= since).with(\.$territory)
            .sort(\.$startsAt).limit(500).all()
        return calendarResponse(meetings, name: "Séances du conseil — \(request.application.settings.siteName)",
                                filename: "seances.ics", base: try await request.publicAddress(), request: request)
    }

    func oneCalendar(request: Request) async throws -> Response {
        guard let file = request.parameters.get("meetingID"), file.hasSuffix(".ics"),
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
                url: base.map { "\($0)/seances/\(meeting.id?.uuidString ?? "")" },
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
        return request.redirect(to: "/seances/\(id)")
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
            territories: try await Territory.query(on: request.db).sort(\.$position).all()
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
        else if let tooLong = TextInput.tooLong(place, limit: TextInput.Limit.line, what: "Le lieu") { model.errors.add("lieu", tooLong) }
        let link = TextInput.clean(model.link, multiline: false)
        if let tooLong = TextInput.tooLong(link, limit: TextInput.Limit.link, what: "Le lien") {
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
        return request.redirect(to: "/seances/\(try meeting.requireID())")
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
        return request.redirect(to: "/seances/\(try meeting.requireID())")
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
        return request.redirect(to: "/seances/\(id)")
    }

    // MARK: Agenda

    struct ItemForm: Content {
        var titre: String?
        var description: String?
        var sens: String?
        var proposition: String?
    }

    func findItem(_ request: Request, meeting: Meeting) async throws -> AgendaItem {
        guard let itemID = request.parameters.get("itemID", as: UUID.self),
              let item = try await AgendaItem.query(on: request.db).filter(\.$id == itemID)
                .filter(\.$meeting.$id == meeting.requireID()).first()
        else { throw Abort(.notFound) }
        return item
    }

    enum ItemInput {
        case valid(title: String, details: String)
        /// The session page again, with the error and what was typed.
        case invalid(Response)
    }

    func readItem(_ request: Request, meeting: Meeting, field: String) async throws -> ItemInput {
        let form = (try? request.content.decode(ItemForm.self)) ?? ItemForm()
        let title = TextInput.clean(form.titre ?? "", multiline: false)
        let details = TextInput.clean(form.description ?? "", multiline: true)
        let detailsTooLong = TextInput.tooLong(details, limit: TextInput.Limit.description, what: "La description")
        guard !title.isEmpty, title.count <= 200, detailsTooLong == nil else {
            var model = try await MeetingShowModel.make(meeting, request: request)
            model.itemErrors.add(field, title.isEmpty ? "Donnez un titre à ce point."
                : title.count > 200 ? "Le titre doit avoir au plus 200 caractères." : detailsTooLong ?? "")
            model.typedItem = (form.titre ?? "", form.description ?? "")
            return .invalid(MeetingPages.show(model, context: request.pageContext).response(status: .unprocessableEntity))
        }
        return .valid(title: title, details: details)
    }

    func addItem(request: Request) async throws -> Response {
        let meeting = try await find(request)
        try requireChangeable(meeting)
        let id = try meeting.requireID()
        switch try await readItem(request, meeting: meeting, field: "nouveau-point") {
        case .invalid(let response): return response
        case .valid(let title, let details):
            let position = (try await AgendaItem.query(on: request.db).filter(\.$meeting.$id == id).max(\.$position) ?? 0) + 1
            try await AgendaItem(meetingID: id, position: position, title: title, details: details).create(on: request.db)
            try await request.setFlash("Le point « \(title) » est ajouté à l'ordre du jour.")
            return request.redirect(to: "/seances/\(id)#ordre-du-jour")
        }
    }

    func editItem(request: Request) async throws -> Response {
        let meeting = try await find(request)
        try requireChangeable(meeting)
        let item = try await findItem(request, meeting: meeting)
        switch try await readItem(request, meeting: meeting, field: "point-\(try item.requireID())") {
        case .invalid(let response): return response
        case .valid(let title, let details):
            item.title = title
            item.details = details
            try await item.save(on: request.db)
            try await request.setFlash("Le point est modifié.")
            return request.redirect(to: "/seances/\(try meeting.requireID())#ordre-du-jour")
        }
    }

    /// Up or down by one place: buttons that work without JavaScript.
    func moveItem(request: Request) async throws -> Response {
        let meeting = try await find(request)
        try requireChangeable(meeting)
        let item = try await findItem(request, meeting: meeting)
        let up = (try? request.content.decode(ItemForm.self))?.sens == "monter"
        var items = try await AgendaItem.query(on: request.db).filter(\.$meeting.$id == meeting.requireID())
            .sort(\.$position).all()
        guard let index = items.firstIndex(where: { $0.id == item.id }) else { throw Abort(.notFound) }
        let target = up ? index - 1 : index + 1
        if items.indices.contains(target) {
            items.swapAt(index, target)
            let ordered = items
            try await request.db.transaction { database in
                for (position, element) in ordered.enumerated() where element.position != position + 1 {
                    element.position = position + 1
                    try await element.save(on: database)
                }
            }
        }
        return request.redirect(to: "/seances/\(try meeting.requireID())#point-\(try item.requireID())")
    }

    func setCurrentItem(request: Request) async throws -> Response {
        let meeting = try await find(request)
        guard meeting.status == .inProgress else {
            throw PageError(.conflict, title: "La séance n'est pas en cours",
                            message: "Ouvrez la séance pour choisir le point en cours.")
        }
        let item = try await findItem(request, meeting: meeting)
        meeting.currentItemID = try item.requireID()
        try await meeting.save(on: request.db)
        return request.redirect(to: "/seances/\(try meeting.requireID())#point-\(try item.requireID())")
    }

    func deleteItem(request: Request) async throws -> Response {
        let meeting = try await find(request)
        try requireChangeable(meeting)
        let item = try await findItem(request, meeting: meeting)
        if meeting.currentItemID == item.id {
            meeting.currentItemID = nil
            try await meeting.save(on: request.db)
        }
        try await item.delete(on: request.db)
        try await request.setFlash("Le point « \(item.title) » est retiré de l'ordre du jour.")
        return request.redirect(to: "/seances/\(try meeting.requireID())#ordre-du-jour")
    }

    /// Links a proposal to an agenda item; a published proposal becomes
    /// "inscrite à une séance", and its author is told.
    func linkProposal(request: Request) async throws -> Response {
        let member = try request.requireMember()
        let meeting = try await find(request)
        try requireChangeable(meeting)
        let item = try await findItem(request, meeting: meeting)
        let itemID = try item.requireID()
        let chosen = (try? request.content.decode(ItemForm.self))?.proposition.flatMap(UUID.init(uuidString:))
        guard let chosen, let proposal = try await Proposal.find(chosen, on: request.db), proposal.status.isPublic else {
            var model = try await MeetingShowModel.make(meeting, request: request)
            model.itemErrors.add("proposition-\(itemID)", "Choisissez une proposition publiée dans la liste.")
            return MeetingPages.show(model, context: request.pageContext).response(status: .unprocessableEntity)
        }
        let proposalID = try proposal.requireID()
        let already = try await AgendaItemProposal.query(on: request.db)
            .filter(\.$item.$id == itemID).filter(\.$proposal.$id == proposalID).count() > 0
        let schedules = ProposalWorkflow.allows(.schedule, from: proposal.status, roles: member.roles, isAuthor: false)
        if !already {
            try await request.db.transaction { database in
                try await item.$proposals.attach(proposal, on: database)
                // Scheduling is the proposal's workflow step, with its event, audit entry and notification.
                if schedules {
                    try await ProposalWorkflow.apply(
                        .schedule, to: proposal, by: member,
                        note: "Séance du \(FrenchDates.dayAndTime(meeting.startsAt)) : « \(meeting.title) ».", on: database)
                }
            }
        }
        try await request.setFlash("La proposition « \(proposal.title) » est liée au point « \(item.title) »."
            + (schedules || already || proposal.status != .published ? ""
                : " Elle reste « publiée » : l'inscrire à la séance revient à une animatrice, un animateur ou un agent du Département."))
        return request.redirect(to: "/seances/\(try meeting.requireID())#point-\(itemID)")
    }

    // MARK: Attendance

    func attendanceForm(request: Request) async throws -> HTML {
        let meeting = try await find(request)
        return MeetingPages.attendance(try await attendanceModel(meeting, request: request), context: request.pageContext)
    }

    func attendanceModel(_ meeting: Meeting, request: Request) async throws -> MeetingPages.AttendanceModel {
        let id = try meeting.requireID()
        let search = request.query[String.self, at: "q"] ?? ""
        let present = Set(try await MeetingAttendance.query(on: request.db).filter(\.$meeting.$id == id).all().map(\.$member.id))
        var query = Member.query(on: request.db).filter(\.$status == .active).sort(\.$pseudonymKey)
        if let territoryID = meeting.$territory.id, search.isEmpty {
            // By default the members of the territory, and anyone already ticked.
            query = query.group(.or) { $0.filter(\.$territory.$id == territoryID).filter(\.$id ~~ Array(present)) }
        }
        if !search.isEmpty {
            query = query.filter(\.$pseudonymKey, .contains(inverse: false, .anywhere), Pseudonym.key(for: search))
        }
        let members = try await query.limit(300).all()
        return MeetingPages.AttendanceModel(meeting: meeting, members: members, present: present, search: search,
                                            csrf: try await request.csrfToken())
    }

    struct AttendanceForm: Content {
        var presents: [String]?
        var affiches: [String]?
        var autres: String?
    }

    func saveAttendance(request: Request) async throws -> Response {
        let meeting = try await find(request)
        let id = try meeting.requireID()
        guard meeting.status != .cancelled else {
            throw PageError(.conflict, title: "Cette séance est annulée", message: "On ne note pas de présences pour une séance annulée.")
        }
        let form = (try? request.content.decode(AttendanceForm.self)) ?? AttendanceForm()
        let others = Int((form.autres ?? "0").trimmingCharacters(in: .whitespaces).isEmpty ? "0" : (form.autres ?? "0").trimmingCharacters(in: .whitespaces))
        guard let others, (0...10_000).contains(others) else {
            var model = try await attendanceModel(meeting, request: request)
            model.othersError = "Indiquez un nombre de personnes, par exemple 3."
            model.typedOthers = form.autres ?? ""
            return MeetingPages.attendance(model, context: request.pageContext).response(status: .unprocessableEntity)
        }
        // Only the members shown on the form change: a search shows a few.
        let shown = Set((form.affiches ?? []).compactMap(UUID.init(uuidString:)))
        let ticked = Set((form.presents ?? []).compactMap(UUID.init(uuidString:))).intersection(shown)
        // Attendance decides who may vote in a session's polls: once one has
        // opened, every change is written to the audit log (design/voting.md, "Paper").
        let now = Date()
        let openedPolls = try await Poll.query(on: request.db).filter(\.$meeting.$id == id)
            .group(.or) { group in
                group.filter(\.$status ~~ [.open, .closed]).group(.and) { $0.filter(\.$status == .draft).filter(\.$opensAt <= now) }
            }.count()
        try await request.db.transaction { database in
            let existing = try await MeetingAttendance.query(on: database).filter(\.$meeting.$id == id).with(\.$member).all()
            var removed: [String] = []
            for row in existing where shown.contains(row.$member.id) && !ticked.contains(row.$member.id) {
                removed.append(row.member.publicName)
                try await row.delete(on: database)
            }
            let already = Set(existing.map(\.$member.id))
            let valid = try await Member.query(on: database).filter(\.$id ~~ Array(ticked.subtracting(already))).all()
            for member in valid {
                try await MeetingAttendance(meetingID: id, memberID: member.requireID()).create(on: database)
            }
            meeting.otherAttendees = others
            try await meeting.save(on: database)
            if openedPolls > 0, !removed.isEmpty || !valid.isEmpty {
                var changes: [String] = []
                if !valid.isEmpty { changes.append("présents ajoutés : " + valid.map(\.publicName).sorted().joined(separator: ", ")) }
                if !removed.isEmpty { changes.append("présents retirés : " + removed.sorted().joined(separator: ", ")) }
                try await request.audit("meeting.attendance", "Séance « \(meeting.title) », après l'ouverture d'un vote : "
                    + changes.joined(separator: " ; ") + ".", on: database)
            }
        }
        try await request.setFlash("Les présences sont enregistrées.")
        return request.redirect(to: "/seances/\(id)/emargement")
    }

    // MARK: Minutes

    func minutesForm(request: Request) async throws -> HTML {
        let meeting = try await find(request)
        return MeetingPages.minutesForm(meeting, text: meeting.minutes ?? "", csrf: try await request.csrfToken(),
                                        error: nil, context: request.pageContext)
    }

    struct MinutesForm: Content {
        var texte: String?
        var action: String?
    }

    func saveMinutes(request: Request) async throws -> Response {
        let meeting = try await find(request)
        let id = try meeting.requireID()
        guard meeting.status == .closed || meeting.status == .inProgress else {
            throw PageError(.conflict, title: "Le compte rendu vient après la séance",
                            message: "Ouvrez puis clôturez la séance avant d'écrire son compte rendu.")
        }
        let form = (try? request.content.decode(MinutesForm.self)) ?? MinutesForm()
        let text = TextInput.clean(form.texte ?? "", multiline: true)
        let publish = form.action == "publier"
        var error: String?
        if text.count > 50_000 { error = "Le compte rendu est trop long : 50 000 caractères au plus." }
        if publish && text.count < 20 { error = "Écrivez le compte rendu avant de le publier." }
        if publish && meeting.status != .closed { error = "Clôturez la séance avant de publier son compte rendu." }
        if let error {
            return MeetingPages.minutesForm(meeting, text: form.texte ?? "", csrf: try await request.csrfToken(),
                                            error: error, context: request.pageContext).response(status: .unprocessableEntity)
        }
        let firstPublication = publish && meeting.minutesPublishedAt == nil
        meeting.minutes = text
        if publish { meeting.minutesPublishedAt = meeting.minutesPublishedAt ?? Date() }
        try await request.db.transaction { database in
            try await meeting.save(on: database)
            if firstPublication {
                try await request.audit("meeting.minutes", "Compte rendu de « \(meeting.title) » publié.", on: database)
                for memberID in try await MeetingAudience.memberIDs(for: meeting, on: database) {
                    try await Notifier.notify(memberID, "Le compte rendu de la séance « \(meeting.title) » est publié.",
                                              link: "/seances/\(id)#compte-rendu", on: database)
                }
            }
        }
        try await request.setFlash(publish ? "Le compte rendu est publié. Les membres sont prévenus."
                                           : "Le brouillon du compte rendu est enregistré. Il n'est pas encore visible.")
        return request.redirect(to: publish ? "/seances/\(id)#compte-rendu" : "/seances/\(id)/compte-rendu/modifier")
    }
}

/// The members a session concerns: its territory's (or everyone, for a
/// plenary), and whoever was present.
enum MeetingAudience {
    static func memberIDs(for meeting: Meeting, on database: any Database) async throws -> [UUID] {
        var query = Member.query(on: database).filter(\.$status == .active)
        if let territoryID = meeting.$territory.id {
            query = query.filter(\.$territory.$id == territoryID)
        }
        var ids = Set(try await query.all().compactMap(\.id))
        let present = try await MeetingAttendance.query(on: database).filter(\.$meeting.$id == meeting.requireID()).all()
        ids.formUnion(present.map(\.$member.id))
        return Array(ids)
    }
}

/// Counts everyone may see.
struct MeetingCounts {
    var coming: Int
    var notComing: Int
    var presentMembers: Int
    var others: Int

    var present: Int { presentMembers + others }

    static func make(_ meeting: Meeting, on database: any Database) async throws -> MeetingCounts {
        let id = try meeting.requireID()
        let responses = try await MeetingResponse.query(on: database).filter(\.$meeting.$id == id).all()
        return MeetingCounts(
            coming: responses.filter(\.coming).count,
            notComing: responses.filter { !$0.coming }.count,
            presentMembers: try await MeetingAttendance.query(on: database).filter(\.$meeting.$id == id).count(),
            others: meeting.otherAttendees
        )
    }
}
