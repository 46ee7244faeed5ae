import Fluent
import Foundation
import SQLKit
import Voting

/// Every ballot box sealed (design/voting.md, "Keys: every box is sealed"):
/// - polls get a key pair, a custody level, a stored aggregate and `counted_at`;
/// - `ballots.content` becomes `sealed_content`; plaintext ballots of open
///   polls are sealed, those of closed polls are counted into the aggregate
///   and removed;
/// - the counted polls' tracker hashes live in `poll_trackers`;
/// - paper registrations keep who registered a paper voter, and when;
/// - the guards no longer yield to a session variable: no UPDATE of a ballot
///   or register row ever, no DELETE of a ballot before its poll is counted,
///   no DELETE of a register row, no poll reopening.
///
/// It needs the ballot master key to wrap the keys of polls already open.
struct SealBallotBoxes: AsyncMigration {
    let ballotMasterKey: [UInt8]

    func prepare(on database: any Database) async throws {
        // One column at a time: SQLite adds one per ALTER TABLE.
        let polls = { database.schema(Poll.schema) }
        try await polls().field("custody", .string, .required, .sql(.default("standard"))).update()
        try await polls().field("public_key", .string).update()
        try await polls().field("wrapped_key", .string).update()
        try await polls().field("key_holders", .string, .required, .sql(.default(""))).update()
        try await polls().field("key_threshold", .int, .required, .sql(.default(0))).update()
        try await polls().field("counted_at", .datetime).update()
        try await polls().field("result", .string).update()
        let sql = database.sql
        let sqlite = sql.dialect.name == "sqlite"
        let uuid = sqlite ? "BLOB" : "UUID"
        try await sql.raw("""
            CREATE TABLE poll_trackers (
              poll_id \(unsafeRaw: uuid) NOT NULL REFERENCES polls(id),
              tracker_hash TEXT NOT NULL,
              PRIMARY KEY (poll_id, tracker_hash)
            )\(unsafeRaw: sqlite ? " WITHOUT ROWID" : "")
            """).run()
        try await database.schema("paper_registrations")
            .field("poll_id", .uuid, .required, .references(Poll.schema, "id"))
            .field("member_id", .uuid, .required, .references(Member.schema, "id"))
            .field("registered_by", .uuid, .references(Member.schema, "id"))
            .field("registered_by_roles", .string, .required)
            .field("registered_at", .datetime, .required)
            .compositeIdentifier(over: "poll_id", "member_id")
            .create()
        try await sql.raw("CREATE TABLE site_settings (name TEXT PRIMARY KEY, value TEXT NOT NULL)").run()

        if sqlite {
            try await sql.raw("DROP TRIGGER IF EXISTS ballots_no_update").run()
            try await sql.raw("DROP TRIGGER IF EXISTS ballots_no_delete").run()
        } else {
            try await sql.raw("DROP TRIGGER IF EXISTS ballots_immutable ON ballots").run()
            try await sql.raw("DROP FUNCTION IF EXISTS ballots_immutable()").run()
        }
        try await sql.raw("ALTER TABLE ballots RENAME COLUMN content TO sealed_content").run()
        try await convertLegacyBallots(sql)
        if sqlite { try await createSQLiteGuards(sql) } else { try await createPostgresGuards(sql) }
    }

    /// Ballots written before sealing existed are plaintext JSON.
    func convertLegacyBallots(_ sql: any SQLDatabase) async throws {
        let polls = try await sql.raw("SELECT id, kind, max_choices, status, closed_at, minimum_ballots FROM polls").all()
        for row in polls {
            // One transaction a poll: a crash never leaves a poll half converted.
            try await (sql as! any Database).transaction { database in
                try await convert(row, on: database.sql)
            }
        }
        // Free pages written before secure_delete was on may still hold
        // plaintext: rebuild the file once (outside any transaction).
        if sql.dialect.name == "sqlite", !polls.isEmpty {
            try? await sql.raw("VACUUM").run()
        }
    }

