import Fluent
import Plot
import Vapor

/// A session's minutes: written after the session, published, printed.
struct MinutesController {
    func printableMinutes(request: Request) async throws -> HTML {
        let meeting = try await MeetingLookup.find(request)
        guard meeting.minutesPublishedAt != nil, let minutes = meeting.minutes else { throw Abort(.notFound) }
        let counts = try await MeetingCounts.make(meeting, on: request.db)
        return MeetingPages.printableMinutes(MeetingSummary(meeting), minutes: minutes, counts: counts, context: request.pageContext)
    }

    func minutesForm(request: Request) async throws -> HTML {
        let meeting = try await MeetingLookup.find(request)
        return MeetingPages.minutesForm(MeetingSummary(meeting), text: meeting.minutes ?? "", csrf: try await request.csrfToken(),
                                        error: nil, context: request.pageContext)
    }

    struct MinutesForm: Content {
        var texte: String?
        var action: String?
        /// The fingerprint of the text the facilitator saw the personal-data warning for.
        var verifie: String?
    }

    func saveMinutes(request: Request) async throws -> Response {
        let meeting = try await MeetingLookup.find(request)
        let id = try meeting.requireID()
        guard meeting.status == .closed || meeting.status == .inProgress else {
            throw PageError(.conflict, title: "Le compte rendu vient après la séance",
                            message: "Ouvrez puis clôturez la séance avant d'écrire son compte rendu.")
        }
        let form = (try? request.content.decode(MinutesForm.self)) ?? MinutesForm()
        let text = TextInput.clean(form.texte ?? "", multiline: true)
        let publish = form.action == "publier"
        var error: String?
        if text.count > MeetingLimits.minutes { error = "Le compte rendu est trop long : \(TextInput.number(MeetingLimits.minutes)) caractères au plus." }
        if publish && text.count < 20 { error = "Écrivez le compte rendu avant de le publier." }
        if publish && meeting.status != .closed { error = "Clôturez la séance avant de publier son compte rendu." }
        if let error {
            return MeetingPages.minutesForm(MeetingSummary(meeting), text: form.texte ?? "", csrf: try await request.csrfToken(),
                                            error: error, context: request.pageContext).response(status: .unprocessableEntity)
        }
        // Minutes name people: the facilitator sees what looks like personal data before it is saved.
        if form.verifie != Screening.seen(text), !Screening.kinds(in: text).isEmpty {
            return MeetingPages.minutesForm(MeetingSummary(meeting), text: form.texte ?? "", csrf: try await request.csrfToken(),
                                            error: nil, screened: true, context: request.pageContext).response(status: .ok)
        }
        let firstPublication = publish && meeting.minutesPublishedAt == nil
        meeting.minutes = text
        if publish { meeting.minutesPublishedAt = meeting.minutesPublishedAt ?? request.now }
        return try await request.keepingText(form: {
            MeetingPages.minutesForm(MeetingSummary(meeting), text: form.texte ?? "", csrf: try await request.csrfToken(),
                                     error: nil, context: request.pageContext)
        }) {
            try await request.db.transaction { database in
                try await meeting.save(on: database)
                if firstPublication {
                    try await request.audit(.meetingMinutes, about: .meeting(id), on: database)
                    for memberID in try await MeetingAudience.memberIDs(for: meeting, on: database) {
                        try await Notifier.notify(memberID, "Le compte rendu de la séance « \(meeting.title) » est publié.",
                                                  link: .meeting(id), fragment: "compte-rendu", at: request.now, on: database)
                    }
                }
            }
            try await request.setFlash(publish ? "Le compte rendu est publié. Les membres sont prévenus."
                                               : "Le brouillon du compte rendu est enregistré. Il n'est pas encore visible.")
            return publish ? request.redirect(to: .meeting(id), fragment: "compte-rendu") : request.redirect(to: .meeting(id, .minutes))
        }
    }
}
