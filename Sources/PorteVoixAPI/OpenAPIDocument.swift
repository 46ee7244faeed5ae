import Foundation

/// The API's description, written first: the server code is generated from
/// it at build time (swift-openapi-generator), so the two cannot drift
/// apart, and `/api/openapi.json` serves these very bytes.
public enum OpenAPIDocument {
    public static let bytes: Data = {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "json"),
              let data = try? Data(contentsOf: url) else {
            preconditionFailure("openapi.json is a resource of PorteVoixAPI")
        }
        return data
    }()
}
