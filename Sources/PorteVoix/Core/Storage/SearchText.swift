import Foundation

/// Text folded for searching: lower case, without accents, so that
/// "Crèche" finds "creche" on SQLite and PostgreSQL alike.
public enum SearchText {
    public static func fold(_ text: String) -> String {
        text.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil).lowercased()
    }

    /// The words of a search, folded; at most 8, each at least 2 characters.
    public static func terms(_ query: String) -> [String] {
        fold(query)
            .components(separatedBy: CharacterSet.alphanumerics.inverted)
            .filter { $0.count >= 2 }
            .prefix(8)
            .map { $0 }
    }
}
