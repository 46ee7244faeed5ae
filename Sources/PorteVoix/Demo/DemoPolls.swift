import Fluent
import Foundation
import Vapor
import Voting

/// Closed polls of every kind with results, and one open poll.
enum DemoPolls {
    static let names = ["Amina", "Bernard", "Chloé", "Dylan", "Élise", "Farid", "Gaëlle", "Hugo", "Inès", "Jordan",
                        "Karima", "Léo", "Manon", "Nassim", "Océane", "Pascal", "Rachida", "Sébastien", "Tiphaine",
                        "Ulysse", "Valérie", "William", "Yasmina", "Zoé", "Adrien", "Brigitte", "Cédric", "Djamila",
                        "Emma", "Fabrice", "Gisèle", "Hakim", "Isabelle", "Jules", "Kevin", "Laurence"]

    /// - Returns: every demo member who votes (the accounts above and the extra voters).
    @discardableResult
    static func fill(_ app: Application, members: [Member]) async throws -> [Member] {
        let database = app.db
        var voters = members.filter { $0.roles.contains(.participant) }
        for name in names {
            let member = Member(pseudonym: try Pseudonym("\(name) (démo)"), passwordHash: try await SecretHasher.hash(
                DemoData.demoPassword(), application: app), status: .active, territoryID: nil, at: app.clock.now())
            member.acceptCharter(at: app.clock.now())
            try await member.create(on: database)
            try await MemberRole(memberID: member.requireID(), role: .participant).create(on: database)
            voters.append(member)
        }
        var random = SystemRandomNumberGenerator()
        let meeting = try await Meeting.query(on: database).filter(\.$status == .closed).sort(\.$startsAt, .descending).first()

        // Majority judgment: six ideas for the next year, graded by everyone.
        let ideas = ["Une navette à la demande", "Des permanences numériques", "Une crèche le samedi",
                     "Des courriers en français simple", "Un référent qui ne change pas", "Une mutuelle négociée"]
        let favourites: [Grade] = [.tresBien, .bien, .assezBien, .excellent, .bien, .passable]
        try await closedPoll("Quelles priorités pour l'an prochain ?", kind: .majorityJudgment, options: ideas,
                             meeting: meeting, voters: voters, on: app) { _ in
            .grades(favourites.map { centre in
                Grade(rawValue: min(6, max(0, centre.rawValue + Int.random(in: -2...2, using: &random))))!
            })
        }
        try await closedPoll("Adopter la proposition sur la navette à la demande ?", kind: .yesNo, options: [],
                             meeting: meeting, voters: Array(voters.prefix(17)), on: app) { index in
            .yesNo(index % 5 == 0 ? .contre : index % 7 == 0 ? .abstention : .pour)
        }
        try await closedPoll("Quel jour pour les séances plénières ?", kind: .single, options: ["Mardi", "Jeudi", "Samedi"],
                             meeting: nil, voters: Array(voters.prefix(23)), on: app) { index in
            .single(index % 3 == 2 ? 0 : index % 2)
        }
        try await closedPoll("Quels thèmes pour les ateliers ? (deux au plus)", kind: .approval,
                             options: ["Budget", "Numérique", "Santé", "Logement"], meeting: nil,
                             voters: Array(voters.prefix(19)), on: app, maxChoices: 2) { index in
            .approval(Array(Set([index % 4, (index * 3 + 1) % 4])).sorted())
        }
        let open = try await makePoll("Faut-il changer le nom donné aux personnes au RSA dans les courriers ?", kind: .yesNo,
                                      options: [], meeting: nil, status: .open, on: app)
        for (index, voter) in voters.prefix(7).enumerated() {
            _ = try await BallotBox.cast(.yesNo(index % 4 == 0 ? .contre : .pour), poll: open,
                                         memberID: voter.requireID(), clock: app.clock, on: database)
        }
        return voters
    }

    static func closedPoll(_ question: String, kind: PollKind, options: [String], meeting: Meeting?, voters: [Member],
                           on app: Application, maxChoices: Int? = nil, ballot: (Int) -> BallotContent) async throws {
        let poll = try await makePoll(question, kind: kind, options: options, meeting: meeting, status: .open,
                                      maxChoices: maxChoices, on: app)
        for (index, voter) in voters.enumerated() {
            _ = try await BallotBox.cast(ballot(index), poll: poll, memberID: voter.requireID(), clock: app.clock, on: app.db)
        }
        try await PollCount.close(poll, at: app.clock.now(), app: app)
    }

    static func makePoll(_ question: String, kind: PollKind, options: [String], meeting: Meeting?, status: PollStatus,
                         maxChoices: Int? = nil, on app: Application) async throws -> Poll {
        let database = app.db
        let poll = Poll()
        poll.id = UUID()
        poll.question = question
        poll.details = ""
        poll.kind = kind
        poll.maxChoices = maxChoices ?? max(1, options.count)
        poll.minimumBallots = SiteSettingsStore.defaultMinimumBallots
        poll.eligibility = .all
        poll.$meeting.id = meeting?.id
        poll.status = status
        poll.openedAt = Date().addingTimeInterval(-86_400)
        poll.paperBallots = 0
        poll.createdAt = Date().addingTimeInterval(-86_400)
        PollKeys.standard(poll, master: app.siteKeys.ballotMaster)
        try await poll.create(on: database)
        for (index, label) in options.enumerated() {
            try await PollOption(pollID: poll.requireID(), position: index, label: label).create(on: database)
        }
        return poll
    }
}
