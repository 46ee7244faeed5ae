import Fluent
import Plot
import Vapor

/// A session's agenda: items, their order, the proposals they discuss.
struct AgendaController {
    // MARK: Agenda

    struct ItemForm: Content {
        var titre: String?
        var description: String?
        var sens: String?
        var proposition: String?
        var point: String?
    }

    func findItem(_ request: Request, meeting: Meeting) async throws -> AgendaItem {
        guard let itemID = request.id(.agendaItem),
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
        guard !title.isEmpty, title.count <= MeetingLimits.itemTitle, detailsTooLong == nil else {
            var model = try await MeetingShowModel.make(meeting, request: request)
            model.itemErrors.add(field, title.isEmpty ? "Donnez un titre à ce point."
                : title.count > MeetingLimits.itemTitle ? "Le titre doit avoir au plus \(MeetingLimits.itemTitle) caractères." : detailsTooLong ?? "")
            model.typedItem = (form.titre ?? "", form.description ?? "")
            return .invalid(MeetingPages.show(model, context: request.pageContext).response(status: .unprocessableEntity))
        }
        return .valid(title: title, details: details)
    }

    func addItem(request: Request) async throws -> Response {
        let meeting = try await MeetingLookup.find(request)
        try MeetingLookup.requireChangeable(meeting)
        let id = try meeting.requireID()
        switch try await readItem(request, meeting: meeting, field: "nouveau-point") {
        case .invalid(let response): return response
        case .valid(let title, let details):
            let position = (try await AgendaItem.query(on: request.db).filter(\.$meeting.$id == id).max(\.$position) ?? 0) + 1
            try await AgendaItem(meetingID: id, position: position, title: title, details: details).create(on: request.db)
            try await request.setFlash("Le point « \(title) » est ajouté à l'ordre du jour.")
            return request.redirect(to: .meeting(id), fragment: "ordre-du-jour")
        }
    }

    func editItem(request: Request) async throws -> Response {
        let meeting = try await MeetingLookup.find(request)
        try MeetingLookup.requireChangeable(meeting)
        let item = try await findItem(request, meeting: meeting)
        switch try await readItem(request, meeting: meeting, field: "point-\(try item.requireID())") {
        case .invalid(let response): return response
        case .valid(let title, let details):
            item.title = title
            item.details = details
            try await item.save(on: request.db)
            try await request.setFlash("Le point est modifié.")
            return request.redirect(to: .meeting(try meeting.requireID()), fragment: "ordre-du-jour")
        }
    }

    /// Up or down by one place: buttons that work without JavaScript.
    func moveItem(request: Request) async throws -> Response {
        let meeting = try await MeetingLookup.find(request)
        try MeetingLookup.requireChangeable(meeting)
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
        return request.redirect(to: .meeting(try meeting.requireID()), fragment: "point-\(try item.requireID())")
    }

    func setCurrentItem(request: Request) async throws -> Response {
        let meeting = try await MeetingLookup.find(request)
        guard meeting.status == .inProgress else {
            throw PageError(.conflict, title: "La séance n'est pas en cours",
                            message: "Ouvrez la séance pour choisir le point en cours.")
        }
        let item = try await findItem(request, meeting: meeting)
        meeting.currentItemID = try item.requireID()
        try await meeting.save(on: request.db)
        return request.redirect(to: .meeting(try meeting.requireID()), fragment: "point-\(try item.requireID())")
    }

    func deleteItem(request: Request) async throws -> Response {
        let meeting = try await MeetingLookup.find(request)
        try MeetingLookup.requireChangeable(meeting)
        let item = try await findItem(request, meeting: meeting)
        if meeting.currentItemID == item.id {
            meeting.currentItemID = nil
            try await meeting.save(on: request.db)
        }
        try await item.delete(on: request.db)
        try await request.setFlash("Le point « \(item.title) » est retiré de l'ordre du jour.")
        return request.redirect(to: .meeting(try meeting.requireID()), fragment: "ordre-du-jour")
    }

    /// Links a proposal to an agenda item; a published proposal becomes
    /// "inscrite à une séance", and its author is told.
    func linkProposal(request: Request) async throws -> Response {
        let member = try request.requireMember()
        let meeting = try await MeetingLookup.find(request)
        try MeetingLookup.requireChangeable(meeting)
        let form = (try? request.content.decode(ItemForm.self)) ?? ItemForm()
        let item = try await UUID(uuidString: form.point ?? "").asyncFlatMap {
            try await AgendaItem.query(on: request.db).filter(\.$id == $0).filter(\.$meeting.$id == meeting.requireID()).first()
        }
        let chosen = form.proposition.flatMap(UUID.init(uuidString:))
        let proposal = try await chosen.asyncFlatMap { try await Proposal.find($0, on: request.db) }
        guard let item, let proposal, proposal.isShownToThePublic else {
            var model = try await MeetingShowModel.make(meeting, request: request)
            if item == nil { model.itemErrors.add("point", "Choisissez un point de l'ordre du jour.") }
            if proposal?.isShownToThePublic != true {
                model.itemErrors.add("proposition", "Choisissez une proposition publiée dans la liste.")
            }
            model.typedLink = (form.point ?? "", form.proposition ?? "")
            return MeetingPages.show(model, context: request.pageContext).response(status: .unprocessableEntity)
        }
        let itemID = try item.requireID()
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
                        note: "Séance du \(FrenchDates.dayAndTime(meeting.startsAt)) : « \(meeting.title) ».", on: database, now: request.now)
                }
            }
        }
        try await request.setFlash("La proposition « \(proposal.title) » est liée au point « \(item.title) »."
            + (schedules || already || proposal.status != .published ? ""
                : " Elle reste « publiée » : l'inscrire à la séance revient à une animatrice, un animateur ou un agent du Département."))
        return request.redirect(to: .meeting(try meeting.requireID()), fragment: "point-\(itemID)")
    }
}
