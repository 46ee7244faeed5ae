import Fluent
import Foundation
import NIOConcurrencyHelpers
import SQLKit
import Vapor

/// Where a poll is in its life at a given time, from its stored status and
/// its schedule: one decision, used wherever a poll is shown (its page, the
/// lists, the home page, the projector). Pure: no database, the clock given.
enum PollLifecycle {
    /// A draft whose opening time has come is open; an open poll whose
    /// closing time has passed is closed (its count may still be pending).
    static func status(_ stored: PollStatus, opensAt: Date?, closesAt: Date?, now: Date) -> PollStatus {
        var status = stored
        if status == .draft, let opensAt, opensAt <= now { status = .open }
        if status == .open, let closesAt, closesAt <= now { status = .closed }
        return status
    }

    /// What the server still has to do for the poll at `now`.
    enum Due: Equatable { case open, close, count }

    static func due(_ stored: PollStatus, opensAt: Date?, closesAt: Date?, counted: Bool, custody: BallotCustody,
                    now: Date) -> Due? {
        switch stored {
        case .draft: opensAt.map { $0 <= now } == true ? .open : nil
        case .open: closesAt.map { $0 <= now } == true ? .close : nil
        case .closed: !counted && custody == .standard ? .count : nil
        }
    }
}

extension Poll {
    /// Shows the poll as it is at `now`, in memory only: pages read the
    /// schedule, they never apply it (`PollSchedule` does).
    func showAsOf(_ now: Date) {
        status = PollLifecycle.status(status, opensAt: scheduledOpening, closesAt: closesAt, now: now)
    }
}
