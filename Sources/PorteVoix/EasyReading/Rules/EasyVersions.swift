import Fluent
import Foundation
import SQLKit

/// The one writer of the easy-to-read versions (« facile à lire ») of the
/// département's answers and of polls' questions: the text, its recording
/// made again, and the journal line, in one transaction.
enum EasyVersions {
    static let maximumLength = 3_000

    enum Target: Sendable, Equatable {
        case answer(UUID)
        case question(UUID)

        var source: SpeechSource {
            switch self {
            case .answer(let id): .proposal(id)
            case .question(let id): .poll(id)
            }
        }
    }

    /// Saves `text` (nil or empty: removes the version).
    static func save(_ text: String?, for target: Target, by actorID: UUID?, on database: any Database, now: Date) async throws {
        let text = text.flatMap { $0.isEmpty ? nil : $0 }
        try await database.retryingTransaction { database in
            let details = text == nil ? ["removed": "1"] : [:]
            switch target {
            case .answer(let id):
                try await Proposal.query(on: database).filter(\.$id == id).set(\.$answerEasy, to: text).update()
                try await AuditLog.append(actorID: actorID, action: .proposalAnswerEasy, subject: .proposal(id),
                                          details: details, at: now, on: database)
            case .question(let id):
                try await Poll.query(on: database).filter(\.$id == id).set(\.$questionEasy, to: text).update()
                try await AuditLog.append(actorID: actorID, action: .pollQuestionEasy, subject: .poll(id),
                                          details: details, at: now, on: database)
            }
            try await Recordings.forget(target.source, on: database)
        }
    }
}

/// « J'ai compris / Je n'ai pas bien compris » under an answer: one per
/// member and proposal, changed as often as they like. Only counts leave
/// this table.
enum Understanding {
    struct Counts: Sendable, Equatable {
        var understood = 0
        var notUnderstood = 0
        var total: Int { understood + notUnderstood }
    }

    static func record(proposal proposalID: UUID, member memberID: UUID, understood: Bool,
                       on database: any Database, now: Date) async throws {
        try await database.retryingTransaction { database in
            try await database.sql.raw("""
                INSERT INTO answer_understandings (id, proposal_id, member_id, understood, answered_at)
                VALUES (\(bind: UUID()), \(bind: proposalID), \(bind: memberID), \(bind: understood), \(bind: now))
                ON CONFLICT (proposal_id, member_id) DO UPDATE SET understood = excluded.understood, answered_at = excluded.answered_at
                """).run()
        }
    }

    /// What this member answered, if they did.
    static func answer(proposal proposalID: UUID, member memberID: UUID, on database: any Database) async throws -> Bool? {
        try await AnswerUnderstanding.query(on: database).filter(\.$proposal.$id == proposalID)
            .filter(\.$member.$id == memberID).first()?.understood
    }

    /// The counts per proposal, for the proposals given (all when nil).
    static func counts(of proposalIDs: [UUID]? = nil, on database: any Database) async throws -> [UUID: Counts] {
        var query = AnswerUnderstanding.query(on: database)
        if let proposalIDs {
            guard !proposalIDs.isEmpty else { return [:] }
            query = query.filter(\.$proposal.$id ~~ proposalIDs)
        }
        var result: [UUID: Counts] = [:]
        for row in try await query.all() {
            if row.understood {
                result[row.$proposal.id, default: Counts()].understood += 1
            } else {
                result[row.$proposal.id, default: Counts()].notUnderstood += 1
            }
        }
        return result
    }
}
