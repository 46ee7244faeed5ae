import Fluent
import Foundation
import SQLKit

/// Secondary indexes, which Fluent's schema builder cannot declare.
enum SQLIndexes {
    /// `(name, table, "column, column")`: plain column lists written in code, never from input.
    static func create(_ indexes: [(String, String, String)], on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        for (name, table, columns) in indexes {
            try await sql.raw("CREATE INDEX \(unsafeRaw: name) ON \(unsafeRaw: table) (\(unsafeRaw: columns))").run()
        }
    }
}

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
