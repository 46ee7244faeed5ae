import Fluent
import SQLKit
import Foundation
import Vapor
import Voting

enum PollAccess {
    /// Why a member may not vote, in plain French; nil if they may.
    static func refusal(_ poll: Poll, member: Member, on database: any Database) async throws -> String? {
        guard member.status == .active, member.roles.contains(.participant) else {
            return "Ce scrutin est réservé aux membres du conseil."
        }
        switch poll.eligibility {
        case .all:
            return nil
        case .territory:
            guard member.$territory.id != nil, member.$territory.id == poll.$territory.id else {
                return "Ce scrutin est réservé aux membres du territoire « \(poll.territory?.name ?? "") »."
            }
            return nil
        case .present:
            guard let meetingID = poll.$meeting.id,
                  try await MeetingAttendance.query(on: database).filter(\.$meeting.$id == meetingID)
                    .filter(\.$member.$id == member.requireID()).count() > 0
            else {
                return "Ce scrutin est réservé aux membres présents à la séance. Si vous êtes dans la salle, "
                    + "demandez à l'animatrice ou l'animateur de noter votre présence."
            }
            return nil
        }
    }
}

/// Reads a ballot from the form fields of its kind: `choix` (yes/no and
/// single), `choix[]` (approval), `note-<index>` (majority judgment; a
/// missing grade counts as "À rejeter", as the form says).
enum BallotForm {
    static func read(_ request: Request, poll: Poll) -> BallotContent? {
        let options = poll.$options.value?.count ?? 0
        switch poll.kind {
        case .yesNo:
            return (try? request.content.get(String.self, at: "choix")).flatMap(yesNo).map { .yesNo($0) }
        case .single:
            return (try? request.content.get(String.self, at: "choix")).flatMap { Int($0, radix: 10) }.map { .single($0) }
        case .approval:
            let chosen = ((try? request.content.get([String].self, at: "choix")) ?? []).compactMap(Int.init)
            return .approval(Array(Set(chosen)).sorted())
        case .majorityJudgment:
            return .grades((0..<options).map { index in
                (try? request.content.get(String.self, at: "note-\(index)")).flatMap(Int.init).flatMap(Grade.init(rawValue:))
                    ?? .aRejeter
            })
        }
    }

    /// The form value of a yes/no choice: one letter each, so that the size
    /// of a request does not tell the choice (design/voting.md, "Traffic").
    static func value(_ choice: YesNoChoice) -> String {
        switch choice {
        case .pour: "P"
        case .contre: "C"
        case .abstention: "A"
        }
    }

    static func yesNo(_ value: String) -> YesNoChoice? {
        YesNoChoice.allCases.first { Self.value($0) == value } ?? YesNoChoice(rawValue: value)
    }

    /// The form value of a single choice: two digits for every option (at
    /// most 20), for the same reason.
    static func value(option index: Int) -> String {
        index < 10 ? "0\(index)" : String(index)
    }

    /// The hidden fields that carry a ballot from the confirmation page to the vote.
    static func fields(_ content: BallotContent) -> [(String, String)] {
        switch content {
        case .yesNo(let choice): [("choix", value(choice))]
        case .single(let index): [("choix", value(option: index))]
        case .approval(let indices): indices.map { ("choix[]", String($0)) }
        case .grades(let grades): grades.enumerated().map { ("note-\($0.offset)", String($0.element.rawValue)) }
        }
    }

    /// The choice in words, for the confirmation page.
    static func words(_ content: BallotContent, options: [String]) -> [String] {
        switch content {
        case .yesNo(let choice): ["Votre réponse : \(choice.label)"]
        case .single(let index): ["Votre choix : \(options.indices.contains(index) ? options[index] : "?")"]
        case .approval(let indices):
            indices.isEmpty ? ["Aucun choix"] : indices.map { "Vous choisissez : \(options.indices.contains($0) ? options[$0] : "?")" }
        case .grades(let grades):
            grades.enumerated().map { "\(options.indices.contains($0.offset) ? options[$0.offset] : "?") : \($0.element.label)" }
        }
    }
}

/// The fields of the form that creates a poll, as typed.
struct PollFormFields: Content {
    var question: String?
    var description: String?
    var type: String?
    var choix: String?
    var maxChoix: String?
    var minimum: String?
    var eligibilite: String?
    var territoire: String?
    var point: String?
    var proposition: String?
    var ouvertureJour: String?
    var ouvertureHeure: String?
    var clotureJour: String?
    var clotureHeure: String?
    var urne: String?
    var detenteurs: String?
    var seuil: String?
}