    func convert(_ row: any SQLRow, on sql: any SQLDatabase) async throws {
        let pollID = try row.decode(column: "id", as: UUID.self)
        let identifier = pollID.uuidString
        guard let kind = PollKind(rawValue: try row.decode(column: "kind", as: String.self)),
              let status = PollStatus(rawValue: try row.decode(column: "status", as: String.self))
        else { return }
        let optionCount = try await sql.raw("SELECT COUNT(*) AS n FROM poll_options WHERE poll_id = \(bind: pollID)")
            .first()?.decode(column: "n", as: Int.self) ?? 0
        let rules = PollRules(kind: kind, optionCount: kind == .yesNo ? 0 : optionCount,
                              maxChoices: try row.decode(column: "max_choices", as: Int.self))
        let ballots = try await sql.raw("SELECT id, sealed_content, tracker_hash FROM ballots WHERE poll_id = \(bind: pollID)").all()
        let decoder = JSONDecoder()
        let plain = try ballots.map { ballot in
            (id: try ballot.decode(column: "id", as: String.self),
             content: try decoder.decode(BallotContent.self, from: Data(try ballot.decode(column: "sealed_content", as: String.self).utf8)),
             tracker: try ballot.decode(column: "tracker_hash", as: String.self))
        }
        switch status {
        case .draft, .open:
            let keys = BallotSeal.makeKeyPair()
            let wrapped = KeyWrap.wrap(keys.privateKey, master: ballotMasterKey, pollIdentifier: identifier)
            try await sql.raw("""
                UPDATE polls SET public_key = \(bind: Data(keys.publicKey).base64EncodedString()),
                  wrapped_key = \(bind: Data(wrapped).base64EncodedString()) WHERE id = \(bind: pollID)
                """).run()
            try await sql.raw("DELETE FROM ballots WHERE poll_id = \(bind: pollID)").run()
            for ballot in plain.shuffled() {
                let sealed = try BallotSeal.seal(ballot.content, rules: rules, publicKey: keys.publicKey, pollIdentifier: identifier)
                try await sql.raw("""
                    INSERT INTO ballots (poll_id, id, sealed_content, tracker_hash)
                    VALUES (\(bind: pollID), \(bind: BallotBox.randomID()), \(bind: Data(sealed).base64EncodedString()), \(bind: ballot.tracker))
                    """).run()
            }
        case .closed:
            let minimum = max(try row.decode(column: "minimum_ballots", as: Int.self), SiteSettingsStore.defaultMinimumBallots)
            let aggregate = PollAggregate.count(plain.map(\.content), rules: rules).publishable(minimum: minimum)
            let result = String(decoding: try JSONEncoder().encode(aggregate), as: UTF8.self)
            let countedAt: Date = (try? row.decode(column: "closed_at", as: Date?.self)).flatMap { $0 } ?? Date()
            try await sql.raw("""
                UPDATE polls SET result = \(bind: result), counted_at = \(bind: countedAt) WHERE id = \(bind: pollID)
                """).run()
            for tracker in Set(plain.map(\.tracker)).shuffled() {
                try await sql.raw("INSERT INTO poll_trackers (poll_id, tracker_hash) VALUES (\(bind: pollID), \(bind: tracker))").run()
            }
            try await sql.raw("DELETE FROM ballots WHERE poll_id = \(bind: pollID)").run()
        }
    }

