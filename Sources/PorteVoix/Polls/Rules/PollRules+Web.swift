import Fluent
import SQLKit
import Foundation
import Vapor
import Voting

enum PollAccess {
    /// Why a member may not vote, in plain French; nil if they may.
    /// `present`: whether they are marked present at the poll's session, when
    /// already read with the poll (`PollLookup.findForBallot`).
    static func refusal(_ poll: Poll, member: Member, present: Bool? = nil, on database: any Database) async throws -> String? {
        guard member.status == .active, member.roles.contains(.participant) else {
            return "Ce scrutin est réservé aux membres du conseil."
        }
        if let refusal = electorateRefusal(poll, member: member) { return refusal }
        switch poll.eligibility {
        case .all:
            return nil
        case .territory:
            guard member.$territory.id != nil, member.$territory.id == poll.$territory.id else {
                return "Ce scrutin est réservé aux membres du territoire « \(poll.territory?.name ?? "") »."
            }
            return nil
        case .present:
            var isPresent = false
            if let meetingID = poll.$meeting.id {
                if let present {
                    isPresent = present
                } else {
                    isPresent = try await MeetingAttendance.query(on: database).filter(\.$meeting.$id == meetingID)
                        .filter(\.$member.$id == member.requireID()).count() > 0
                }
            }
            guard isPresent else {
                return "Ce scrutin est réservé aux membres présents à la séance. Si vous êtes dans la salle, "
                    + "demandez à l'animatrice ou l'animateur de noter votre présence."
            }
            return nil
        }
    }
}

extension PollAccess {
    /// A session's poll has a fixed electorate: accounts first activated
    /// (charter accepted) before it opened. Cards printed during the vote
    /// give no vote in it. Polls open to all members for weeks, outside any
    /// session, admit members who join meanwhile (design/voting.md, "Insiders").
    static func electorateRefusal(_ poll: Poll, member: Member) -> String? {
        guard poll.isSessionPoll, let openedAt = poll.openedAt ?? (poll.status == .draft ? nil : poll.createdAt) else { return nil }
        let activated = member.firstActivatedAt ?? member.charterAcceptedAt
        guard let activated, activated < openedAt else {
            return "Ce vote de séance est réservé aux comptes ouverts avant son ouverture : "
                + "votre compte a été activé après. Vous pourrez voter aux prochains scrutins."
        }
        return nil
    }

    /// Why a member may not vote on the web in this poll (its channel), nil if they may.
    static func channelRefusal(_ poll: Poll) -> String? {
        poll.channel.takesWebBallots ? nil
            : "Ce vote se fait sur papier, dans la salle : l'équipe d'animation note les votants et saisit les bulletins "
                + "de l'urne. Il n'est pas possible de voter ici pour ce scrutin."
    }
}

/// Reads a ballot from the form fields of its kind: `choix` (yes/no and
/// single), `choix-<index>` = `O`/`N` for every option (approval), and
/// `note-<index>` for every option (majority judgment). Every option of an
/// approval or majority-judgment ballot sends one value of fixed width, so
/// every request of a poll has one size whatever the choice; and nothing is
/// pre-selected, so a ballot with an unanswered option is refused, its
/// answers kept (design/voting.md, "Traffic").
enum BallotForm {
    /// The answers sent, by field name, only those this poll's form can send.
    static func answers(_ request: Request, poll: Poll) -> [String: String] {
        var answers: [String: String] = [:]
        for name in fieldNames(kind: poll.kind, optionCount: poll.$options.value?.count ?? 0) {
            if let value = try? request.content.get(String.self, at: name), isValid(value, kind: poll.kind) {
                answers[name] = value
            }
        }
        return answers
    }

    static func fieldNames(kind: PollKind, optionCount: Int) -> [String] {
        switch kind {
        case .yesNo, .single: ["choix"]
        case .approval: (0..<optionCount).map { "choix-\($0)" }
        case .majorityJudgment: (0..<optionCount).map { "note-\($0)" }
        }
    }

    private static func isValid(_ value: String, kind: PollKind) -> Bool {
        switch kind {
        case .yesNo: yesNo(value) != nil
        case .single: value.count == 2 && Int(value) != nil
        case .approval: value == yes || value == no
        case .majorityJudgment: Int(value).flatMap(Grade.init(rawValue:)) != nil
        }
    }

    static func read(_ request: Request, poll: Poll) -> BallotContent? {
        read(answers(request, poll: poll), kind: poll.kind, optionCount: poll.$options.value?.count ?? 0)
    }

    /// The ballot, or nil while any option is unanswered.
    static func read(_ answers: [String: String], kind: PollKind, optionCount: Int) -> BallotContent? {
        switch kind {
        case .yesNo:
            return answers["choix"].flatMap(yesNo).map { .yesNo($0) }
        case .single:
            return answers["choix"].flatMap { Int($0, radix: 10) }.map { .single($0) }
        case .approval:
            let values = (0..<optionCount).map { answers["choix-\($0)"] }
            guard !values.contains(nil) else { return nil }
            return .approval(values.enumerated().filter { $0.element == yes }.map(\.offset))
        case .majorityJudgment:
            let grades = (0..<optionCount).map { answers["note-\($0)"].flatMap(Int.init).flatMap(Grade.init(rawValue:)) }
            guard !grades.contains(nil) else { return nil }
            return .grades(grades.compactMap { $0 })
        }
    }

    /// What to say when the ballot is not complete.
    /// The same, naming the choices still without an answer (RGAA 11.10:
    /// the message says which field).
    static func missingAnswer(_ kind: PollKind, options: [String], answers: [String: String]) -> String {
        let prefix = kind == .majorityJudgment ? "note-" : "choix-"
        let missing = options.enumerated().filter { answers[prefix + String($0.offset)] == nil }.map { "« \($0.element) »" }
        guard [.approval, .majorityJudgment].contains(kind), !missing.isEmpty else { return missingAnswer(kind) }
        return missingAnswer(kind) + " Sans réponse : " + missing.joined(separator: ", ") + "."
    }

    static func missingAnswer(_ kind: PollKind) -> String {
        switch kind {
        case .yesNo, .single: BallotProblem.noChoice.message
        case .approval: "Répondez « oui » ou « non » pour chaque choix : rien n'est coché d'avance. Vos réponses sont gardées."
        case .majorityJudgment: "Donnez une appréciation à chaque choix : rien n'est choisi d'avance. Vos réponses sont gardées."
        }
    }

    /// Approval: « oui » and « non », one letter each.
    static let yes = "O", no = "N"

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

    /// The fields of a ballot: the hidden fields that carry it from the
    /// confirmation page to the vote, and the answers a form shows again.
    /// One value for every option, whatever the choice.
    static func fields(_ content: BallotContent, optionCount: Int) -> [(String, String)] {
        switch content {
        case .yesNo(let choice): [("choix", value(choice))]
        case .single(let index): [("choix", value(option: index))]
        case .approval(let indices):
            (0..<optionCount).map { ("choix-\($0)", indices.contains($0) ? yes : no) }
        case .grades(let grades): grades.enumerated().map { ("note-\($0.offset)", String($0.element.rawValue)) }
        }
    }

    static func answers(_ content: BallotContent, optionCount: Int) -> [String: String] {
        Dictionary(fields(content, optionCount: optionCount), uniquingKeysWith: { $1 })
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
    var canal: String?
    var urne: String?
    var detenteurs: String?
    var seuil: String?
}
