import Foundation

/// The sessions feature's limits, named once for the rules, routes and pages.
enum MeetingLimits {
    /// An agenda item's title.
    static let itemTitle = TextInput.Limit.line
    /// Where the session takes place.
    static let place = TextInput.Limit.line
    /// The link of an online session.
    static let link = TextInput.Limit.link
    /// The minutes, plain text with lists.
    static let minutes = 50_000
    /// Members shown at once on the attendance sheet (a search narrows it).
    static let attendanceSheet = 300
    /// An administrator's reason for correcting a finished session's attendance.
    static let attendanceReason = 300
    /// Published proposals offered for linking to an agenda item.
    static let linkableProposals = 200
    /// How far back the calendar feed goes, and how many sessions it holds.
    static let calendarPast: TimeInterval = 180 * 86_400
    static let calendarSessions = 500
    /// Upcoming sessions listed (they are few); past ones come by pages.
    static let upcomingListed = 100
    static let pastPage = 20
}
