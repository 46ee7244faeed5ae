import Foundation
import PersonalData

/// A pseudonym as typed, checked, and folded for comparison.
///
/// "Marie", "marie" and "Marié" are the same pseudonym: two members who
/// could be mistaken for each other must not exist.
public struct Pseudonym: Sendable, Equatable {
    public static let minimumLength = 2
    public static let maximumLength = 40
    /// Names the interface itself uses for people; nobody may take them.
    static let reserved = ["ancien membre", "un membre du conseil", "membre du conseil", "administrateur", "moderateur",
                           "animateur", "animatrice", "departement", "portevoix"]

    /// As the member wrote it, with spaces tidied.
    public let display: String
    /// Lower case, without accents or width differences: the unique key.
    public let key: String

    public enum Problem: Error, Equatable {
        case tooShort, tooLong, controlCharacters, invisibleCharacters, reserved
        /// Looks like a way to reach or recognise the member: an e-mail, a
        /// phone number, a full name with a town.
        case personal(String)

        public var message: String {
            switch self {
            case .tooShort: "Le pseudonyme doit avoir au moins \(Pseudonym.minimumLength) caractères."
            case .tooLong: "Le pseudonyme doit avoir au plus \(Pseudonym.maximumLength) caractères."
            case .controlCharacters: "Le pseudonyme contient un caractère invisible. Retapez-le."
            case .invisibleCharacters:
                "Le pseudonyme contient un caractère invisible ou qui change le sens de l'écriture. Retapez-le sans copier-coller."
            case .reserved: "Ce pseudonyme est réservé par le site. Choisissez-en un autre."
            case .personal(let what):
                "Ce pseudonyme ressemble à \(what). Pour vous protéger, choisissez un nom qui ne permet ni de vous joindre "
                    + "ni de vous reconnaître, par exemple un surnom."
            }
        }
    }

    public init(_ typed: String) throws(Problem) {
        if typed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control && $0 != "\t" }) {
            throw .controlCharacters
        }
        // Zero-width characters, bidirectional controls, soft hyphens: all of
        // Unicode's "format" category, which lets two names look the same.
        if typed.unicodeScalars.contains(where: { $0.properties.generalCategory == .format }) {
            throw .invisibleCharacters
        }
        // NFKC: full-width letters, ligatures and compatibility forms become plain ones.
        let display = typed.precomposedStringWithCompatibilityMapping
            .components(separatedBy: .whitespacesAndNewlines)
            .filter { !$0.isEmpty }
            .joined(separator: " ")
        if display.count < Self.minimumLength { throw .tooShort }
        if display.count > Self.maximumLength { throw .tooLong }
        let key = Self.key(for: display)
        if Self.reserved.contains(key) { throw .reserved }
        if let kind = PersonalData.scan(display).first?.kind { throw .personal(kind.label) }
        if Self.looksLikeNameAndTown(display) { throw .personal("un nom complet avec une ville") }
        self.display = display
        self.key = key
    }

    /// "Marie Dupont de Lens", "Jean Martin à Arras": two capitalised words,
    /// then a town introduced by de, du, d', à or from.
    static func looksLikeNameAndTown(_ display: String) -> Bool {
        let words = display.replacingOccurrences(of: "d'", with: "d' ").replacingOccurrences(of: "d’", with: "d' ")
            .split(separator: " ").map(String.init)
        guard words.count >= 4, let link = words.firstIndex(where: { ["de", "du", "à", "a", "d'"].contains($0.lowercased()) }),
              link >= 2, link < words.count - 1,
              !["la", "le", "les", "l'", "un", "une"].contains(words[0].lowercased()) else { return false }
        let capitalised = { (word: String) in word.first?.isUppercase == true }
        return words[..<link].allSatisfy(capitalised) && capitalised(words[link + 1])
    }

    /// What a pseudonym looks like, for telling look-alikes apart (after
    /// Unicode TS #39 "skeletons", for the characters of Latin names): two
    /// pseudonyms with the same skeleton cannot both exist.
    public static func skeleton(_ typed: String) -> String {
        // Capitals first: an upper-case I looks like l, not like i.
        let capitals = String(typed.precomposedStringWithCompatibilityMapping.map { upperConfusables[$0] ?? $0 })
        var text = key(for: capitals)
        text = String(text.map { confusables[$0] ?? $0 })
        for (sequence, replacement) in [("rn", "m"), ("vv", "w"), ("cl", "d")] {
            text = text.replacingOccurrences(of: sequence, with: replacement)
        }
        return text.filter { !$0.isWhitespace && !"-_.'’".contains($0) }
    }

    /// Capitals that look like Latin letters, before case folding.
    static let upperConfusables: [Character: Character] = [
        "I": "l", "Α": "a", "Β": "b", "Ε": "e", "Ζ": "z", "Η": "h", "Ι": "l", "Κ": "k", "Μ": "m", "Ν": "n", "Ο": "o",
        "Ρ": "p", "Τ": "t", "Υ": "y", "Χ": "x", "А": "a", "В": "b", "Е": "e", "К": "k", "М": "m", "Н": "h", "О": "o",
        "Р": "p", "С": "c", "Т": "t", "Х": "x", "Ӏ": "l",
    ]

    /// Letters that look like Latin ones (Cyrillic, Greek), and digits that look like letters.
    static let confusables: [Character: Character] = [
        "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p", "с": "c", "т": "t",
        "у": "y", "х": "x", "і": "i", "ї": "i", "ј": "j", "ѕ": "s", "ԁ": "d", "ԛ": "q", "ԝ": "w", "һ": "h", "ӏ": "l",
        "α": "a", "β": "b", "ε": "e", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p", "τ": "t", "υ": "u", "χ": "x",
        "ω": "w", "0": "o", "1": "l", "|": "l", "ı": "i", "ł": "l", "‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-",
    ]

    /// The comparison key of any typed pseudonym, valid or not (for sign-in).
    public static func key(for typed: String) -> String {
        typed
            .components(separatedBy: .whitespacesAndNewlines)
            .filter { !$0.isEmpty }
            .joined(separator: " ")
            .folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil)
            .lowercased()
    }
}
