import Fluent
import Foundation
import Vapor

/// The address people type to reach the site, printed on access cards and
/// written into calendar files. It never comes from the request's `Host`
/// header, which whoever sends the request chooses: `PORTEVOIX_PUBLIC_URL`
/// when set, else what an administrator saved in the interface.
enum PublicAddress {
    /// A typed address as stored: `http(s)://host[:port][/path]`, no query,
    /// no fragment, no trailing slash. Nil when it is not such an address.
    static func normalize(_ typed: String) -> String? {
        let trimmed = typed.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.count <= 200,
              !trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control || $0 == " " }),
              let components = URLComponents(string: trimmed),
              let scheme = components.scheme?.lowercased(), ["http", "https"].contains(scheme),
              let host = components.host, !host.isEmpty, host.count <= 120,
              components.user == nil, components.password == nil,
              components.query == nil, components.fragment == nil,
              components.url != nil
        else { return nil }
        var address = "\(scheme)://\(host.lowercased())"
        if let port = components.port { address += ":\(port)" }
        let path = components.percentEncodedPath
        if !path.isEmpty, path != "/" { address += path.hasSuffix("/") ? String(path.dropLast()) : path }
        return address
    }

    /// The address to print, or nil while nobody has set one.
    static func current(_ application: Application, on database: any Database) async throws -> String? {
        if let url = application.settings.publicURL { return normalize(url.absoluteString) }
        return try await SiteSettingsStore.text(SiteSettingsStore.publicAddressName, on: database).flatMap(normalize)
    }

    /// What an administrator is probably using, to pre-fill the form only.
    static func suggestion(for request: Request) -> String {
        let host = request.headers.first(name: .host).map { String($0.prefix(120)) } ?? "localhost"
        let scheme = request.application.settings.secureCookies ? "https" : "http"
        return normalize("\(scheme)://\(host)") ?? ""
    }
}

extension Request {
    /// The public address, or nil while it has not been set (see `PublicAddress`).
    func publicAddress() async throws -> String? {
        try await PublicAddress.current(application, on: db)
    }
}
