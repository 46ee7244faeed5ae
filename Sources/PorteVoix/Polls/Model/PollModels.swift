import Fluent
import Foundation
import SQLKit
import Voting

public enum PollStatus: String, Codable, CaseIterable, Sendable {
    case draft, open, closed

    public var label: String {
        switch self {
        case .draft: "en préparation"
        case .open: "ouvert"
        case .closed: "clos"
        }
    }
}

/// Who may vote in a poll.
public enum PollEligibility: String, Codable, CaseIterable, Sendable {
    /// Every active member of the council.
    case all
    /// Active members of one territory.
    case territory
    /// Members ticked present at the poll's session.
    case present

    public var label: String {
        switch self {
        case .all: "Tous les membres du conseil"
        case .territory: "Les membres d'un territoire"
        case .present: "Les membres présents à la séance"
        }
    }
}

extension PollKind {
    public var label: String {
        switch self {
        case .yesNo: "Pour, contre ou abstention"
        case .single: "Un seul choix"
        case .approval: "Plusieurs choix possibles"
        case .majorityJudgment: "Une appréciation pour chaque choix (jugement majoritaire)"
        }
    }
}

/// How the ballots of a poll reach the box (design/voting.md, "Insiders").
/// Whoever types paper ballots knows their contents, so a poll tied to a
/// session takes one channel only: paper and web ballots never mix, and
/// nobody learns a web vote by subtracting the paper ones.
public enum PollChannel: String, Codable, CaseIterable, Sendable {
    /// Phones, a computer at home, the room's voting kiosk.
    case online
    /// Ballots typed from the room's pile; paper voters registered among the members present.
    case paper
    /// A session's poll opened before channels existed: both kinds of ballot.
    /// It publishes only if each channel that holds ballots holds the minimum.
    case mixed

    public var label: String {
        switch self {
        case .online: "En ligne : téléphone, ordinateur, borne de vote de la salle"
        case .paper: "Sur papier, dans la salle : les bulletins sont saisis par l'équipe d'animation"
        case .mixed: "Sur papier et en ligne (vote ouvert avant la règle d'un seul canal)"
        }
    }

    var takesWebBallots: Bool { self != .paper }
    var takesPaperBallots: Bool { self != .online }
}

/// Who can open a poll's ballot box (design/voting.md, "Keys").
public enum BallotCustody: String, Codable, CaseIterable, Sendable {
    /// The private key is stored wrapped under the site's ballot master key;
    /// the server counts at close.
    case standard
    /// The private key is split among key holders and never stored; the
    /// count waits until enough of them type their shares.
    case sealed

    public var label: String {
        switch self {
        case .standard: "Urne ordinaire : dépouillée automatiquement à la clôture"
        case .sealed: "Urne scellée : dépouillée quand plusieurs détenteurs de clés se réunissent"
        }
    }
}

/// A poll ("scrutin"). Its ballots live apart, in `ballots`, with nothing
/// that leads back to a voter; who voted lives in `poll_voters`.
public final class Poll: Model, @unchecked Sendable {
    public static let schema = "polls"

