import FluentKit
import SQLKit

/// Models read from one plain SQL row that joins several tables: each
/// table's columns are named with a prefix (`m_pseudonym`), and each model
/// is built from its own, as Fluent builds it from its query (so it can be
/// updated afterwards, and `hasChanges` is false). One round trip where
/// Fluent's eager loading takes one per relation.
enum PlainRows {
    /// `alias.column AS alias_column, …` for every column of `model`.
    static func columns<M: Model>(of model: M.Type, in alias: String) -> String {
        M.keys.map { "\(alias).\($0.description) AS \(alias)_\($0.description)" }.joined(separator: ", ")
    }

    /// The model whose columns carry `prefix`, or nil when its id is null (an outer join found none).
    static func model<M: Model>(_ type: M.Type, in row: any SQLRow, prefix: String) throws -> M? {
        let output = PrefixedRow(row: row, prefix: prefix + "_")
        guard row.contains(column: prefix + "_id"), try !row.decodeNil(column: prefix + "_id") else { return nil }
        let model = M()
        try model.output(from: output)
        return model
    }
}

/// A row read as a model's output, its columns named with a prefix.
private struct PrefixedRow: DatabaseOutput {
    let row: any SQLRow
    let prefix: String

    var description: String { "\(prefix)… of \(row)" }

    func schema(_ schema: String) -> any DatabaseOutput { self }

    func contains(_ key: FieldKey) -> Bool { row.contains(column: prefix + key.description) }

    func decodeNil(_ key: FieldKey) throws -> Bool { try row.decodeNil(column: prefix + key.description) }

    func decode<T: Decodable>(_ key: FieldKey, as type: T.Type) throws -> T {
        try row.decode(column: prefix + key.description, as: T.self)
    }
}
