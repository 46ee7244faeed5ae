import Foundation

/// What pages show of a session, as plain values.
struct MeetingSummary: Sendable {
    var id: UUID
    var title: String
    var status: MeetingStatus
    var startsAt: Date
    var endsAt: Date
    var place: String
    var onlineLink: String?
    /// nil for a plenary session (the whole département).
    var territoryName: String?
    var details = ""
    var accessibility = ""
    var cancelReason: String?
    var currentItemID: UUID?
    var otherAttendees = 0
    var minutes: String?
    var minutesPublishedAt: Date?

    var isOpenForChanges: Bool { status == .planned || status == .inProgress }

    func url(_ page: SiteURL.MeetingPage = .show) -> SiteURL { .meeting(id, page) }
}

extension MeetingSummary {
    /// The territory is read only if it was loaded.
    init(_ meeting: Meeting) {
        self.init(
            id: meeting.id ?? UUID(), title: meeting.title, status: meeting.status, startsAt: meeting.startsAt,
            endsAt: meeting.endsAt, place: meeting.place, onlineLink: meeting.onlineLink,
            territoryName: meeting.$territory.id == nil ? nil : meeting.$territory.value??.name ?? "", details: meeting.details, accessibility: meeting.accessibility,
            cancelReason: meeting.cancelReason, currentItemID: meeting.currentItemID, otherAttendees: meeting.otherAttendees,
            minutes: meeting.minutes, minutesPublishedAt: meeting.minutesPublishedAt
        )
    }
}

/// One point of a session's agenda, with the proposals linked to it.
struct AgendaItemSummary: Sendable {
    var id: UUID
    var title: String
    var details = ""
    var proposals: [ProposalSummary] = []
}

extension AgendaItemSummary {
    /// The linked proposals are read only if they were loaded.
    init(_ item: AgendaItem) {
        self.init(id: item.id ?? UUID(), title: item.title, details: item.details,
                  proposals: item.$proposals.value?.filter { $0.hiddenAt == nil }.map(ProposalSummary.init) ?? [])
    }
}
