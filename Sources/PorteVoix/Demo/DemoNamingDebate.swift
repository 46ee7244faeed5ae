import Fluent
import Foundation
import Vapor
import Voting

/// The naming debate as a council would have lived it: names with their
/// reasons, opinions, two periods of the feeling question, a closed vote.
enum DemoNamingDebate {
    static let names: [(String, String)] = [
        ("allocataire", "C'est le mot de la CAF. Il dit ce qui se passe : on reçoit une allocation, sans jugement."),
        ("personne accompagnée", "On nous accompagne vers un travail ou une formation. Ce n'est pas une faveur, c'est un parcours."),
        ("personne concernée", "Nous sommes concernés par le RSA, comme d'autres le sont par la retraite. Ça ne dit rien de plus."),
        ("usager", "On utilise un service public, comme tout le monde. Certains trouvent que ça sonne « utilisé »."),
        ("ayant droit", "Le RSA est un droit, pas un cadeau. Ce nom le rappelle à chaque courrier."),
        ("participant·e", "Au conseil, nous participons : nous donnons notre avis et nous décidons avec le Département."),
        ("citoyen·ne", "Avant d'être au RSA, nous sommes des citoyens. Pourquoi nous mettre à part ?"),
    ]

    static let opinionTexts: [OpinionStance: [String]] = [
        .pour: ["Ça me va bien, c'est simple et ça ne juge pas.", "Enfin un mot qui ne fait pas honte au guichet.",
                "C'est comme ça que je me présente déjà."],
        .contre: ["Ce mot ne dit rien de notre situation.", "Ça sonne encore administratif.",
                  "On ne me parlerait pas comme ça au guichet de la mairie."],
        .partage: ["Bien pour les courriers, moins pour parler de nous.", "Pourquoi pas, mais il faudrait l'expliquer."],
    ]

    static func fill(_ app: Application, voters: [Member]) async throws {
        let database = app.db
        let authors = voters.prefix(names.count)
        var published: [ProposedName] = []
        for (index, (name, explanation)) in names.enumerated() {
            let proposed = ProposedName(name: name, explanation: explanation, authorID: try authors[authors.startIndex + index].requireID(),
                                        anonymous: index % 3 == 1, status: .published,
                                        at: Date().addingTimeInterval(-Double(60 - index) * 86_400))
            try await proposed.create(on: database)
            published.append(proposed)
        }
        // Opinions: every name gets some; a few with a text, all published.
        let current = try await ProposedName.query(on: database).filter(\.$isCurrent == true).first()
        for (nameIndex, name) in (published + [current].compactMap { $0 }).enumerated() {
            for (voterIndex, voter) in voters.prefix(8 + nameIndex).enumerated() {
                let stance: OpinionStance = name.isCurrent ? (voterIndex % 6 == 0 ? .partage : .contre)
                    : [.pour, .pour, .contre, .partage, .pour][(voterIndex + nameIndex) % 5]
                let texts = opinionTexts[stance] ?? []
                let text = voterIndex % 4 == 0 ? texts[(voterIndex / 4 + nameIndex) % texts.count] : ""
                _ = try await NamingContributions.giveOpinion(on: name.requireID(), by: voter.requireID(), stance: stance, text: text,
                                                              anonymous: voterIndex % 2 == 0, on: database, now: app.clock.now())
            }
        }
        try await NameOpinion.query(on: database).set(\.$status, to: .published).update()

        // Two periods of the feeling question: fewer people hurt the second time.
        let spreads: [[Int]] = [[2, 4, 9, 8, 2], [3, 6, 7, 5, 2]]
        for (period, spread) in spreads.enumerated() {
            let poll = try await FeelingQuestion.openRound(opensAt: Date().addingTimeInterval(-Double(90 - period * 40) * 86_400),
                                                           closesAt: Date().addingTimeInterval(-Double(80 - period * 40) * 86_400),
                                                           master: app.siteKeys.ballotMaster, now: app.clock.now(), on: database)
            // Answered in the past: open while the demo members answer, then closed at its date.
            let closesAt = poll.closesAt ?? Date()
            poll.status = .open
            poll.openedAt = poll.opensAt
            poll.closesAt = nil
            try await poll.save(on: database)
            let answers = spread.enumerated().flatMap { Array(repeating: $0.offset, count: $0.element) }
            for (index, answer) in answers.enumerated() where index < voters.count {
                _ = try await BallotBox.cast(.single(answer), poll: poll, memberID: voters[index].requireID(), clock: app.clock, on: database)
            }
            try await PollCount.close(poll, at: closesAt, app: app)
            try await Poll.query(on: database).filter(\.$id == poll.requireID()).set(\.$closesAt, to: closesAt).update()
        }

        // The vote over a shortlist, closed and counted.
        let shortlist = try await ProposedName.query(on: database)
            .filter(\.$name ~~ ["personne accompagnée", "personne concernée", "allocataire", "ayant droit"]).all()
        guard let current else { return }
        let vote = try await NamingShortlist.openVote([current] + shortlist.sorted { $0.name < $1.name }, opensAt: nil, closesAt: nil,
                                                      meetingID: nil, master: app.siteKeys.ballotMaster, now: app.clock.now(), on: database)
        vote.status = .open
        vote.openedAt = Date().addingTimeInterval(-10 * 86_400)
        try await vote.save(on: database)
        // Grades per candidate, current name first: it is mostly rejected.
        let centres: [Grade] = [.insuffisant, .bien, .tresBien, .assezBien, .passable]
        var random = SystemRandomNumberGenerator()
        for voter in voters.prefix(30) {
            let grades = centres.prefix(shortlist.count + 1).map { centre in
                Grade(rawValue: min(6, max(0, centre.rawValue + Int.random(in: -1...1, using: &random))))!
            }
            _ = try await BallotBox.cast(.grades(Array(grades)), poll: vote, memberID: voter.requireID(), clock: app.clock, on: database)
        }
        try await PollCount.close(vote, at: app.clock.now(), app: app)
    }
}
