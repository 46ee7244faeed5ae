import Fluent
import Vapor

/// The poll a route names, as every poll route reads it.
enum PollLookup {
    // MARK: Finding

    static func find(_ request: Request) async throws -> Poll {
        guard let id = request.id(.poll),
              let poll = try await Poll.query(on: request.db).filter(\.$id == id)
                .with(\.$options).with(\.$territory).with(\.$meeting).with(\.$proposal).first()
        else { throw Abort(.notFound) }
        return try await prepared(poll, request: request)
    }

    /// What the database says of one reader and one poll, read with it.
    struct ReaderState: Sendable {
        /// Marked present at the poll's session.
        var present: Bool
        /// In the register (voted, on the web or on paper).
        var voted: Bool
        /// The sealed ballots in the box now.
        var ballots: Int
    }

    /// The poll with its options, territory, session and proposal, whether
    /// `memberID` is marked present at its session and has voted, and the
    /// ballots in its box, in one plain query: what a ballot and the poll's
    /// page need (five Fluent queries and three counts before).
    static func findWithReader(_ request: Request, memberID: UUID?) async throws -> (poll: Poll, reader: ReaderState) {
        guard let id = request.id(.poll) else { throw Abort(.notFound) }
        let rows = try await request.db.sql.raw("""
            \(unsafeRaw: ballotColumns)\(bind: memberID)) AS present,
            (SELECT COUNT(*) FROM poll_voters v WHERE v.poll_id = p.id AND v.member_id = \(bind: memberID)) AS voted\(unsafeRaw: ballotTables)\(bind: id)
            """).all()
        guard let first = rows.first, let poll = try PlainRows.model(Poll.self, in: first, prefix: "p") else { throw Abort(.notFound) }
        poll.$options.value = try rows.compactMap { try PlainRows.model(PollOption.self, in: $0, prefix: "o") }
        poll.$territory.value = .some(try PlainRows.model(Territory.self, in: first, prefix: "t"))
        poll.$meeting.value = .some(try PlainRows.model(Meeting.self, in: first, prefix: "mt"))
        poll.$proposal.value = .some(try PlainRows.model(Proposal.self, in: first, prefix: "pr"))
        let reader = ReaderState(present: try first.decode(column: "present", as: Int.self) > 0,
                                 voted: try first.decode(column: "voted", as: Int.self) > 0,
                                 ballots: try first.decode(column: "ballots", as: Int.self))
        return (try await prepared(poll, request: request), reader)
    }

    static func findForBallot(_ request: Request, memberID: UUID) async throws -> (poll: Poll, present: Bool) {
        let (poll, reader) = try await findWithReader(request, memberID: memberID)
        return (poll, reader.present)
    }

    private static let ballotColumns: String = """
        SELECT \(PlainRows.columns(of: Poll.self, in: "p")), \(PlainRows.columns(of: PollOption.self, in: "o")),
               \(PlainRows.columns(of: Territory.self, in: "t")), \(PlainRows.columns(of: Meeting.self, in: "mt")),
               \(PlainRows.columns(of: Proposal.self, in: "pr")),
               (SELECT COUNT(*) FROM ballots b WHERE b.poll_id = p.id) AS ballots,
               (SELECT COUNT(*) FROM \(MeetingAttendance.schema) a WHERE a.meeting_id = p.meeting_id AND a.member_id = 
        """
    private static let ballotTables: String = """

        FROM \(Poll.schema) p
        LEFT JOIN \(PollOption.schema) o ON o.poll_id = p.id
        LEFT JOIN \(Territory.schema) t ON t.id = p.territory_id
        LEFT JOIN \(Meeting.schema) mt ON mt.id = p.meeting_id
        LEFT JOIN \(Proposal.schema) pr ON pr.id = p.proposal_id
        WHERE p.id = 
        """

    private static func prepared(_ poll: Poll, request: Request) async throws -> Poll {
        poll.$options.value = poll.options.sorted { $0.position < $1.position }
        // An action on the poll applies its schedule's state first (opened,
        // closed); looking at it only shows it. Counting is the server task's
        // job, or the facilitator's "clore": never a voter's request.
        if request.method == .GET || request.method == .HEAD {
            poll.showAsOf(request.now)
        } else {
            try await PollSchedule.apply(poll, app: request.application, now: request.now, counting: false)
        }
        if poll.status == .draft && request.member?.roles.isDisjoint(with: Role.organisers) != false {
            throw Abort(.notFound)
        }
        return poll
    }
}
