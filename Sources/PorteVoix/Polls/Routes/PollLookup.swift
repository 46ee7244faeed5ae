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
    /// `countingBallots`: false where the box's count is not shown (a ballot
    /// being cast): it walks every ballot of the poll.
    static func findWithReader(_ request: Request, memberID: UUID?,
                               countingBallots: Bool = true) async throws -> (poll: Poll, reader: ReaderState) {
        guard let id = request.id(.poll) else { throw Abort(.notFound) }
        let rows = try await request.db.sql.raw("""
            \(unsafeRaw: ballotColumns)\(unsafeRaw: countingBallots ? countedBallots : "0 AS ballots,")
            \(unsafeRaw: presence)\(bind: memberID)) AS present,
            (SELECT COUNT(*) FROM poll_voters v WHERE v.poll_id = p.id AND v.member_id = \(bind: memberID)) AS voted\(unsafeRaw: ballotTables)\(bind: id)
            """).all()
        guard let first = rows.first, let poll = try PlainRows.model(Poll.self, in: first, prefix: "p") else { throw Abort(.notFound) }
        // The poll itself as Fluent builds it (it may be saved: its schedule
        // applied); its relations only as the pages read them (names, titles),
        // built without reflecting each model's properties.
        let pollID = try poll.requireID()
        poll.$options.value = try rows.compactMap { row -> PollOption? in
            guard let id = try row.decode(column: "o_id", as: UUID?.self) else { return nil }
            let option = PollOption(pollID: pollID, position: try row.decode(column: "o_position", as: Int.self),
                                    label: try row.decode(column: "o_label", as: String.self))
            option.id = id
            return option
        }
        poll.$territory.value = .some(try first.decode(column: "t_id", as: UUID?.self).map { id in
            let territory = Territory()
            territory.id = id
            territory.name = try first.decode(column: "t_name", as: String.self)
            return territory
        })
        poll.$meeting.value = .some(try first.decode(column: "mt_id", as: UUID?.self).map { id in
            let meeting = Meeting()
            meeting.id = id
            meeting.title = try first.decode(column: "mt_title", as: String.self)
            meeting.startsAt = try first.decode(column: "mt_starts_at", as: Date.self)
            return meeting
        })
        poll.$proposal.value = .some(try first.decode(column: "pr_id", as: UUID?.self).map { id in
            let proposal = Proposal()
            proposal.id = id
            proposal.title = try first.decode(column: "pr_title", as: String.self)
            proposal.hiddenAt = try first.decode(column: "pr_hidden_at", as: Date?.self)
            return proposal
        })
        let reader = ReaderState(present: try first.decode(column: "present", as: Int.self) > 0,
                                 voted: try first.decode(column: "voted", as: Int.self) > 0,
                                 ballots: try first.decode(column: "ballots", as: Int.self))
        return (try await prepared(poll, request: request), reader)
    }

    static func findForBallot(_ request: Request, memberID: UUID) async throws -> (poll: Poll, present: Bool) {
        let (poll, reader) = try await findWithReader(request, memberID: memberID, countingBallots: false)
        return (poll, reader.present)
    }

    private static let ballotColumns: String = """
        SELECT \(PlainRows.columns(of: Poll.self, in: "p")), o.id AS o_id, o.position AS o_position, o.label AS o_label,
               t.id AS t_id, t.name AS t_name, mt.id AS mt_id, mt.title AS mt_title, mt.starts_at AS mt_starts_at,
               pr.id AS pr_id, pr.title AS pr_title, pr.hidden_at AS pr_hidden_at,
        """
    private static let countedBallots = "(SELECT COUNT(*) FROM ballots b WHERE b.poll_id = p.id) AS ballots,"
    private static let presence = """
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
