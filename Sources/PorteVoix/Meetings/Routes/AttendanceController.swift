import Fluent
import Plot
import Vapor

/// The attendance sheet of a session (émargement).
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
        return MeetingPages.AttendanceModel(meeting: MeetingSummary(meeting), members: listed, present: present, search: search,
                                            csrf: try await request.csrfToken())
    }

    struct AttendanceForm: Content {
        var presents: [String]?
        var affiches: [String]?
        var autres: String?
    }

    func saveAttendance(request: Request) async throws -> Response {
        let meeting = try await MeetingLookup.find(request)
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
            var removed: [UUID] = []
            for row in existing where shown.contains(row.$member.id) && !ticked.contains(row.$member.id) {
                removed.append(row.$member.id)
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
                try await request.audit("meeting.attendance", about: .meeting(id),
                                        ["added": AuditDetails.ids(valid.compactMap(\.id)), "removed": AuditDetails.ids(removed)],
                                        on: database)
            }
        }
        try await request.setFlash("Les présences sont enregistrées.")
        return request.redirect(to: .meeting(id, .attendance))
    }
}