    func createSQLiteGuards(_ sql: any SQLDatabase) async throws {
        let statements = [
            """
            CREATE TRIGGER ballots_never_change BEFORE UPDATE ON ballots
            BEGIN SELECT RAISE(ABORT, 'ballots cannot be changed'); END
            """,
            """
            CREATE TRIGGER ballots_removed_only_once_counted BEFORE DELETE ON ballots
            WHEN NOT EXISTS (SELECT 1 FROM polls WHERE id = OLD.poll_id AND status = 'closed' AND counted_at IS NOT NULL)
            BEGIN SELECT RAISE(ABORT, 'ballots are removed only once their poll is counted'); END
            """,
            """
            CREATE TRIGGER poll_voters_never_change BEFORE UPDATE ON poll_voters
            BEGIN SELECT RAISE(ABORT, 'the register cannot be changed'); END
            """,
            """
            CREATE TRIGGER poll_voters_never_removed BEFORE DELETE ON poll_voters
            BEGIN SELECT RAISE(ABORT, 'the register cannot be changed'); END
            """,
            """
            CREATE TRIGGER poll_trackers_never_change BEFORE UPDATE ON poll_trackers
            BEGIN SELECT RAISE(ABORT, 'counted trackers cannot be changed'); END
            """,
            """
            CREATE TRIGGER poll_trackers_never_removed BEFORE DELETE ON poll_trackers
            BEGIN SELECT RAISE(ABORT, 'counted trackers cannot be changed'); END
            """,
            """
            CREATE TRIGGER polls_never_reopen BEFORE UPDATE OF status ON polls
            WHEN (OLD.status = 'closed' AND NEW.status <> 'closed') OR (OLD.status = 'open' AND NEW.status = 'draft')
            BEGIN SELECT RAISE(ABORT, 'a poll never reopens'); END
            """,
            """
            CREATE TRIGGER polls_keep_their_key BEFORE UPDATE OF public_key ON polls
            WHEN OLD.status <> 'draft' AND NEW.public_key IS NOT OLD.public_key
            BEGIN SELECT RAISE(ABORT, 'an open poll keeps its key'); END
            """,
            """
            CREATE TRIGGER polls_counted_once BEFORE UPDATE ON polls
            WHEN OLD.counted_at IS NOT NULL AND (NEW.counted_at IS NOT OLD.counted_at OR NEW.result IS NOT OLD.result)
            BEGIN SELECT RAISE(ABORT, 'a poll is counted once'); END
            """,
            """
            CREATE TRIGGER polls_counted_when_closed BEFORE UPDATE OF counted_at ON polls
            WHEN OLD.counted_at IS NULL AND NEW.counted_at IS NOT NULL
              AND (NEW.status <> 'closed' OR NEW.result IS NULL OR NEW.wrapped_key IS NOT NULL)
            BEGIN SELECT RAISE(ABORT, 'a poll is counted once closed, with its result, its key destroyed'); END
            """,
        ]
        for statement in statements { try await sql.raw(SQLQueryString(statement)).run() }
    }

