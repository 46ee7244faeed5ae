import Fluent
import Foundation
import SQLKit
import Vapor
import Voting

/// Sealed custody: each key holder alone ever holds their share
/// (design/voting.md, "sealed"; docs/cles-des-urnes.md).
///
/// 1. At creation the key is split; each share waits on the server wrapped
///    under the master key, and its holder gets a notice. Nobody is shown a
///    share: not the poll's creator, not an administrator.
/// 2. Signed in as themselves, each holder opens their own share once; it is
///    then deleted and only its fingerprint kept. The poll opens only once no
///    share waits on the server (`polls.key_shares_pending`, guarded by a trigger).
/// 3. At the count each holder, signed in, types their own share. It waits
///    wrapped under the master key until `threshold` distinct holders have
///    given theirs: fewer never open the box, even with the site's keys. The
///    count then erases every given share in its own transaction.
enum KeyCustody {
    /// Roles of the département's side: fewer holders than the threshold may hold one.
    static let institutionalRoles: Set<Role> = [.staff, .facilitator, .admin]

    /// How long a holder's account must have existed: accounts made for the
    /// occasion (cards printed, activated and named by the poll's creator)
    /// cannot stand in for the council's members.
    static let minimumAccountAge: TimeInterval = 7 * 86_400

    /// Holders whose account got a replacement card lately, or holds one not
    /// yet used: whoever made it could be the one signing in.
    static func recentlyReplaced(_ holders: [Member], now: Date, on database: any Database) async throws -> [Member] {
        var replaced: [Member] = []
        for holder in holders {
            let cards = try await AccessCard.query(on: database).filter(\.$member.$id == holder.requireID())
                .filter(\.$isReplacement == true)
                .group(.or) { $0.filter(\.$createdAt > now - minimumAccountAge).filter(\.$usedAt == nil) }.count()
            if cards > 0 { replaced.append(holder) }
        }
        return replaced
    }

    /// What the holders' list must satisfy, in plain French; nil when it does.
    static func holdersProblem(_ holders: [Member], threshold: Int, now: Date) -> String? {
        let recent = holders.filter { ($0.firstActivatedAt ?? $0.charterAcceptedAt ?? now) > now - minimumAccountAge }
        if !recent.isEmpty {
            return "Un détenteur de clé doit avoir un compte ouvert depuis au moins 7 jours : ce n'est pas le cas de "
                + recent.map { "« \($0.publicName) »" }.joined(separator: ", ") + "."
        }
        let institutional = holders.filter { !$0.roles.isDisjoint(with: institutionalRoles) }
        guard institutional.count < threshold else {
            return "Au plus \(threshold - 1) détenteur\(threshold - 1 > 1 ? "s peuvent" : " peut") avoir un rôle d'animation, "
                + "d'agent du Département ou d'administration : sinon l'équipe pourrait ouvrir l'urne sans les membres du conseil. "
                + "Ici, \(institutional.count) en \(institutional.count > 1 ? "ont" : "a") un."
        }
        return nil
    }

    /// Splits a new key among `holders` (in order: holder n° 1 first). The
    /// poll's id must be set. Returns the rows to save with the poll.
    static func split(_ poll: Poll, holders: [Member], threshold: Int, master: [UInt8]) throws -> [PollKeyShare] {
        let pollID = try poll.requireID()
        let codes = try PollKeys.sealed(poll, holders: holders.map(\.publicName), threshold: threshold)
        poll.keySharesPending = codes.count
        return try zip(holders, codes).enumerated().map { index, pair in
            let row = PollKeyShare()
            row.id = UUID()
            row.pollID = pollID
            row.holder = index + 1
            row.$member.id = try pair.0.requireID()
            row.wrappedShare = wrap(pair.1, poll: poll.identifier, holder: index + 1, master: master)
            let decoded = try KeyShareCode.decode(pair.1, pollIdentifier: poll.identifier)
            row.fingerprint = fingerprint(decoded.share, poll: poll.identifier)
            return row
        }
    }

    /// The one stored form of a share: its code, wrapped under a key derived
    /// from the master key for this poll and holder.
    static func wrap(_ code: String, poll: String, holder: Int, master: [UInt8]) -> String {
        Data(KeyWrap.wrap(Array(code.utf8), master: master, pollIdentifier: "\(poll) share \(holder)")).base64EncodedString()
    }

    static func unwrap(_ wrapped: String, poll: String, holder: Int, master: [UInt8]) -> String? {
        guard let data = Data(base64Encoded: wrapped),
              let plain = try? KeyWrap.unwrap(Array(data), master: master, pollIdentifier: "\(poll) share \(holder)")
        else { return nil }
        return String(decoding: plain, as: UTF8.self)
    }

    /// A hash that tells a typed share is the one that was handed out, and nothing more.
    static func fingerprint(_ share: SecretSharing.Share, poll: String) -> String {
        SecureToken.hash("\(poll):\(share.holder):" + share.bytes.map { String(format: "%02x", $0) }.joined())
    }

    /// The holders of a poll, in order, with their rows.
    static func holders(pollID: UUID, on database: any Database) async throws -> [PollKeyShare] {
        try await PollKeyShare.query(on: database).filter(\.$pollID == pollID).with(\.$member).sort(\.$holder).all()
    }

    // MARK: Fetching one's share

    enum Fetch: Equatable {
        /// Shown once, now; deleted from the server in the same transaction.
        case share(code: String, holder: Int)
        case alreadyFetched(Date)
        case notHolder
    }

