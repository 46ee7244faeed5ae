import Foundation
import Vapor

/// The proposal form, as typed.
struct ProposalFields: Content {
    var titre: String?
    var texte: String?
    var theme: String?
    var territoire: String?
    var anonyme: String?
    /// On a paper proposal: the pseudonym of the member who wrote it, if known.
    var pseudonyme: String?
    var action: String?
}

/// A proposal as typed, checked field by field. Pure: the route looks up
/// the theme, territory and member the form names and passes what it found.
struct ProposalDraft: Sendable, Equatable {
    var title: String
    var body: String
    var themeID: UUID
    var territoryID: UUID?
    var anonymous: Bool
    /// A paper proposal's named author, who confirms it before it bears their name.
    var paperAuthorID: UUID?

    /// The shortest text that explains an idea.
    static let shortestBody = 10

    /// The draft, or every mistake with the field it belongs to.
    /// - Parameters:
    ///   - theme, territory: the ones the form names, if they exist.
    ///   - paperAuthor: on a paper proposal, the member whose pseudonym was typed, if found.
    static func check(_ form: ProposalFields, paper: Bool, theme: UUID?, territory: UUID?,
                      paperAuthor: UUID?) -> Result<ProposalDraft, FormErrors> {
        var errors = FormErrors()
        let title = TextInput.clean(form.titre ?? "", multiline: false)
        let body = TextInput.clean(form.texte ?? "", multiline: true)
        if title.isEmpty {
            errors.add("titre", "Donnez un titre à votre proposition.")
        } else if title.count > Proposal.maximumTitleLength {
            errors.add("titre", "Le titre a \(title.count) caractères : raccourcissez-le à \(Proposal.maximumTitleLength) au plus.")
        }
        if body.count < shortestBody {
            errors.add("texte", "Expliquez votre idée en quelques phrases.")
        } else if body.count > Proposal.maximumBodyLength {
            errors.add("texte", "Le texte a \(body.count) caractères : raccourcissez-le à \(Proposal.maximumBodyLength) au plus.")
        }
        if theme == nil { errors.add("theme", "Choisissez le thème qui correspond le mieux.") }
        if !(form.territoire ?? "").isEmpty && territory == nil {
            errors.add("territoire", "Choisissez un territoire de la liste.")
        }
        let namesSomeone = paper && !(form.pseudonyme ?? "").trimmingCharacters(in: .whitespaces).isEmpty
        if namesSomeone && paperAuthor == nil {
            errors.add("pseudonyme", "Aucun membre n'a ce pseudonyme. Laissez vide pour « un membre du conseil ».")
        }
        guard errors.isEmpty, let theme else { return .failure(errors) }
        return .success(ProposalDraft(title: title, body: body, themeID: theme, territoryID: territory,
                                      anonymous: form.anonyme == "oui", paperAuthorID: namesSomeone ? paperAuthor : nil))
    }
}
