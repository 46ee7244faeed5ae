import Fluent
import Foundation

/// The one writer of a session's status (planned, in progress, closed,
/// cancelled) and of its attendance. The callers check roles, read the
/// forms, audit and notify.
///
/// Attendance stops being a draft and becomes a record (design/voting.md,
/// "Insiders") once the session ends: only an administrator corrects it
/// then, with a reason, and the session's dates no longer move.
enum MeetingWorkflow {
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

    // MARK: Status

    /// A new session, planned.
    static func plan(_ meeting: Meeting, now: Date, on database: any Database) async throws {
        meeting.status = .planned
        meeting.otherAttendees = 0
        meeting.createdAt = now
        try await meeting.create(on: database)
    }

    enum Transition: Equatable {
        case open, close
        case cancel(reason: String)
    }

    /// The status a transition starts from, and the one it leads to.
    static func steps(_ transition: Transition) -> (from: MeetingStatus, to: MeetingStatus) {
        switch transition {
        case .open: (.planned, .inProgress)
        case .close: (.inProgress, .closed)
        case .cancel: (.planned, .cancelled)
        }
    }

    /// Moves the session on, claimed from the status it starts from: false
    /// when the session is not there (a closed session asked to open, or
    /// someone else moved it meanwhile), nothing written.
    static func apply(_ transition: Transition, to meeting: Meeting, on database: any Database) async throws -> Bool {
        let (from, to) = steps(transition)
        return try await database.retryingTransaction { database in
            let claimed = try await database.sql.raw("""
                UPDATE meetings SET status = \(bind: to.rawValue)
                WHERE id = \(bind: meeting.requireID()) AND status = \(bind: from.rawValue) RETURNING id
                """).all()
            guard !claimed.isEmpty else { return false }
            meeting.status = to
            switch transition {
            case .open:
                if meeting.currentItemID == nil {
                    meeting.currentItemID = try await AgendaItem.query(on: database).filter(\.$meeting.$id == meeting.requireID())
                        .sort(\.$position).first()?.id
                }
            case .close:
                meeting.currentItemID = nil
            case .cancel(let reason):
                meeting.cancelReason = reason
            }
            try await meeting.save(on: database)
            return true
        }
    }

    // MARK: Attendance

    struct AttendanceChange {
        var added: [UUID] = []
        var removed: [UUID] = []
        var othersBefore = 0
    }

    /// Marks present exactly the members `ticked` among those `shown` on the
    /// form (only active accounts), and the count of other people, on the
    /// caller's transaction.
    static func recordAttendance(_ meeting: Meeting, shown: Set<UUID>, ticked: Set<UUID>, others: Int,
                                 on database: any Database) async throws -> AttendanceChange {
        let id = try meeting.requireID()
        var change = AttendanceChange()
        let existing = try await MeetingAttendance.query(on: database).filter(\.$meeting.$id == id).all()
        for row in existing where shown.contains(row.$member.id) && !ticked.contains(row.$member.id) {
            change.removed.append(row.$member.id)
            try await row.delete(on: database)
        }
        let already = Set(existing.map(\.$member.id))
        let valid = try await Member.query(on: database).filter(\.$id ~~ Array(ticked.subtracting(already)))
            .filter(\.$status == .active).all()
        for member in valid {
            try await MeetingAttendance(meetingID: id, memberID: member.requireID()).create(on: database)
        }
        change.added = valid.compactMap(\.id)
        change.othersBefore = meeting.otherAttendees
        if change.othersBefore != others {
            meeting.otherAttendees = others
            try await meeting.save(on: database)
        }
        return change
    }
}
