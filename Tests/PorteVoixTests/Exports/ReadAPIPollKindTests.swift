import Foundation
import PorteVoixAPI
import Testing
import Voting
@testable import PorteVoix

/// The read API gives each poll its kind as a value the document declares
/// (`Scrutin.type`): every kind the site knows, each under its own value.
@Suite("Read API poll kinds")
struct ReadAPIPollKindTests {
    /// The values of `components.schemas.Scrutin.properties.type.enum` in `Sources/PorteVoixAPI/openapi.json`.
    static func documentedKinds() throws -> [String] {
        var root = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { root.deleteLastPathComponent() }
        let data = try Data(contentsOf: root.appendingPathComponent("Sources/PorteVoixAPI/openapi.json"))
        let document = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let components = try #require(document["components"] as? [String: Any])
        let schemas = try #require(components["schemas"] as? [String: Any])
        let poll = try #require(schemas["Scrutin"] as? [String: Any])
        let properties = try #require(poll["properties"] as? [String: Any])
        let kind = try #require(properties["type"] as? [String: Any])
        return try #require(kind["enum"] as? [String])
    }

    @Test("Every poll kind maps to a value of the document, and the document has no other")
    func kindsMatchTheDocument() throws {
        let documented = try Self.documentedKinds()
        #expect(!documented.isEmpty)
        let mapped = PollKind.allCases.map { ReadAPI.apiKind($0).rawValue }
        #expect(Set(mapped) == Set(documented))
    }

    @Test("No two poll kinds share a value")
    func kindsAreDistinct() {
        let mapped = PollKind.allCases.map { ReadAPI.apiKind($0).rawValue }
        #expect(Set(mapped).count == PollKind.allCases.count)
    }
}