    @ID(key: .id) public var id: UUID?
    @Field(key: "question") public var question: String
    @Field(key: "description") public var details: String
    /// The question in easy-to-read French (« facile à lire »), optional.
    @OptionalField(key: "question_easy") public var questionEasy: String?
    @Enum(key: "kind") public var kind: PollKind
    @Field(key: "max_choices") public var maxChoices: Int
    /// Below this many ballots, results are not published (identification risk).
    @Field(key: "minimum_ballots") public var minimumBallots: Int
    @Enum(key: "eligibility") public var eligibility: PollEligibility
    @OptionalParent(key: "territory_id") public var territory: Territory?
    @OptionalParent(key: "meeting_id") public var meeting: Meeting?
    @OptionalField(key: "agenda_item_id") public var agendaItemID: UUID?
    @OptionalParent(key: "proposal_id") public var proposal: Proposal?
    @Enum(key: "status") public var status: PollStatus
    @OptionalField(key: "opens_at") public var opensAt: Date?
    @OptionalField(key: "closes_at") public var closesAt: Date?
    @OptionalField(key: "opened_at") public var openedAt: Date?
    @OptionalField(key: "closed_at") public var closedAt: Date?
    /// Paper ballots typed in so far; never more than paper voters.
    @Field(key: "paper_ballots") public var paperBallots: Int
    @Field(key: "created_at") public var createdAt: Date
    /// Paper or online, never both (mixed only for polls opened before the rule).
    @Enum(key: "channel") public var channel: PollChannel
    @Field(key: "custody") public var custody: BallotCustody
    /// The HPKE public key ballots are sealed with (base64).
    @OptionalField(key: "public_key") public var publicKey: String?
    /// Standard custody: the private key wrapped under the master key
    /// (base64), deleted at the count.
    @OptionalField(key: "wrapped_key") var wrappedKey: String?
    /// Sealed custody: the key holders' names, one per line, in share order.
    @Field(key: "key_holders") public var keyHolders: String
    /// Sealed custody: how many shares open the box.
    @Field(key: "key_threshold") public var keyThreshold: Int
    /// Sealed custody: shares their holders have not fetched yet. The poll
    /// cannot open while any waits on the server.
    @Field(key: "key_shares_pending") public var keySharesPending: Int
    /// When the ballots were counted (and deleted, and the key destroyed).
    @OptionalField(key: "counted_at") public var countedAt: Date?
    /// The stored aggregate result (JSON of `PollAggregate`), once counted.
    @OptionalField(key: "result") var result: String?
    @Children(for: \.$poll) var options: [PollOption]

    public init() {
        custody = .standard
        channel = .online
        keyHolders = ""
        keyThreshold = 0
        keySharesPending = 0
    }

    var identifier: String { id?.uuidString ?? "" }

    var holderNames: [String] {
        keyHolders.split(separator: "\n").map(String.init)
    }

    public var aggregate: PollAggregate? {
        result.flatMap { try? JSONDecoder().decode(PollAggregate.self, from: Data($0.utf8)) }
    }

    /// Closed, sealed, and its key holders have not met yet.
    var awaitsKeyHolders: Bool { status == .closed && countedAt == nil && custody == .sealed }

    /// The opening time the schedule may apply: none while a key share waits
    /// on the server for its holder (design/voting.md, "sealed").
    var scheduledOpening: Date? { keySharesPending > 0 ? nil : opensAt }

    /// Whether the poll belongs to a session: its electorate is then fixed when it opens.
    var isSessionPoll: Bool { $meeting.id != nil }

    /// The status as people read it, the wait for key holders included.
    var statusLabel: String { awaitsKeyHolders ? "clos, en attente des détenteurs de clés" : status.label }

    var rules: PollRules {
        PollRules(kind: kind, optionCount: kind == .yesNo ? 0 : ($options.value?.count ?? 0), maxChoices: maxChoices)
    }
}

final class PollOption: Model, @unchecked Sendable {
    static let schema = "poll_options"

    @ID(key: .id) var id: UUID?
    @Parent(key: "poll_id") var poll: Poll
    @Field(key: "position") var position: Int
    @Field(key: "label") var label: String

    init() {}

    init(pollID: UUID, position: Int, label: String) {
        self.$poll.id = pollID
        self.position = position
        self.label = label
    }
}

