import Foundation
import Vapor

/// The session planning form, as typed.
struct MeetingFields: Content {
    var titre: String?
    var jour: String?
    var debut: String?
    var fin: String?
    var lieu: String?
    var lien: String?
    var territoire: String?
    var description: String?
    var accessibilite: String?
}

/// A session as planned in the form, checked field by field. Pure: the
/// route looks up the territory the form names and passes what it found.
struct MeetingDraft: Sendable, Equatable {
    var title: String
    var startsAt: Date
    var endsAt: Date
    var place: String
    var onlineLink: String?
    var territoryID: UUID?
    var details: String
    var accessibility: String

    /// The draft, or every mistake with the field it belongs to.
    /// - Parameter territory: the territory the form names, if it exists.
    static func check(_ form: MeetingFields, territory: UUID?) -> Result<MeetingDraft, FormErrors> {
        var errors = FormErrors()
        let title = TextInput.clean(form.titre ?? "", multiline: false)
        if title.isEmpty { errors.add("titre", "Donnez un titre à la séance.") }
        else if title.count > Meeting.maximumTitleLength {
            errors.add("titre", "Le titre doit avoir au plus \(Meeting.maximumTitleLength) caractères.")
        }
        let day = form.jour ?? ""
        var start: Date?
        switch MeetingTime.instant(day: day, time: form.debut ?? "") {
        case .success(let date): start = date
        case .failure(.date): errors.add("jour", "Cette date n'existe pas. Écrivez-la comme 12/03/2027.")
        case .failure(.time): errors.add("debut", "Cette heure n'existe pas. Écrivez-la comme 14:00 ou 14 h.")
        case .failure(.nonexistent): errors.add("debut", "Cette heure n'existe pas ce jour-là (changement d'heure). Choisissez-en une autre.")
        }
        var end: Date?
        if MeetingTime.day(day) != nil {
            switch MeetingTime.instant(day: day, time: form.fin ?? "") {
            case .success(let date): end = date
            case .failure: errors.add("fin", "Cette heure n'existe pas. Écrivez-la comme 16:30 ou 16 h 30.")
            }
        }
        if let start, let end, end <= start { errors.add("fin", "La séance doit finir après son début.") }
        let place = TextInput.clean(form.lieu ?? "", multiline: false)
        if place.isEmpty { errors.add("lieu", "Indiquez le lieu, ou « En ligne » pour une séance à distance.") }
        else if let tooLong = TextInput.tooLong(place, limit: MeetingLimits.place, what: "Le lieu") { errors.add("lieu", tooLong) }
        let link = TextInput.clean(form.lien ?? "", multiline: false)
        if let tooLong = TextInput.tooLong(link, limit: MeetingLimits.link, what: "Le lien") {
            errors.add("lien", tooLong)
        } else if !link.isEmpty, !(link.hasPrefix("https://") || link.hasPrefix("http://")) || URL(string: link) == nil {
            errors.add("lien", "Le lien doit commencer par https://")
        }
        let details = TextInput.clean(form.description ?? "", multiline: true)
        if let tooLong = TextInput.tooLong(details, limit: TextInput.Limit.description, what: "La description") {
            errors.add("description", tooLong)
        }
        let accessibility = TextInput.clean(form.accessibilite ?? "", multiline: true)
        if let tooLong = TextInput.tooLong(accessibility, limit: TextInput.Limit.reason, what: "Le texte sur l'accessibilité") {
            errors.add("accessibilite", tooLong)
        }
        if !(form.territoire ?? "").isEmpty && territory == nil {
            errors.add("territoire", "Choisissez un territoire de la liste.")
        }
        guard errors.isEmpty, let start, let end else { return .failure(errors) }
        return .success(MeetingDraft(title: title, startsAt: start, endsAt: end, place: place,
                                     onlineLink: link.isEmpty ? nil : link, territoryID: territory,
                                     details: details, accessibility: accessibility))
    }

    func apply(to meeting: Meeting) {
        meeting.title = title
        meeting.startsAt = startsAt
        meeting.endsAt = endsAt
        meeting.place = place
        meeting.onlineLink = onlineLink
        meeting.$territory.id = territoryID
        meeting.details = details
        meeting.accessibility = accessibility
    }
}
