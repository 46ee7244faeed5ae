import Fluent
import Foundation
import SQLKit
import Vapor

/// The voting kiosk (« borne de vote ») of a session: a device a
/// facilitator hands over to the room. It reaches only the sign-in, the
/// activation of a card, and that session's polls; each member's session
/// there is short, kept alive by their own actions, and ends when they are
/// done or idle, so that nothing of one member is left for the next.
enum Kiosks {
    /// A member's session at the kiosk ends after this long without action.
    /// The pages warn 30 seconds before (the stylesheet's timings match).
    static let idleLimit: TimeInterval = 180
    /// A click at the last second still counts.
    static let grace: TimeInterval = 10

    /// Sign-in failures at one kiosk, all accounts together: past this, the
    /// kiosk waits (a guesser at the kiosk cannot go on for ever), while each
    /// account keeps its own count so that one member's mistakes never block
    /// the next member.
    static let kioskLimit = AttemptLimit(freeFailures: 30, firstDelay: 60, longestDelay: 600, forgetAfter: 900)

    static func cookieName(secure: Bool) -> String { secure ? "__Host-portevoix-borne" : "portevoix-borne" }

    /// What a request from a kiosk knows of it.
    struct Device: Sendable {
        var id: UUID
        var meetingID: UUID
        var meetingTitle: String
    }

    enum State: Sendable {
        case active(Device)
        /// Ended by a facilitator, or its session is over.
        case ended
    }

    /// The kiosk whose token the device holds.
    static func find(token: String, on database: any Database) async throws -> State? {
        guard SecureToken.isWellFormed(token),
              let kiosk = try await Kiosk.query(on: database).filter(\.$tokenHash == SecureToken.hash(token)).with(\.$meeting).first()
        else { return nil }
        guard kiosk.endedAt == nil, [.planned, .inProgress].contains(kiosk.meeting.status) else { return .ended }
        return .active(Device(id: try kiosk.requireID(), meetingID: kiosk.$meeting.id, meetingTitle: kiosk.meeting.title))
    }

    /// Starts a kiosk for `meeting`; returns the token for the device's cookie.
    static func start(meetingID: UUID, by actorID: UUID, on database: any Database, now: Date) async throws -> String {
        let token = SecureToken.make()
        try await database.retryingTransaction { database in
            try await Kiosk(meetingID: meetingID, tokenHash: SecureToken.hash(token), startedAt: now).create(on: database)
            try await AuditLog.append(actorID: actorID, action: .meetingKioskStart, subject: .meeting(meetingID), at: now, on: database)
        }
        return token
    }

    /// Ends every kiosk of the session; `because` is "facilitator" or
    /// "session" (the session ended). Returns how many were open.
    @discardableResult
    static func endAll(meetingID: UUID, by actorID: UUID?, because: String, on database: any Database, now: Date) async throws -> Int {
        try await database.retryingTransaction { database in
            let open = try await Kiosk.query(on: database).filter(\.$meeting.$id == meetingID).filter(\.$endedAt == nil).all()
            guard !open.isEmpty else { return 0 }
            let ids = try open.map { try $0.requireID() }
            try await Kiosk.query(on: database).filter(\.$id ~~ ids).set(\.$endedAt, to: now).update()
            // Members signed in there now are signed out.
            try await WebSessionRecord.query(on: database).filter(\.$kioskID ~~ ids).delete()
            try await AuditLog.append(actorID: actorID, action: .meetingKioskEnd, subject: .meeting(meetingID),
                                      details: ["why": because, "count": String(open.count)], at: now, on: database)
            return open.count
        }
    }

    /// How many kiosks of the session are open, and since when the first.
    static func open(meetingID: UUID, on database: any Database) async throws -> (count: Int, since: Date?) {
        let open = try await Kiosk.query(on: database).filter(\.$meeting.$id == meetingID).filter(\.$endedAt == nil)
            .sort(\.$startedAt).all()
        return (open.count, open.first?.startedAt)
    }

    /// The counters a sign-in at the kiosk goes under: the account's own,
    /// and the kiosk's (never the address, which the whole room shares).
    static func attemptKeys(pseudonymKey: String, kiosk: Device) -> [AttemptKey] {
        [accountKey(pseudonymKey: pseudonymKey), AttemptKey("borne", kiosk.id.uuidString, limit: kioskLimit)]
    }

    /// A member's counter at the kiosks: what a facilitator's « lever la
    /// pause » clears with their others. (A kiosk blocked as a whole is
    /// closed and opened again: a new kiosk starts with no count.)
    static func accountKey(pseudonymKey: String) -> AttemptKey {
        AttemptKey("borne-compte", pseudonymKey, limit: .perAccount)
    }

    /// The counter of card activations at this kiosk (the room shares one address).
    static func activationKey(_ kiosk: Device) -> AttemptKey {
        AttemptKey("borne-activation", kiosk.id.uuidString, limit: .perAddress)
    }

    // MARK: Where a kiosk may go

    /// Paths any kiosk reaches whatever the poll: its own pages, the
    /// activation of a card.
    static func isKioskPath(_ path: String) -> Bool {
        let kiosk = SiteURL.kiosk(.welcome).path
        // The stylesheets are routes too (`Stylesheet`): the kiosk needs them.
        return path == kiosk || path.hasPrefix(kiosk + "/") || path.hasPrefix("/css/")
            || [SiteURL.activation, .activationAccount, .activationCharter].map(\.path).contains(path)
    }

    /// The poll a path names, if it is one a voter uses: its page, the
    /// confirmation, the change of choice, the vote, its recording.
    static func pollID(in path: String) -> UUID? {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        // "", "scrutins", id [, page]  or  "", "ecouter", "scrutins", id
        if parts.count >= 3, parts[1] == "scrutins", let id = UUID(uuidString: parts[2]) {
            if parts.count == 3 { return id }
            if parts.count == 4, ["confirmation", "modifier", "vote"].contains(parts[3]) { return id }
        }
        if parts.count == 4, parts[1] == "ecouter", parts[2] == "scrutins", let id = UUID(uuidString: parts[3]) { return id }
        return nil
    }

    /// Whether the kiosk may show this poll: one of its session's, taking
    /// ballots on the web.
    static func allows(pollID: UUID, kiosk: Device, on database: any Database) async throws -> Bool {
        guard let poll = try await Poll.find(pollID, on: database) else { return false }
        return poll.$meeting.id == kiosk.meetingID && poll.channel.takesWebBallots && poll.status != .draft
    }

    /// The session's polls open on the web now that `member` may vote in.
    static func openPolls(meetingID: UUID, for member: Member, on database: any Database) async throws -> [Poll] {
        var result: [Poll] = []
        for poll in try await Poll.query(on: database).filter(\.$meeting.$id == meetingID).filter(\.$status == .open)
            .sort(\.$createdAt).all() where poll.channel.takesWebBallots {
            if try await PollAccess.refusal(poll, member: member, on: database) == nil { result.append(poll) }
        }
        return result
    }
}
