import Fluent
import Plot
import Vapor

/// The attendance sheet of a session (émargement). Attendance decides who
/// may vote in a session's "present members" polls and who may be registered
/// as a paper voter, so it is a record, not a draft (design/voting.md,
/// "Insiders"): every change is journaled, every member marked present is
/// told in their own inbox, and once the session has ended only an
/// administrator corrects it, with a reason.
struct AttendanceController {
    // MARK: Attendance

    func attendanceForm(request: Request) async throws -> HTML {
        let meeting = try await MeetingLookup.find(request)
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
        let members = try await query.limit(MeetingLimits.attendanceSheet).all()
        let listed = members.map { NamedID(id: $0.id ?? UUID(), name: $0.publicName) }
        var model = MeetingPages.AttendanceModel(meeting: MeetingSummary(meeting), members: listed, present: present, search: search,
                                                 csrf: try await request.csrfToken())
        model.frozen = MeetingWorkflow.isFrozen(meeting, now: request.now)
        model.canCorrect = request.member?.roles.contains(.admin) == true
        return model
    }

    func attendanceSheet(request: Request) async throws -> HTML {
        let meeting = try await MeetingLookup.find(request)
        let rows = try await MeetingAttendance.query(on: request.db).filter(\.$meeting.$id == meeting.requireID())
            .with(\.$member).all()
        let names = rows.map(\.member.publicName).sorted { $0.localizedCompare($1) == .orderedAscending }
        return MeetingPages.attendanceSheet(MeetingSummary(meeting), present: names, context: request.pageContext)
    }

    struct AttendanceForm: Content {
        var presents: [String]?
        var affiches: [String]?
        var autres: String?
        var raison: String?
    }

    func saveAttendance(request: Request) async throws -> Response {
        let meeting = try await MeetingLookup.find(request)
        let id = try meeting.requireID()
        guard meeting.status != .cancelled else {
            throw PageError(.conflict, title: "Cette séance est annulée", message: "On ne note pas de présences pour une séance annulée.")
        }
        let frozen = MeetingWorkflow.isFrozen(meeting, now: request.now)
        let isAdmin = request.member?.roles.contains(.admin) == true
        guard !frozen || isAdmin else {
            throw PageError(.forbidden, title: "L'émargement de cette séance ne peut plus changer",
                            message: "La séance est terminée : la liste des présents est un registre. En cas d'erreur, "
                                + "demandez à une administratrice ou un administrateur du site de la corriger, avec la raison.")
        }
        let form = (try? request.content.decode(AttendanceForm.self)) ?? AttendanceForm()
        // Only the members shown on the form change: a search shows a few.
        let shown = Set((form.affiches ?? []).compactMap(UUID.init(uuidString:)))
        let ticked = Set((form.presents ?? []).compactMap(UUID.init(uuidString:))).intersection(shown)
        let typedOthers = (form.autres ?? "").trimmingCharacters(in: .whitespaces)
        let others = typedOthers.isEmpty ? 0 : Int(typedOthers)
        let reason = TextInput.clean(form.raison ?? "", multiline: false)
        var problems: (others: String?, reason: String?) = (nil, nil)
        if !(others.map { (0...10_000).contains($0) } ?? false) { problems.others = "Indiquez un nombre de personnes, par exemple 3." }
        if frozen && reason.isEmpty { problems.reason = "Écrivez la raison de la correction : elle sera écrite dans le journal." }
        else if reason.count > MeetingLimits.attendanceReason {
            problems.reason = "La raison doit avoir au plus \(MeetingLimits.attendanceReason) caractères."
        } else if !Screening.kinds(in: reason).isEmpty {
            // The journal keeps it for good: no personal data in it.
            problems.reason = "La raison est gardée pour toujours dans le journal : écrivez-la sans numéro, adresse "
                + "ni autre donnée personnelle."
        }
        if problems.others != nil || problems.reason != nil {
            var model = try await attendanceModel(meeting, request: request)
            model.othersError = problems.others
            model.reasonError = problems.reason
            model.typedOthers = form.autres ?? ""
            model.typedReason = form.raison ?? ""
            model.typedPresent = model.present.subtracting(shown).union(ticked)
            return MeetingPages.attendance(model, context: request.pageContext).response(status: .unprocessableEntity)
        }
        // A latecomer marked while a poll of the session is open may vote in
        // a "present members" poll: the journal says the marking came then.
        let openPolls = try await Poll.query(on: request.db).filter(\.$meeting.$id == id).filter(\.$status == .open).count()
        let (added, removed) = try await request.db.transaction { database -> ([UUID], [UUID]) in
            let change = try await MeetingWorkflow.recordAttendance(meeting, shown: shown, ticked: ticked, others: others ?? 0,
                                                                    on: database)
            let (added, removed, othersBefore) = (change.added, change.removed, change.othersBefore)
            if !added.isEmpty || !removed.isEmpty || othersBefore != meeting.otherAttendees {
                var details = ["added": AuditDetails.ids(added), "removed": AuditDetails.ids(removed),
                               "addedCount": String(added.count), "removedCount": String(removed.count)]
                if othersBefore != meeting.otherAttendees {
                    details["others"] = "\(othersBefore)→\(meeting.otherAttendees)"
                }
                if openPolls > 0 { details["duringVote"] = "1" }
                if frozen { details["correction"] = reason }
                try await request.audit(frozen ? .meetingAttendanceCorrection : .meetingAttendance, about: .meeting(id),
                                        details, on: database)
            }
            // Each member marked present is told, so that a name nobody saw
            // in the room is noticed by its owner.
            for memberID in added {
                try await Notifier.notify(memberID, "Vous avez été noté·e présent·e à la séance « \(meeting.title) » du "
                    + "\(FrenchDates.day(meeting.startsAt)). Si ce n'est pas le cas, dites-le à la modération ou à l'administration.",
                    link: .meeting(id), at: request.now, on: database)
            }
            for memberID in removed {
                try await Notifier.notify(memberID, "Vous avez été retiré·e de la liste des présents de la séance « \(meeting.title) » "
                    + "du \(FrenchDates.day(meeting.startsAt)). Si c'est une erreur, dites-le à la modération ou à l'administration.",
                    link: .meeting(id), at: request.now, on: database)
            }
            return (added, removed)
        }
        try await request.setFlash(added.isEmpty && removed.isEmpty ? "Les présences sont enregistrées, sans changement."
            : "Les présences sont enregistrées : \(added.count) ajout\(added.count > 1 ? "s" : ""), "
                + "\(removed.count) retrait\(removed.count > 1 ? "s" : ""). Chaque personne ajoutée ou retirée en est prévenue.")
        return request.redirect(to: .meeting(id, .attendance))
    }
}
