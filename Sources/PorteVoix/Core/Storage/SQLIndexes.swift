import Fluent
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