/// The register and the ballot box, created in SQL: Fluent cannot say
/// WITHOUT ROWID, composite keys or triggers.
///
/// - `poll_voters (poll_id, member_id, channel)`: who voted, how. Nothing else.
/// - `ballots (poll_id, id, content, tracker_hash)`: `id` is 128 random bits,
///   so rows are stored in an order unrelated to casting. No member, no time.
struct CreatePolls: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Poll.schema)
            .id()
            .field("question", .string, .required)
            .field("description", .string, .required)
            .field("kind", .string, .required)
            .field("max_choices", .int, .required)
            .field("minimum_ballots", .int, .required)
            .field("eligibility", .string, .required)
            .field("territory_id", .uuid, .references(Territory.schema, "id", onDelete: .setNull))
            .field("meeting_id", .uuid, .references(Meeting.schema, "id", onDelete: .setNull))
            .field("agenda_item_id", .uuid)
            .field("proposal_id", .uuid, .references(Proposal.schema, "id", onDelete: .setNull))
            .field("status", .string, .required)
            .field("opens_at", .datetime)
            .field("closes_at", .datetime)
            .field("opened_at", .datetime)
            .field("closed_at", .datetime)
            .field("paper_ballots", .int, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await database.schema(PollOption.schema)
            .id()
            .field("poll_id", .uuid, .required, .references(Poll.schema, "id", onDelete: .cascade))
            .field("position", .int, .required)
            .field("label", .string, .required)
            .create()
        guard let sql = database as? any SQLDatabase else { return }
        if sql.dialect.name == "sqlite" {
            try await sql.raw("""
                CREATE TABLE poll_voters (
                  poll_id BLOB NOT NULL REFERENCES polls(id),
                  member_id BLOB NOT NULL REFERENCES members(id),
                  channel TEXT NOT NULL CHECK (channel IN ('online', 'paper')),
                  PRIMARY KEY (poll_id, member_id)
                ) WITHOUT ROWID
                """).run()
            try await sql.raw("""
                CREATE TABLE ballots (
                  poll_id BLOB NOT NULL REFERENCES polls(id),
                  id TEXT NOT NULL,
                  content TEXT NOT NULL,
                  tracker_hash TEXT NOT NULL,
                  PRIMARY KEY (poll_id, id)
                ) WITHOUT ROWID
                """).run()
            for operation in ["UPDATE", "DELETE"] {
                try await sql.raw("""
                    CREATE TRIGGER ballots_no_\(unsafeRaw: operation.lowercased()) BEFORE \(unsafeRaw: operation) ON ballots
                    BEGIN SELECT RAISE(ABORT, 'ballots cannot be changed or removed'); END
                    """).run()
            }
        } else {
            try await sql.raw("""
                CREATE TABLE poll_voters (
                  poll_id UUID NOT NULL REFERENCES polls(id),
                  member_id UUID NOT NULL REFERENCES members(id),
                  channel TEXT NOT NULL CHECK (channel IN ('online', 'paper')),
                  PRIMARY KEY (poll_id, member_id)
                )
                """).run()
            try await sql.raw("""
                CREATE TABLE ballots (
                  poll_id UUID NOT NULL REFERENCES polls(id),
                  id TEXT NOT NULL,
                  content TEXT NOT NULL,
                  tracker_hash TEXT NOT NULL,
                  PRIMARY KEY (poll_id, id)
                )
                """).run()
            // Only the shuffle at closing may rewrite the ballots of a poll,
            // inside its own transaction (SET LOCAL portevoix.ballot_shuffle).
            try await sql.raw("""
                CREATE FUNCTION ballots_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                  IF TG_OP = 'DELETE' AND current_setting('portevoix.ballot_shuffle', true) = 'on' THEN
                    RETURN OLD;
                  END IF;
                  RAISE EXCEPTION 'ballots cannot be changed or removed';
                END $$
                """).run()
            try await sql.raw("""
                CREATE TRIGGER ballots_immutable BEFORE UPDATE OR DELETE ON ballots
                FOR EACH ROW EXECUTE FUNCTION ballots_immutable()
                """).run()
        }
    }

    func revert(on database: any Database) async throws {
        if let sql = database as? any SQLDatabase {
            try await sql.raw("DROP TABLE IF EXISTS ballots").run()
            try await sql.raw("DROP TABLE IF EXISTS poll_voters").run()
            if sql.dialect.name != "sqlite" {
                try await sql.raw("DROP FUNCTION IF EXISTS ballots_immutable()").run()
            }
        }
        try await database.schema(PollOption.schema).delete()
        try await database.schema(Poll.schema).delete()
    }
}

/// The indexes a poll's page and every ballot read through: without one on
/// `poll_options.poll_id`, SQLite built a throw-away index of every poll's
/// options for each read of one poll (callgrind: most of a ballot's database
/// work, and of a closed poll's page).
struct AddPollReadIndexes: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await SQLIndexes.create([("poll_options_poll", PollOption.schema, "poll_id, position"),
                                     ("polls_meeting", Poll.schema, "meeting_id"),
                                     ("polls_proposal", Poll.schema, "proposal_id")], on: database)
    }

    func revert(on database: any Database) async throws {
        for name in ["poll_options_poll", "polls_meeting", "polls_proposal"] {
            try await database.sql.raw("DROP INDEX \(unsafeRaw: name)").run()
        }
    }
}
