import Fluent
import Foundation

/// Saves a checked draft as a poll in preparation, with its options and
/// its keys: the polls' form and the naming debate create polls this way.
enum PollCreation {
    /// - Returns: the poll, and for a sealed box the key holders' shares (shown once, stored nowhere).
    static func store(_ draft: PollDraft, meetingID: UUID?, master: [UInt8],
                      on database: any Database) async throws -> (Poll, shares: [String]) {
        let poll = Poll()
        poll.id = UUID()
        poll.question = draft.question
        poll.details = draft.details
        poll.kind = draft.kind
        poll.maxChoices = draft.maxChoices
        poll.minimumBallots = draft.minimumBallots
        poll.eligibility = draft.eligibility
        poll.$territory.id = draft.territoryID
        poll.agendaItemID = draft.agendaItemID
        poll.$meeting.id = meetingID
        poll.$proposal.id = draft.proposalID
        poll.status = .draft
        poll.opensAt = draft.opensAt
        poll.closesAt = draft.closesAt
        poll.paperBallots = 0
        poll.createdAt = Date()
        var shares: [String] = []
        switch draft.custody {
        case .standard: PollKeys.standard(poll, master: master)
        case .sealed: shares = try PollKeys.sealed(poll, holders: draft.holders, threshold: draft.threshold)
        }
        try await database.transaction { database in
            try await poll.create(on: database)
            for (index, label) in draft.options.enumerated() {
                try await PollOption(pollID: poll.requireID(), position: index, label: label).create(on: database)
            }
        }
        return (poll, shares)
    }
}
