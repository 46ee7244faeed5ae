import Foundation

/// When a session's attendance stops being a draft and becomes a record
/// (design/voting.md, "Insiders"): only an administrator corrects it then,
/// with a reason, and the session's dates no longer move. Pure.
enum AttendanceRecord {
    /// How long after its planned end a session's attendance may still be
    /// completed, even if nobody marked it « terminée ».
    static let completionWindow: TimeInterval = 12 * 3600

    /// A session that has ended keeps the attendance it had: once marked
    /// « terminée », or once its planned end is well past.
    static func isFrozen(_ meeting: Meeting, now: Date) -> Bool {
        isFrozen(endsAt: meeting.endsAt, status: meeting.status, now: now)
    }

    static func isFrozen(endsAt: Date, status: MeetingStatus, now: Date) -> Bool {
        status == .closed || endsAt.addingTimeInterval(completionWindow) < now
    }
}
