import Fluent
import Foundation
import SQLKit

/// One share of a sealed box's key, and what the site keeps of it
/// (design/voting.md, "sealed"; docs/cles-des-urnes.md says what is kept,
/// where, and for how long).
///
/// - Before its holder fetches it: `wrapped_share`, the share wrapped under
///   the ballot master key. The poll cannot open while any is left.
/// - Once fetched: only `fingerprint` (a hash of the share) and `fetched_at`.
/// - At the count, from the moment the holder types it until the box opens:
///   `given_share`, wrapped under the master key. Fewer than the threshold
///   never open the box; once the threshold is reached the count runs and
///   every given share is erased in the count's transaction.
final class PollKeyShare: Model, @unchecked Sendable {
    static let schema = "poll_key_shares"

    @ID(key: .id) var id: UUID?
    @Field(key: "poll_id") var pollID: UUID
    /// 1-based, as printed on the share.
    @Field(key: "holder") var holder: Int
    @Parent(key: "member_id") var member: Member
    @OptionalField(key: "wrapped_share") var wrappedShare: String?
    @Field(key: "fingerprint") var fingerprint: String
    @OptionalField(key: "fetched_at") var fetchedAt: Date?
    @OptionalField(key: "given_share") var givenShare: String?
    @OptionalField(key: "given_at") var givenAt: Date?

    init() {}

    /// What the poll's pages show of it: who, whether fetched or given; never the share.
    var line: PollPages.CustodyModel.Holder {
        .init(number: holder, name: member.publicName, fetched: wrappedShare == nil, given: givenShare != nil)
    }
}

/// What the people who run the room could abuse, closed (design/voting.md,
/// "Insiders"):
/// - `polls.channel`: a session's poll is on paper or online, never both;
///   session polls already opened become `mixed` and keep working;
/// - `polls.key_shares_pending` and `poll_key_shares`: each key holder alone
///   fetches their share; the database refuses to open a poll while one waits;
/// - `card_replacements.printed_at`: a replacement card is printed by the
///   person who asked for it, after another person confirmed it;
/// - `members.first_activated_at`: when the account first accepted the
///   charter, never moved by a replacement card: a session's poll admits only
///   accounts first activated before it opened.
struct GuardAgainstInsiders: AsyncMigration {
    func prepare(on database: any Database) async throws {
        let sql = database.sql
        let sqlite = sql.dialect.name == "sqlite"
        try await database.schema(Poll.schema).field("channel", .string, .required, .sql(.default("online"))).update()
        try await database.schema(Poll.schema).field("key_shares_pending", .int, .required, .sql(.default(0))).update()
        try await sql.raw("""
            UPDATE polls SET channel = 'mixed' WHERE meeting_id IS NOT NULL AND status <> 'draft'
            """).run()
        // A sealed draft prepared before: its creator saw every share at once.
        // It never opens; the page says to prepare it again.
        try await sql.raw("UPDATE polls SET key_shares_pending = 1 WHERE custody = 'sealed' AND status = 'draft'").run()
        try await database.schema(PollKeyShare.schema)
            .id()
            .field("poll_id", .uuid, .required, .references(Poll.schema, "id", onDelete: .cascade))
            .field("holder", .int, .required)
            .field("member_id", .uuid, .required, .references(Member.schema, "id"))
            .field("wrapped_share", .string)
            .field("fingerprint", .string, .required)
            .field("fetched_at", .datetime)
            .field("given_share", .string)
            .field("given_at", .datetime)
            .unique(on: "poll_id", "holder")
            .unique(on: "poll_id", "member_id")
            .create()
        try await database.schema(CardReplacement.schema).field("printed_at", .datetime).update()
        try await sql.raw("UPDATE card_replacements SET printed_at = confirmed_at WHERE confirmed_at IS NOT NULL").run()
        try await database.schema(Member.schema).field("first_activated_at", .datetime).update()
        try await sql.raw("UPDATE members SET first_activated_at = charter_accepted_at").run()
        if sqlite {
            try await sql.raw("""
                CREATE TRIGGER polls_open_without_waiting_shares BEFORE UPDATE OF status ON polls
                WHEN OLD.status = 'draft' AND NEW.status <> 'draft' AND NEW.key_shares_pending > 0
                BEGIN SELECT RAISE(ABORT, 'a sealed poll opens once every holder has fetched their share'); END
                """).run()
            try await sql.raw("""
                CREATE TRIGGER members_first_activation_kept BEFORE UPDATE OF first_activated_at ON members
                WHEN OLD.first_activated_at IS NOT NULL AND NEW.first_activated_at IS NOT OLD.first_activated_at
                BEGIN SELECT RAISE(ABORT, 'an account is first activated once'); END
                """).run()
        } else {
            try await sql.raw("""
                CREATE FUNCTION polls_open_guard() RETURNS trigger LANGUAGE plpgsql
                SET search_path = pg_catalog, public, pg_temp AS $$
                BEGIN
                  IF OLD.status = 'draft' AND NEW.status <> 'draft' AND NEW.key_shares_pending > 0 THEN
                    RAISE EXCEPTION 'a sealed poll opens once every holder has fetched their share';
                  END IF;
                  RETURN NEW;
                END $$
                """).run()
            try await sql.raw("CREATE TRIGGER polls_open_guard BEFORE UPDATE ON polls FOR EACH ROW EXECUTE FUNCTION polls_open_guard()").run()
            try await sql.raw("ALTER TABLE polls ENABLE ALWAYS TRIGGER polls_open_guard").run()
            try await sql.raw("""
                CREATE FUNCTION members_first_activation_guard() RETURNS trigger LANGUAGE plpgsql
                SET search_path = pg_catalog, public, pg_temp AS $$
                BEGIN
                  IF OLD.first_activated_at IS NOT NULL AND NEW.first_activated_at IS DISTINCT FROM OLD.first_activated_at THEN
                    RAISE EXCEPTION 'an account is first activated once';
                  END IF;
                  RETURN NEW;
                END $$
                """).run()
            try await sql.raw("""
                CREATE TRIGGER members_first_activation_guard BEFORE UPDATE ON members
                FOR EACH ROW EXECUTE FUNCTION members_first_activation_guard()
                """).run()
            try await sql.raw("ALTER TABLE members ENABLE ALWAYS TRIGGER members_first_activation_guard").run()
        }
    }

    func revert(on database: any Database) async throws {
        throw SealBallotBoxes.Irreversible()
    }
}
