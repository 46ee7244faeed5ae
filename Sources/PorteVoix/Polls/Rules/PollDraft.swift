import Foundation
import Voting

/// A poll as typed in the preparation form, checked field by field: what
/// `PollsController.create` saves. Pure: the route looks up the territory,
/// agenda item and proposal the form names, and passes what it found.
struct PollDraft: Sendable, Equatable {
    var question: String
    var details: String
    var kind: PollKind
    /// The options' labels (none for a yes/no poll).
    var options: [String]
    var maxChoices: Int
    var minimumBallots: Int
    var eligibility: PollEligibility
    var territoryID: UUID?
    var agendaItemID: UUID?
    var proposalID: UUID?
    var channel: PollChannel
    var custody: BallotCustody
    var holders: [String]
    var threshold: Int
    var opensAt: Date?
    var closesAt: Date?

    /// The draft, or every mistake with the field it belongs to.
    /// - Parameters:
    ///   - minimumFloor: the site's publication minimum; a poll may ask for more, never less.
    ///   - territory, agendaItem, proposal: the ids the form names that exist.
    static func check(_ form: PollFormFields, minimumFloor floor: Int,
                      territory: UUID?, agendaItem: UUID?, proposal: UUID?) -> Result<PollDraft, FormErrors> {
        var errors = FormErrors()
        let question = TextInput.clean(form.question ?? "", multiline: false)
        if question.isEmpty { errors.add("question", "Écrivez la question posée aux membres.") }
        else if question.count > PollLimits.question {
            errors.add("question", "La question doit avoir au plus \(PollLimits.question) caractères.")
        }
        let details = TextInput.clean(form.description ?? "", multiline: true)
        if let tooLong = TextInput.tooLong(details, limit: TextInput.Limit.description, what: "L'explication") {
            errors.add("description", tooLong)
        }
        let kind = form.type.flatMap(PollKind.init(rawValue:))
        if kind == nil { errors.add("type", "Choisissez la façon de voter.") }
        // A yes/no poll has no options of its own, whatever was typed.
        let options = kind == .yesNo ? [] : lines(form.choix)
        if let kind, kind != .yesNo {
            if options.count < 2 { errors.add("choix", "Écrivez au moins deux choix, un par ligne.") }
            else if options.count > PollLimits.options { errors.add("choix", "Vingt choix au plus.") }
            else if Set(options.map(SearchText.fold)).count != options.count { errors.add("choix", "Deux choix sont identiques.") }
            else if options.contains(where: { $0.count > PollLimits.option }) {
                errors.add("choix", "Chaque choix doit avoir au plus \(PollLimits.option) caractères.")
            }
        }
        var maxChoices = max(1, options.count)
        if kind == .approval, let typed = typedNumber(form.maxChoix) {
            if let typed, (1...max(1, options.count)).contains(typed) { maxChoices = typed }
            else { errors.add("maxChoix", "Indiquez un nombre entre 1 et le nombre de choix.") }
        }
        let minimum = typedNumber(form.minimum).map { $0 ?? -1 } ?? floor
        if !(floor...PollLimits.highestMinimum).contains(minimum) {
            errors.add("minimum", "Indiquez un nombre de bulletins entre \(floor) et \(PollLimits.highestMinimum) : "
                + "le site ne publie jamais les résultats de moins de \(floor) bulletins.")
        }
        let custody = form.urne.flatMap(BallotCustody.init(rawValue:)) ?? .standard
        let holders = custody == .sealed ? lines(form.detenteurs) : []
        var threshold = 2
        if custody == .sealed {
            if !PollLimits.keyHolders.contains(holders.count) {
                errors.add("detenteurs", "Écrivez le pseudonyme de 2 à 9 détenteurs de clés, un par ligne.")
            } else if holders.contains(where: { $0.count > PollLimits.holderName }) {
                errors.add("detenteurs", "Chaque pseudonyme doit avoir au plus \(PollLimits.holderName) caractères.")
            } else if Set(holders.map(SearchText.fold)).count != holders.count {
                errors.add("detenteurs", "Le même pseudonyme est écrit deux fois : chaque détenteur est une personne différente.")
            }
            switch typedNumber(form.seuil) {
            case .some(.some(let value)) where value >= 2 && value <= max(2, holders.count): threshold = value
            case nil where holders.count >= 2: break
            default: errors.add("seuil", "Indiquez combien de détenteurs doivent se réunir : entre 2 et le nombre de détenteurs.")
            }
        }
        let eligibility = form.eligibilite.flatMap(PollEligibility.init(rawValue:)) ?? .all
        if eligibility == .territory && territory == nil { errors.add("territoire", "Choisissez le territoire des votants.") }
        if eligibility == .present && agendaItem == nil {
            errors.add("point", "Pour un vote des présents, rattachez le scrutin à un point d'une séance.")
        }
        // A session's poll is on paper or online, never both (design/voting.md, "Insiders").
        let channel: PollChannel
        switch form.canal.flatMap(PollChannel.init(rawValue:)) {
        case .paper?:
            channel = .paper
            if agendaItem == nil {
                errors.add("canal", "Le vote sur papier se fait pendant une séance : choisissez un point de l'ordre du jour.")
            }
        case .online?, nil: channel = .online
        case .mixed?:
            channel = .online
            errors.add("canal", "Choisissez sur papier ou en ligne : un même vote ne mélange jamais les deux.")
        }
        let opensAt = instant(day: form.ouvertureJour, time: form.ouvertureHeure)
        if opensAt == .failure { errors.add("ouvertureJour", "Cette date ou cette heure d'ouverture n'existe pas.") }
        let closesAt = instant(day: form.clotureJour, time: form.clotureHeure)
        if closesAt == .failure { errors.add("clotureJour", "Cette date ou cette heure de clôture n'existe pas.") }
        if case .date(let opening) = opensAt, case .date(let closing) = closesAt, closing <= opening {
            errors.add("clotureJour", "La clôture doit venir après l'ouverture.")
        }
        guard errors.isEmpty, let kind else { return .failure(errors) }
        return .success(PollDraft(
            question: question, details: details, kind: kind, options: options,
            maxChoices: maxChoices, minimumBallots: minimum, eligibility: eligibility,
            territoryID: eligibility == .territory ? territory : nil, agendaItemID: agendaItem, proposalID: proposal,
            channel: channel, custody: custody, holders: holders, threshold: threshold, opensAt: opensAt.date, closesAt: closesAt.date
        ))
    }

    /// Non-empty lines, cleaned.
    private static func lines(_ text: String?) -> [String] {
        (text ?? "").components(separatedBy: .newlines).map { TextInput.clean($0, multiline: false) }.filter { !$0.isEmpty }
    }

    /// nil when left empty; `.some(nil)` when typed but not a whole number.
    private static func typedNumber(_ text: String?) -> Int?? {
        let trimmed = (text ?? "").trimmingCharacters(in: .whitespaces)
        return trimmed.isEmpty ? nil : .some(Int(trimmed))
    }

    private enum Instant: Equatable {
        case none, date(Date), failure
        var date: Date? { if case .date(let date) = self { date } else { nil } }
    }

    /// An automatic opening or closing: none when the day is left empty.
    private static func instant(day: String?, time: String?) -> Instant {
        guard let day, !day.isEmpty else { return .none }
        switch MeetingTime.instant(day: day, time: time ?? "00:00") {
        case .success(let date): return .date(date)
        case .failure: return .failure
        }
    }
}
