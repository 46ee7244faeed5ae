import Fluent
import Foundation

/// Saves a checked draft as a poll in preparation, with its options and
/// its keys: the polls' form and the naming debate create polls this way.
enum PollCreation {
    /// - Parameter holders: for a sealed box, the key holders' accounts, in
    ///   the draft's order. Their shares wait for them (`KeyCustody`): nobody
    ///   else, the creator included, ever sees one.
    static func store(_ draft: PollDraft, meetingID: UUID?, holders: [Member] = [], master: [UInt8], now: Date,
                      on database: any Database) async throws -> Poll {
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
        poll.channel = draft.channel
        poll.createdAt = now
        let shares: [PollKeyShare]
        switch draft.custody {
        case .standard:
            PollKeys.standard(poll, master: master)
            shares = []
        case .sealed: shares = try KeyCustody.split(poll, holders: holders, threshold: draft.threshold, master: master)
        }
        try await database.transaction { database in
            try await poll.create(on: database)
            for (index, label) in draft.options.enumerated() {
                try await PollOption(pollID: poll.requireID(), position: index, label: label).create(on: database)
            }
            for share in shares {
                try await share.create(on: database)
                try await Notifier.notify(share.$member.id, "Vous détenez une part de la clé de l'urne scellée du vote "
                    + "« \(poll.question) ». Ouvrez-la, seul·e, et imprimez-la : le vote ne peut pas s'ouvrir avant que "
                    + "chaque détenteur ait ouvert la sienne.", link: .poll(try poll.requireID(), .myShare), at: now, on: database)
            }
        }
        return poll
    }
}