    func createPostgresGuards(_ sql: any SQLDatabase) async throws {
        let statements = [
            """
            CREATE FUNCTION ballots_guard() RETURNS trigger LANGUAGE plpgsql
            SET search_path = pg_catalog, public, pg_temp AS $$
            BEGIN
              IF TG_OP = 'DELETE' AND EXISTS (SELECT 1 FROM public.polls WHERE id = OLD.poll_id AND status = 'closed' AND counted_at IS NOT NULL) THEN
                RETURN OLD;
              END IF;
              RAISE EXCEPTION 'ballots cannot be changed, nor removed before their poll is counted';
            END $$
            """,
            "CREATE TRIGGER ballots_guard BEFORE UPDATE OR DELETE ON ballots FOR EACH ROW EXECUTE FUNCTION ballots_guard()",
                        """
            CREATE FUNCTION append_only_guard() RETURNS trigger LANGUAGE plpgsql
            SET search_path = pg_catalog, public, pg_temp AS $$
            BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$
            """,
            "CREATE TRIGGER poll_voters_append_only BEFORE UPDATE OR DELETE ON poll_voters FOR EACH ROW EXECUTE FUNCTION append_only_guard()",
            "CREATE TRIGGER ballots_no_truncate BEFORE TRUNCATE ON ballots FOR EACH STATEMENT EXECUTE FUNCTION append_only_guard()",
            "CREATE TRIGGER poll_voters_no_truncate BEFORE TRUNCATE ON poll_voters FOR EACH STATEMENT EXECUTE FUNCTION append_only_guard()",
            "CREATE TRIGGER poll_trackers_append_only BEFORE UPDATE OR DELETE ON poll_trackers FOR EACH ROW EXECUTE FUNCTION append_only_guard()",
            "CREATE TRIGGER poll_trackers_no_truncate BEFORE TRUNCATE ON poll_trackers FOR EACH STATEMENT EXECUTE FUNCTION append_only_guard()",
            """
            CREATE FUNCTION polls_guard() RETURNS trigger LANGUAGE plpgsql
            SET search_path = pg_catalog, public, pg_temp AS $$
            BEGIN
              IF OLD.counted_at IS NULL AND NEW.counted_at IS NOT NULL
                 AND (NEW.status <> 'closed' OR NEW.result IS NULL OR NEW.wrapped_key IS NOT NULL) THEN
                RAISE EXCEPTION 'a poll is counted once closed, with its result, its key destroyed';
              END IF;
              IF (OLD.status = 'closed' AND NEW.status <> 'closed') OR (OLD.status = 'open' AND NEW.status = 'draft') THEN
                RAISE EXCEPTION 'a poll never reopens';
              END IF;
              IF OLD.status <> 'draft' AND NEW.public_key IS DISTINCT FROM OLD.public_key THEN
                RAISE EXCEPTION 'an open poll keeps its key';
              END IF;
              IF OLD.counted_at IS NOT NULL AND (NEW.counted_at IS DISTINCT FROM OLD.counted_at OR NEW.result IS DISTINCT FROM OLD.result) THEN
                RAISE EXCEPTION 'a poll is counted once';
              END IF;
              RETURN NEW;
            END $$
            """,
            "CREATE TRIGGER polls_guard BEFORE UPDATE ON polls FOR EACH ROW EXECUTE FUNCTION polls_guard()",
            // The one way to remove ballots, for a serving role that has no
            // DELETE on the box: only those of a counted poll whose recorded
            // count is the number of ballots in the box.
            """
            CREATE FUNCTION discard_counted_ballots(poll UUID) RETURNS void LANGUAGE plpgsql SECURITY DEFINER
            SET search_path = pg_catalog, public, pg_temp AS $$
            BEGIN
              DELETE FROM public.ballots WHERE poll_id = poll
                AND EXISTS (SELECT 1 FROM public.polls p WHERE p.id = poll AND p.status = 'closed' AND p.counted_at IS NOT NULL
                            AND (p.result::jsonb ->> 'ballots')::bigint = (SELECT COUNT(*) FROM public.ballots b WHERE b.poll_id = poll));
            END $$
            """,
            "REVOKE ALL ON FUNCTION discard_counted_ballots(UUID) FROM PUBLIC",
            // Guards fire even with session_replication_role = replica.
            "ALTER TABLE ballots ENABLE ALWAYS TRIGGER ballots_guard",
            "ALTER TABLE ballots ENABLE ALWAYS TRIGGER ballots_no_truncate",
            "ALTER TABLE poll_voters ENABLE ALWAYS TRIGGER poll_voters_append_only",
            "ALTER TABLE poll_voters ENABLE ALWAYS TRIGGER poll_voters_no_truncate",
            "ALTER TABLE poll_trackers ENABLE ALWAYS TRIGGER poll_trackers_append_only",
            "ALTER TABLE poll_trackers ENABLE ALWAYS TRIGGER poll_trackers_no_truncate",
            "ALTER TABLE polls ENABLE ALWAYS TRIGGER polls_guard",
        ]
        for statement in statements { try await sql.raw(SQLQueryString(statement)).run() }
    }

    func revert(on database: any Database) async throws {
        throw Irreversible()
    }

    struct Irreversible: Error, CustomStringConvertible {
        var description: String { "Sealed ballot boxes cannot be unsealed: restore a backup instead." }
    }
}
