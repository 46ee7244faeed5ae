import Fluent
import Foundation
import SQLKit
import Voting

/// The feeling question: asked in periods, each a poll stored and counted
/// like any other (register and sealed box apart, aggregate kept).
enum FeelingQuestion {
    static let question = "Quand on vous appelle « bénéficiaire du RSA », vous vous sentez :"
    static let options = ["respecté·e", "indifférent·e", "gêné·e", "blessé·e", "sans avis"]

    /// A new period, in preparation until its opening date (the scheduler opens and closes it).
    static func openRound(opensAt: Date, closesAt: Date, master: [UInt8], now: Date, on database: any Database) async throws -> Poll {
        let minimum = try await SiteSettingsStore.minimumBallots(on: database)
        let number = (try await NamingRound.query(on: database).max(\.$number) ?? 0) + 1
        let draft = PollDraft(question: question, details: "Question anonyme du débat sur le nom, période n° \(number).",
                              kind: .single, options: options, maxChoices: 1, minimumBallots: minimum, eligibility: .all,
                              territoryID: nil, agendaItemID: nil, proposalID: nil, channel: .online, custody: .standard, holders: [],
                              threshold: 0, opensAt: opensAt, closesAt: closesAt)
        return try await database.transaction { database in
            let poll = try await PollCreation.store(draft, meetingID: nil, master: master, now: now, on: database)
            try await NamingRound(pollID: try poll.requireID(), number: number, at: now).create(on: database)
            return poll
        }
    }
}

/// The decision vote: majority judgment over a shortlist that always
/// includes the current name.
enum NamingShortlist {
    static let maximum = 8

    enum Problem: Error, Equatable {
        case tooFew, tooMany
        var message: String {
            switch self {
            case .tooFew: "Choisissez au moins un nom en plus de « bénéficiaire du RSA »."
            case .tooMany: "\(NamingShortlist.maximum) noms au plus, « bénéficiaire du RSA » compris."
            }
        }
    }

    /// The candidates in order: the current name first, then the chosen published names.
    static func candidates(chosen: [UUID], on database: any Database) async throws -> Result<[ProposedName], Problem> {
        let current = try await ProposedName.query(on: database).filter(\.$isCurrent == true).all()
        let others = try await ProposedName.query(on: database).filter(\.$id ~~ chosen).filter(\.$isCurrent == false)
            .filter(\.$status == .published).sort(\.$name).all()
        if others.isEmpty { return .failure(.tooFew) }
        if current.count + others.count > maximum { return .failure(.tooMany) }
        return .success(current + others)
    }

    /// One vote at a time: a new one only when none exists, or when the last
    /// was counted with too few ballots to publish its result.
    static func mayPrepareVote(on database: any Database) async throws -> Bool {
        guard let last = try await NamingDecision.query(on: database).with(\.$poll).sort(\.$createdAt, .descending).first() else {
            return true
        }
        let poll = last.poll
        guard poll.countedAt != nil else { return false }
        try await poll.$options.load(on: database)
        return PollResults.published(poll, minimum: try await PollResults.minimumBallots(poll, on: database)) == nil
    }

    static func openVote(_ names: [ProposedName], opensAt: Date?, closesAt: Date?, meetingID: UUID?, master: [UInt8], now: Date,
                         on database: any Database) async throws -> Poll {
        let minimum = try await SiteSettingsStore.minimumBallots(on: database)
        let draft = PollDraft(question: "Quel nom le conseil préfère-t-il ?",
                              details: "Donnez une mention à chaque nom, de « Excellent » à « À rejeter ». "
                                + "Le nom qui obtient la meilleure mention majoritaire l'emporte.",
                              // The name under debate is quoted wherever it shows (design/ui.md).
                              kind: .majorityJudgment, options: names.map { $0.isCurrent ? "« \($0.name) »" : $0.name },
                              maxChoices: names.count, minimumBallots: minimum,
                              eligibility: .all, territoryID: nil, agendaItemID: nil, proposalID: nil, channel: .online, custody: .standard,
                              holders: [], threshold: 0, opensAt: opensAt, closesAt: closesAt)
        return try await database.transaction { database in
            let poll = try await PollCreation.store(draft, meetingID: meetingID, master: master, now: now, on: database)
            try await NamingDecision(pollID: try poll.requireID(), at: now).create(on: database)
            return poll
        }
    }
}

