import Foundation

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
        case tooShort, tooLong, controlCharacters, reserved

        public var message: String {
            switch self {
            case .tooShort: "Le pseudonyme doit avoir au moins \(Pseudonym.minimumLength) caractères."
            case .tooLong: "Le pseudonyme doit avoir au plus \(Pseudonym.maximumLength) caractères."
            case .controlCharacters: "Le pseudonyme contient un caractère invisible. Retapez-le."
            case .reserved: "Ce pseudonyme est réservé par le site. Choisissez-en un autre."
            }
        }
    }

    public init(_ typed: String) throws(Problem) {
        if typed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control && $0 != "\t" }) {
            throw .controlCharacters
        }
        let display = typed
            .components(separatedBy: .whitespacesAndNewlines)
            .filter { !$0.isEmpty }
            .joined(separator: " ")
        if display.count < Self.minimumLength { throw .tooShort }
        if display.count > Self.maximumLength { throw .tooLong }
        let key = Self.key(for: display)
        if Self.reserved.contains(key) { throw .reserved }
        self.display = display
        self.key = key
    }

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
