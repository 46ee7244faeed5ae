import Fluent
import Plot
import Vapor

/// Calendar files: every session (`/seances.ics`) or one (`/seances/{id}.ics`).
struct MeetingCalendarController {
    // MARK: Calendar files

    func calendarFeed(request: Request) async throws -> Response {
        let since = request.now.addingTimeInterval(-MeetingLimits.calendarPast)
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
        return Response(status: .ok, headers: headers, body: .init(string: ICalendar.calendar(name: name, events: events, now: request.now)))
    }
}
