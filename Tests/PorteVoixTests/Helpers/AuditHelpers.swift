import Fluent
import Vapor
@testable import PorteVoix

/// The audit log as its readers see it: each entry's sentence, names looked up now.
func auditSentences(_ app: Application, action: String? = nil) async throws -> [String] {
    var query = AuditEntry.query(on: app.db).sort(\.$sequence)
    if let action { query = query.filter(\.$action == action) }
    let entries = try await query.all()
    let names = try await AuditNames.load(for: entries, on: app.db)
    return entries.map { AuditSentence.describe($0, names: names) }
}
