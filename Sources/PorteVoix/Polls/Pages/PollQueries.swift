import Fluent
import Vapor
import Voting

/// The queries that build the poll pages' models.
enum PollQueries {
    // MARK: The page of a poll

    /// `reader`: what was read with the poll (`PollLookup.findWithReader`),
    /// for the request's member; the counts are read here when it is nil.
    static func showModel(_ poll: Poll, request: Request, reader: PollLookup.ReaderState? = nil) async throws -> PollPages.Model {
        let id = try poll.requireID()
        let member = request.member
        let ballots: Int
        if let counted = poll.aggregate?.ballots ?? reader?.ballots { ballots = counted }
        else { ballots = try await BallotBox.ballotCount(poll, on: request.db) }
        var model = PollPages.Model(
            poll: PollSummary(poll, asOf: request.now),
            ballots: ballots,
            csrf: member == nil ? nil : try await request.csrfToken(),
            canManage: member?.roles.isDisjoint(with: Role.organisers) == false
        )
        model.minimumBallots = try await PollResults.minimumBallots(poll, on: request.db)
        model.atKiosk = request.kiosk != nil
        if let member {
            let memberID = try member.requireID()
            if let voted = reader?.voted { model.hasVoted = voted }
            else { model.hasVoted = try await BallotBox.hasVoted(pollID: id, memberID: memberID, on: request.db) }
            if let refusal = PollAccess.channelRefusal(poll) { model.refusal = refusal }
            else { model.refusal = try await PollAccess.refusal(poll, member: member, present: reader?.present, on: request.db) }
            if model.hasVoted {
                model.paperRegistration = try await BallotBox.paperRegistration(pollID: id, memberID: memberID, on: request.db)
            }
        }
        model.results = PollResults.published(poll, minimum: model.minimumBallots)
        if poll.custody == .sealed {
            let holders = try await KeyCustody.holders(pollID: id, on: request.db)
            // The holders' names as they are now: a pseudonym changed since is shown as it reads today.
            if !holders.isEmpty { model.poll.holderNames = holders.map(\.member.publicName) }
            if let member, poll.awaitsKeyHolders { model.holdsAKey = holders.contains { $0.$member.id == member.id } }
            if model.canManage { model.custody = holders.map(\.line) }
        }
        return model
    }

    static func formModel(_ request: Request) async throws -> PollPages.FormModel {
        let meetings = try await Meeting.query(on: request.db).filter(\.$status ~~ [.planned, .inProgress])
            .with(\.$items).sort(\.$startsAt).all()
        var items: [(String, String)] = []
        for meeting in meetings {
            for item in meeting.items.sorted(by: { $0.position < $1.position }) {
                items.append((item.id?.uuidString ?? "", "\(meeting.title) — \(item.title)"))
            }
        }
        return PollPages.FormModel(
            csrf: try await request.csrfToken(),
            minimumFloor: try await SiteSettingsStore.minimumBallots(on: request.db),
            territories: try await Territory.query(on: request.db).sort(\.$position).all().map(\.choice),
            agendaItems: items,
            proposals: try await Proposal.query(on: request.db).shownToThePublic()
                .sort(\.$publishedAt, .descending).limit(PollLimits.listed).all().map { ($0.id?.uuidString ?? "", $0.title) }
        )
    }

    static func paperModel(_ poll: Poll, request: Request) async throws -> PollPages.PaperModel {
        let id = try poll.requireID()
        guard let meetingID = poll.$meeting.id else {
            throw PageError(.conflict, title: "Pas de vote sur papier pour ce scrutin",
                            message: "Le vote sur papier se fait pendant une séance : rattachez le scrutin à un point de l'ordre du jour.")
        }
        guard poll.channel.takesPaperBallots else {
            throw PageError(.conflict, title: "Ce vote se fait en ligne",
                            message: "Ce scrutin a été préparé « en ligne » : il ne prend pas de bulletins papier. Bulletins papier "
                                + "et bulletins en ligne ne se mélangent jamais dans un même scrutin, pour que personne ne puisse "
                                + "deviner un vote en retranchant les bulletins qu'il a saisis.")
        }
        // Only members marked present at the poll's session, and eligible for the poll.
        var present: [(id: UUID, name: String)] = []
        for member in try await MeetingAttendance.query(on: request.db).filter(\.$meeting.$id == meetingID)
            .with(\.$member) { $0.with(\.$roleRows) }.all().map(\.member)
        where try await PollAccess.refusal(poll, member: member, on: request.db) == nil {
            present.append((try member.requireID(), member.publicName))
        }
        // One query for the whole register, not one per person present.
        let voters = try await BallotBox.voters(pollID: id, on: request.db)
        return PollPages.PaperModel(poll: PollSummary(poll, asOf: request.now), present: present,
                                    voted: Set(voters.keys), paperVoters: Set(voters.filter { $0.value == .paper }.keys),
                                    csrf: try await request.csrfToken())
    }
}
