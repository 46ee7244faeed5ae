import Foundation
import Testing

/// The rules of the code's layout, read from `Sources/` itself: each rule
/// has one writer, in Rules/; Pages and Rules never name a controller;
/// Rules draw nothing; the time comes from the site's clock.
@Suite("Architecture")
struct ArchitectureTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// Every Swift file under `Sources/<folder>`, path relative to the root, and its lines.
    static func files(under folder: String) throws -> [(path: String, lines: [String])] {
        let base = root.appendingPathComponent(folder)
        guard let walker = FileManager.default.enumerator(at: base, includingPropertiesForKeys: nil) else { return [] }
        var found: [(String, [String])] = []
        for case let url as URL in walker where url.pathExtension == "swift" {
            let text = try String(contentsOf: url, encoding: .utf8)
            found.append((String(url.path.dropFirst(root.path.count + 1)), text.components(separatedBy: "\n")))
        }
        return found.sorted { $0.0 < $1.0 }
    }

    /// Lines of code, comments left out.
    static func code(_ lines: [String]) -> [(number: Int, text: String)] {
        lines.enumerated().compactMap { index, line in
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            return trimmed.hasPrefix("//") ? nil : (index + 1, line)
        }
    }

    static func matches(_ pattern: String, _ text: String) -> Bool {
        text.range(of: pattern, options: .regularExpression) != nil
    }

    @Test func theSourcesAreThere() throws {
        #expect(try Self.files(under: "Sources/PorteVoix").count > 100)
    }

    /// The status of a proposal, comment, poll, session, member, proposed
    /// name or opinion is written only in a feature's Rules/. Outside this
    /// check: `Model/` folders (migrations, which create and upgrade rows,
    /// and model initialisers, which give a new row its first status),
    /// `Demo/` (demonstration data written straight to the database), and
    /// `Core/Web/ErrorPages.swift`, whose `status` is an HTTP status.
    @Test func statusIsWrittenOnlyInRules() throws {
        var offenders: [String] = []
        for file in try Self.files(under: "Sources/PorteVoix") {
            let path = file.path
            guard !path.contains("/Rules/"), !path.contains("/Model/"), !path.contains("/Demo/"),
                  !path.hasSuffix("Core/Web/ErrorPages.swift") else { continue }
            for line in Self.code(file.lines)
            where Self.matches(#"\.status\s*=[^=]"#, line.text) || Self.matches(#"(?i)SET\s+status\b"#, line.text)
                || Self.matches(#"set\(\\\.\$status"#, line.text) || Self.matches(#"[ ,]status = \\\(bind"#, line.text) {
                offenders.append("\(path):\(line.number): \(line.text.trimmingCharacters(in: .whitespaces))")
            }
        }
        #expect(offenders.isEmpty, "a status written outside Rules/:\n\(offenders.joined(separator: "\n"))")
    }

    @Test func pagesAndRulesNameNoController() throws {
        var offenders: [String] = []
        for file in try Self.files(under: "Sources/PorteVoix") where file.path.contains("/Pages/") || file.path.contains("/Rules/") {
            for line in Self.code(file.lines) where Self.matches(#"\b[A-Z]\w*Controller\b"#, line.text) {
                offenders.append("\(file.path):\(line.number)")
            }
        }
        #expect(offenders.isEmpty, "\(offenders)")
    }

    /// A controller shares a Rules or query function, never another controller's handler.
    @Test func controllersCallNoOtherController() throws {
        var offenders: [String] = []
        for file in try Self.files(under: "Sources/PorteVoix") where file.path.contains("/Routes/") {
            let own = URL(fileURLWithPath: file.path).deletingPathExtension().lastPathComponent
            for line in Self.code(file.lines) {
                guard let range = line.text.range(of: #"\b[A-Z]\w*Controller\b(\(\))?\."#, options: .regularExpression) else { continue }
                let name = line.text[range].prefix { $0 != "(" && $0 != "." }
                if name != own { offenders.append("\(file.path):\(line.number): \(name)") }
            }
        }
        #expect(offenders.isEmpty, "\(offenders)")
    }

    @Test func rulesImportNoPlot() throws {
        let offenders = try Self.files(under: "Sources/PorteVoix").filter { $0.path.contains("/Rules/") }
            .filter { $0.lines.contains("import Plot") }.map(\.path)
        #expect(offenders.isEmpty, "\(offenders)")
    }

    /// The time comes from `app.clock` / `request.now`. Allowed: the clock
    /// itself; `Demo/` (demonstration data laid out around the real day);
    /// the benchmarks (they measure real time); and two migrations, which
    /// stamp rows with the moment the upgrade runs.
    @Test func theTimeComesFromTheClock() throws {
        let allowed = ["Sources/PorteVoix/Core/App/SiteClock.swift", "Sources/PorteVoix/Polls/Model/SealBallotBoxes.swift",
                       "Sources/PorteVoix/NamingDebate/Model/NamingModels.swift"]
        var offenders: [String] = []
        for folder in ["Sources/PorteVoix", "Sources/Voting", "Sources/PersonalData"] {
            for file in try Self.files(under: folder) where !allowed.contains(file.path) && !file.path.contains("/Demo/") {
                for line in Self.code(file.lines)
                where line.text.contains("Date()") || line.text.contains("Date.now") || line.text.contains("timeIntervalSinceNow") {
                    offenders.append("\(file.path):\(line.number)")
                }
            }
        }
        #expect(offenders.isEmpty, "\(offenders)")
    }

    @Test func noSourceFileIsOver400Lines() throws {
        let long = try Self.files(under: "Sources").filter { $0.lines.count - 1 > 400 }.map { "\($0.path): \($0.lines.count - 1)" }
        #expect(long.isEmpty, "\(long)")
    }
}
