import Fluent
import Plot
import Vapor

/// Planning a session, changing it, opening, closing or cancelling it.
struct MeetingPlanningController {
    // MARK: Planning

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

    /// Reads and checks the form, keeping what was typed in `model`.
    func read(_ request: Request, into model: inout MeetingPages.FormModel) async throws -> MeetingDraft? {
        let form = (try? request.content.decode(MeetingFields.self)) ?? MeetingFields()
        model.title = form.titre ?? ""
        model.day = form.jour ?? ""
        model.start = form.debut ?? ""
        model.end = form.fin ?? ""
        model.place = form.lieu ?? ""
        model.link = form.lien ?? ""
        model.territory = form.territoire ?? ""
        model.details = form.description ?? ""
        model.accessibility = form.accessibilite ?? ""
        let territory = try await UUID(uuidString: model.territory).asyncFlatMap { try await Territory.find($0, on: request.db) }
        switch MeetingDraft.check(form, territory: territory?.id) {
        case .success(let draft): return draft
        case .failure(let errors):
            model.errors = errors
            return nil
        }
    }

    func create(request: Request) async throws -> Response {
        var model = try await formModel(request, editing: nil)
        guard let draft = try await read(request, into: &model) else {
            return MeetingPages.form(model, context: request.pageContext).response(status: .unprocessableEntity)
        }
        let meeting = Meeting()
        draft.apply(to: meeting)
        try await MeetingWorkflow.plan(meeting, now: request.now, on: request.db)
        try await request.audit(.meetingCreate, about: .meeting(try meeting.requireID()))
        try await request.setFlash("La séance est créée. Ajoutez maintenant les points de l'ordre du jour.")
        return request.redirect(to: .meeting(try meeting.requireID()))
    }

    func editForm(request: Request) async throws -> HTML {
        let meeting = try await MeetingLookup.find(request)
        try MeetingLookup.requireChangeable(meeting)
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
        let meeting = try await MeetingLookup.find(request)
        try MeetingLookup.requireChangeable(meeting)
        var model = try await formModel(request, editing: try meeting.requireID())
        guard let draft = try await read(request, into: &model) else {
            return MeetingPages.form(model, context: request.pageContext).response(status: .unprocessableEntity)
        }
        let (startsAt, endsAt) = (meeting.startsAt, meeting.endsAt)
        draft.apply(to: meeting)
        // Its dates decide when attendance becomes a record: once past, they stay.
        if MeetingWorkflow.isFrozen(endsAt: endsAt, status: meeting.status, now: request.now),
           meeting.startsAt != startsAt || meeting.endsAt != endsAt {
            model.errors.add("jour", "Cette séance est passée : sa date et ses heures ne changent plus, "
                + "car la liste des présents est maintenant un registre.")
            return MeetingPages.form(model, context: request.pageContext).response(status: .unprocessableEntity)
        }
        try await meeting.save(on: request.db)
        var details: [String: String] = [:]
        if meeting.startsAt != startsAt || meeting.endsAt != endsAt {
            details["from"] = FrenchDates.iso(startsAt) + "/" + FrenchDates.iso(endsAt)
            details["to"] = FrenchDates.iso(meeting.startsAt) + "/" + FrenchDates.iso(meeting.endsAt)
        }
        try await request.audit(.meetingUpdate, about: .meeting(try meeting.requireID()), details)
        // Its recording read the old details: made again on the next listening.
        try await Recordings.forget(.meeting(try meeting.requireID()), on: request.db)
        try await request.setFlash("La séance est modifiée.")
        return request.redirect(to: .meeting(try meeting.requireID()))
    }

    struct StatusForm: Content {
        var action: String?
        var motif: String?
    }

    func changeStatus(request: Request) async throws -> Response {
        let meeting = try await MeetingLookup.find(request)
        let id = try meeting.requireID()
        let form = (try? request.content.decode(StatusForm.self)) ?? StatusForm()
        let transition: MeetingWorkflow.Transition?
        switch form.action {
        case "ouvrir": transition = .open
        case "clore": transition = .close
        // The reason is asked only of a session that can still be cancelled.
        case "annuler" where meeting.status == .planned:
            let reason = TextInput.clean(form.motif ?? "", multiline: true)
            let tooLong = TextInput.tooLong(reason, limit: TextInput.Limit.reason, what: "La raison")
            guard !reason.isEmpty, tooLong == nil else {
                var model = try await MeetingShowModel.make(meeting, request: request)
                model.cancelError = tooLong ?? "Écrivez la raison de l'annulation : les membres la liront."
                return MeetingPages.show(model, context: request.pageContext).response(status: .unprocessableEntity)
            }
            transition = .cancel(reason: reason)
        default: transition = nil
        }
        guard let transition, try await MeetingWorkflow.apply(transition, to: meeting, on: request.db) else {
            let current = try await Meeting.find(id, on: request.db)?.status ?? meeting.status
            throw PageError(.conflict, title: "Ce changement n'est pas possible",
                            message: "La séance est « \(current.label) ». Rechargez la page pour voir son état.")
        }
        try await request.audit(.meetingStatus, about: .meeting(id), ["status": meeting.status.rawValue])
        // Its kiosks end with it (they already refuse everything: the session is over).
        if [.closed, .cancelled].contains(meeting.status) {
            try await Kiosks.endAll(meetingID: id, by: nil, because: "session", on: request.db, now: request.now)
        }
        try await request.setFlash("La séance est maintenant « \(meeting.status.label) ».")
        return request.redirect(to: .meeting(id))
    }
}
