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
              // The host as typed, still percent-encoded: "%0D%0A" must not become a line break.
              let host = components.percentEncodedHost?.lowercased(), isHostName(host),
              components.user == nil, components.password == nil,
              components.query == nil, components.fragment == nil,
              components.url != nil
        else { return nil }
        var address = "\(scheme)://\(host)"
        if let port = components.port {
            guard (1...65_535).contains(port) else { return nil }
            address += ":\(port)"
        }
        let path = components.percentEncodedPath
        guard path.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "/-._~%".contains($0)) }) else { return nil }
        if !path.isEmpty, path != "/" { address += path.hasSuffix("/") ? String(path.dropLast()) : path }
        return address
    }

    /// Letters, digits, dots and hyphens in labels of at most 63, or an IPv6
    /// address in brackets: nothing that could end a line or an attribute.
    static func isHostName(_ host: String) -> Bool {
        guard !host.isEmpty, host.count <= 120 else { return false }
        if host.hasPrefix("[") {
            return host.hasSuffix("]") && host.dropFirst().dropLast().allSatisfy { $0.isHexDigit || $0 == ":" || $0 == "." }
        }
        let labels = host.split(separator: ".", omittingEmptySubsequences: false)
        return labels.allSatisfy { label in
            !label.isEmpty && label.count <= 63 && !label.hasPrefix("-") && !label.hasSuffix("-")
                && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
        }
    }

    /// The address to print, or nil while nobody has set one.
    static func current(_ application: Application, on database: any Database) async throws -> String? {
        if let url = application.settings.publicURL { return normalize(url.absoluteString) }
        return try await SiteSettingsStore.text(SiteSettingsStore.publicAddressName, on: database).flatMap(normalize)
    }

    static let fixedByServer = PageError(
        .conflict, title: "L'adresse du site est fixée sur le serveur",
        message: "Elle vient de la configuration du serveur (PORTEVOIX_PUBLIC_URL) : elle ne se change pas ici."
    )

    static let typingHelp = "Indiquez l'adresse complète, qui commence par https:// ou http://, "
        + "par exemple https://conseil.mon-departement.fr"

    /// The one place the address is saved (cards page or settings page): nil
    /// when what was typed is not a whole web address.
    static func save(_ typed: String, request: Request) async throws -> String? {
        guard request.application.settings.publicURL == nil else { throw fixedByServer }
        guard let address = normalize(typed) else { return nil }
        try await SiteSettingsStore.setText(SiteSettingsStore.publicAddressName, address, on: request.db)
        try await request.audit(.settingsPublicAddress, ["address": address])
        return address
    }

    /// An https address while cookies go without `Secure` (nor HSTS).
    static func cookiesLackSecure(_ address: String?, settings: Settings) -> Bool {
        address?.hasPrefix("https://") == true && !settings.secureCookies
    }

    /// At start-up: an https address while cookies go without `Secure` (the
    /// address was set in the interface, not in `PORTEVOIX_PUBLIC_URL`).
    static func checkCookies(_ app: Application) async throws {
        let address = try await current(app, on: app.db)
        guard cookiesLackSecure(address, settings: app.settings), let address else { return }
        let warning = "L'adresse du site est en https, mais les cookies partent sans la mention Secure et sans en-tête HSTS : "
            + "réglez PORTEVOIX_PUBLIC_URL=\(address) (ou PORTEVOIX_SECURE_COOKIES=oui)."
        app.logger.warning("\(warning)")
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
