import Foundation

/// The RGAA 4.1 audit kept as data in `docs/rgaa/` (criteria, sample of
/// pages, each criterion on each page, the audit's facts), from which the
/// accessibility statement is written: its rate, its non-conformities, its
/// status in the footer. The browser checks compare it with axe-core.
struct ConformityAudit: Sendable {
    enum Result: String, Sendable { case conform = "C", nonConform = "NC", notApplicable = "NA" }

    struct Criterion: Sendable {
        var id: String
        var theme: String
        var title: String
    }

    struct Page: Sendable {
        var slug: String
        var title: String
        var address: String
    }

    struct Finding: Sendable {
        var criterion: String
        var page: String
        var result: Result
        var method: String
        var note: String
    }

    var criteria: [Criterion]
    var pages: [Page]
    var findings: [Finding]
    var facts: [String: String]

    /// A criterion is conform if it is on every page where it applies, non
    /// conform if it fails on one page, not applicable if it applies nowhere.
    func result(of criterion: String) -> Result {
        let results = findings.filter { $0.criterion == criterion }.map(\.result)
        if results.contains(.nonConform) { return .nonConform }
        return results.contains(.conform) ? .conform : .notApplicable
    }

    var counts: (conform: Int, nonConform: Int, notApplicable: Int) {
        let results = criteria.map { result(of: $0.id) }
        return (results.filter { $0 == .conform }.count, results.filter { $0 == .nonConform }.count,
                results.filter { $0 == .notApplicable }.count)
    }

    /// The RGAA's rate: conform criteria over applicable ones, in percent.
    var rate: Double? {
        let counts = counts
        let applicable = counts.conform + counts.nonConform
        return applicable == 0 ? nil : 100 * Double(counts.conform) / Double(applicable)
    }

    /// The status the law names: fully conform at 100 %, partially from 50 %.
    var status: String {
        guard let rate else { return "non conforme" }
        return rate >= 100 ? "totalement conforme" : rate >= 50 ? "partiellement conforme" : "non conforme"
    }

    /// Each non-conform criterion, with the pages where it fails and why.
    var nonConformities: [(criterion: Criterion, pages: [(page: Page, note: String)])] {
        criteria.compactMap { criterion in
            let failing = findings.filter { $0.criterion == criterion.id && $0.result == .nonConform }
            guard !failing.isEmpty else { return nil }
            return (criterion, failing.compactMap { finding in pages.first { $0.slug == finding.page }.map { ($0, finding.note) } })
        }
    }

    // MARK: Reading

    struct Invalid: Error, CustomStringConvertible { let description: String }

    static func load(directory: String) throws -> ConformityAudit {
        let folder = directory.hasSuffix("/") ? directory : directory + "/"
        func rows(_ name: String) throws -> [[String]] {
            let text = try String(contentsOfFile: folder + name, encoding: .utf8)
            return text.split(whereSeparator: \.isNewline).dropFirst().map { $0.components(separatedBy: "\t") }
        }
        let criteria = try rows("criteres.tsv").filter { $0.count >= 3 }.map { Criterion(id: $0[0], theme: $0[1], title: $0[2]) }
        let pages = try rows("pages.tsv").filter { $0.count >= 3 }.map { Page(slug: $0[0], title: $0[1], address: $0[2]) }
        var findings: [Finding] = []
        for row in try rows("audit.tsv") where row.count >= 4 {
            guard let result = Result(rawValue: row[2]) else { throw Invalid(description: "audit.tsv: résultat « \(row[2]) » inconnu") }
            findings.append(Finding(criterion: row[0], page: row[1], result: result, method: row[3], note: row.count > 4 ? row[4] : ""))
        }
        let facts = Dictionary(try rows("etat.tsv").filter { $0.count >= 2 }.map { ($0[0], $0[1]) }, uniquingKeysWith: { $1 })
        guard criteria.count == 106 else { throw Invalid(description: "criteres.tsv : \(criteria.count) critères au lieu de 106") }
        let expected = criteria.count * pages.count
        guard findings.count == expected else {
            throw Invalid(description: "audit.tsv : \(findings.count) lignes au lieu de \(expected) (chaque critère sur chaque page)")
        }
        return ConformityAudit(criteria: criteria, pages: pages, findings: findings, facts: facts)
    }
}