    static func fetch(pollID: UUID, identifier: String, memberID: UUID, master: [UInt8], clock: any SiteClock,
                      on database: any Database) async throws -> Fetch {
        try await database.transaction { database in
            guard let row = try await PollKeyShare.query(on: database).filter(\.$pollID == pollID)
                .filter(\.$member.$id == memberID).first() else { return .notHolder }
            guard let wrapped = row.wrappedShare,
                  let code = unwrap(wrapped, poll: identifier, holder: row.holder, master: master) else {
                return .alreadyFetched(row.fetchedAt ?? clock.now())
            }
            // Claimed once: of two tabs opening it together, one shows it.
            let now = clock.now()
            let claimed = try await database.sql.raw("""
                UPDATE poll_key_shares SET wrapped_share = NULL, fetched_at = \(bind: now)
                WHERE id = \(bind: row.requireID()) AND wrapped_share IS NOT NULL RETURNING id
                """).all()
            guard !claimed.isEmpty else { return .alreadyFetched(now) }
            try await database.sql.raw("""
                UPDATE polls SET key_shares_pending = key_shares_pending - 1 WHERE id = \(bind: pollID) AND key_shares_pending > 0
                """).run()
            return .share(code: code, holder: row.holder)
        }
    }

    /// After a share leaves the server: no copy of the files made from now on holds it.
    static func scrub(_ app: Application) async {
        _ = try? await FreeSpace.scrub(app, tables: [PollKeyShare.schema], what: "Après l'ouverture d'une part de clé")
    }

    // MARK: Giving one's share at the count

    enum Give: Equatable {
        case accepted(given: Int)
        case notHolder
        case alreadyGiven
        case mistyped
        case otherPoll
        /// The share of another holder, typed from this account: refused and journaled.
        case otherHolder(number: Int)
        /// Well formed and numbered right, but not the share that was handed out.
        case notTheShareHandedOut
        /// The box was counted meanwhile: the share is not kept.
        case counted
        /// The threshold would be reached by holders who all hold a role of the
        /// département's side now: not kept, so that at most `t − 1` shares ever wait.
        case needsAMember
    }

    static func give(_ typed: String, poll: Poll, memberID: UUID, master: [UInt8], clock: any SiteClock, on database: any Database) async throws -> Give {
        let pollID = try poll.requireID()
        let decoded: KeyShareCode.Decoded
        do throws(KeyShareCode.Problem) {
            decoded = try KeyShareCode.decode(typed, pollIdentifier: poll.identifier)
        } catch .otherPoll {
            return .otherPoll
        } catch {
            return .mistyped
        }
        // One giver at a time, on a poll not yet counted: the poll's row is
        // locked first (a write on SQLite, FOR UPDATE on PostgreSQL), so two
        // holders giving together never both slip past the rules below.
        return try await database.transaction { database -> Give in
            let sql = database.sql
            let lock = sql.dialect.name == "sqlite" ? "" : " FOR UPDATE"
            if sql.dialect.name == "sqlite" {
                try await sql.raw("UPDATE polls SET key_shares_pending = key_shares_pending WHERE id = \(bind: pollID)").run()
            }
            guard let state = try await sql.raw("""
                SELECT counted_at FROM polls WHERE id = \(bind: pollID)\(unsafeRaw: lock)
                """).first(), try state.decode(column: "counted_at", as: Date?.self) == nil else { return .counted }
            guard let row = try await PollKeyShare.query(on: database).filter(\.$pollID == pollID)
                .filter(\.$member.$id == memberID).first() else { return .notHolder }
            if row.givenShare != nil { return .alreadyGiven }
            guard Int(decoded.share.holder) == row.holder else { return .otherHolder(number: Int(decoded.share.holder)) }
            guard fingerprint(decoded.share, poll: poll.identifier) == row.fingerprint else { return .notTheShareHandedOut }
            let others = try await PollKeyShare.query(on: database).filter(\.$pollID == pollID).filter(\.$givenShare != nil)
                .with(\.$member) { $0.with(\.$roleRows) }.all()
            let me = try await Member.query(on: database).filter(\.$id == memberID).with(\.$roleRows).first()
            let givers = others.map(\.member) + (me.map { [$0] } ?? [])
            if givers.count >= poll.keyThreshold, !givers.contains(where: { $0.roles.isDisjoint(with: institutionalRoles) }) {
                return .needsAMember
            }
            let code = KeyShareCode.encode(decoded.share, threshold: decoded.threshold, pollIdentifier: poll.identifier)
            let wrapped = wrap(code, poll: poll.identifier, holder: row.holder, master: master)
            try await sql.raw("""
                UPDATE poll_key_shares SET given_share = \(bind: wrapped), given_at = \(bind: clock.now())
                WHERE id = \(bind: row.requireID()) AND given_share IS NULL
                """).run()
            return .accepted(given: givers.count)
        }
    }

    /// The shares given so far, unwrapped, for the count only.
    static func givenShares(_ poll: Poll, master: [UInt8], on database: any Database) async throws -> [SecretSharing.Share] {
        let rows = try await PollKeyShare.query(on: database).filter(\.$pollID == poll.requireID()).filter(\.$givenShare != nil).all()
        return rows.compactMap { row in
            row.givenShare.flatMap { unwrap($0, poll: poll.identifier, holder: row.holder, master: master) }
                .flatMap { try? KeyShareCode.decode($0, pollIdentifier: poll.identifier).share }
        }
    }

    /// Erases the shares given at the count: inside the count's transaction,
    /// or after a count that could not open the box.
    static func forgetGivenShares(pollID: UUID, on sql: any SQLDatabase) async throws {
        try await sql.raw("""
            UPDATE poll_key_shares SET given_share = NULL WHERE poll_id = \(bind: pollID) AND given_share IS NOT NULL
            """).run()
    }
}