/// Proposing a name and giving an opinion: the checks and the writes.
enum NamingContributions {
    enum NameOutcome: Equatable {
        case saved(UUID)
        case duplicate(of: UUID?)
    }

    /// Checks a proposed name and its explanation; every error by its field.
    static func checkName(_ name: String, explanation: String) -> FormErrors {
        var errors = FormErrors()
        if name.count < 2 || NameKey.make(name).isEmpty { errors.add("nom", "Écrivez le nom que vous proposez.") }
        else if NameKey.holdsTheCurrentWord(name) {
            errors.add("nom", "C'est le nom dont on débat : donnez plutôt votre avis sur « bénéficiaire du RSA ».")
        }
        else if name.count > ProposedName.maximumNameLength {
            errors.add("nom", "Le nom a \(name.count) caractères : \(ProposedName.maximumNameLength) au plus.")
        }
        if explanation.count < 10 { errors.add("explication", "Expliquez en une phrase ou deux pourquoi ce nom.") }
        else if explanation.count > ProposedName.maximumExplanationLength {
            errors.add("explication", "L'explication a \(explanation.count) caractères : \(ProposedName.maximumExplanationLength) au plus.")
        }
        return errors
    }

    /// Saves a proposed name for review, unless the same name (whatever its
    /// case, accents and spaces) was already proposed.
    static func proposeName(_ name: String, explanation: String, authorID: UUID, anonymous: Bool, now: Date,
                            on database: any Database) async throws -> NameOutcome {
        let key = NameKey.make(name)
        if let existing = try await ProposedName.query(on: database).filter(\.$nameKey == key).first() {
            return .duplicate(of: existing.status == .published ? existing.id : nil)
        }
        let proposed = ProposedName(name: name, explanation: explanation, authorID: authorID, anonymous: anonymous, status: .submitted, at: now)
        proposed.personalData = Screening.stored(Screening.kinds(in: name, explanation))
        do {
            try await proposed.create(on: database)
        } catch let error as any DatabaseError where error.isConstraintFailure {
            // The same name sent at the same moment by someone else.
            return .duplicate(of: nil)
        }
        return .saved(try proposed.requireID())
    }

    /// One opinion per member and name: a second one replaces the first.
    /// A stance alone is counted at once; a text waits for a moderator.
    static func giveOpinion(on nameID: UUID, by memberID: UUID, stance: OpinionStance, text: String, anonymous: Bool,
                            on database: any Database, now: Date) async throws -> DebateTextStatus {
        let personalData = Screening.stored(Screening.kinds(in: text))
        return try await database.retryingTransaction { database in
            let existing = try await NameOpinion.query(on: database).filter(\.$proposedName.$id == nameID)
                .filter(\.$member.$id == memberID).first()
            let opinion = existing ?? NameOpinion()
            // A text already read stays published when only the stance or the signature changes.
            let alreadyRead = existing.map { $0.status == .published && $0.text == text } ?? false
            let status: DebateTextStatus = text.isEmpty || alreadyRead ? .published : .submitted
            opinion.$proposedName.id = nameID
            opinion.$member.id = memberID
            opinion.stance = stance
            opinion.text = text
            opinion.anonymous = anonymous
            opinion.status = status
            opinion.moderationReason = nil
            opinion.personalData = personalData
            opinion.updatedAt = now
            try await opinion.save(on: database)
            // The name's recording read the old opinion: made again on the next listening.
            try await Recordings.forget(.name(nameID), on: database)
            return status
        }
    }

    /// Published opinions per stance, for each name: what everyone reads.
    static func counts(on database: any Database) async throws -> [UUID: [OpinionStance: Int]] {
        let rows = try await database.sql.raw("""
            SELECT name_id, stance, COUNT(*) AS n FROM name_opinions WHERE status = 'published' GROUP BY name_id, stance
            """).all()
        var counts: [UUID: [OpinionStance: Int]] = [:]
        for row in rows {
            let id = try row.decode(column: "name_id", as: UUID.self)
            guard let stance = OpinionStance(rawValue: try row.decode(column: "stance", as: String.self)) else { continue }
            counts[id, default: [:]][stance] = try row.decode(column: "n", as: Int.self)
        }
        return counts
    }
}
