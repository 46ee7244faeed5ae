import Foundation

/// Everything PorteVoix reads from its environment, read once at start-up.
///
/// A wrong value stops start-up with a `SettingsError` whose message is in
/// French, names the variable and says what it accepts: the people who deploy
/// this are public servants, not Swift developers.
public struct Settings: Sendable {
    public enum Database: Sendable, Equatable {
        /// An SQLite file; the default, under the data folder.
        case sqlite(path: String)
        /// A PostgreSQL database, from `DATABASE_URL`.
        case postgres(url: String)
    }

    public var database: Database
    /// Where PorteVoix keeps its own files (the SQLite database by default).
    public var dataDirectory: String
    /// Where `Public/` and `Content/` are found.
    public var resourcesDirectory: String
    /// The address people type to reach the site, printed on access cards.
    public var publicURL: URL?
    /// Send cookies with `Secure` (the site is served over HTTPS).
    public var secureCookies: Bool
    public var siteName: String
    /// The département's name as it reads in a sentence ("la Gironde").
    public var departementName: String
    /// Largest request body accepted; bigger ones get the 413 page.
    public var maxBodyBytes: Int
    /// A session ends after this long without activity…
    public var sessionIdleTimeout: TimeInterval
    /// …and in any case this long after it began.
    public var sessionLifetime: TimeInterval
    /// Shows error details on 500 pages; only ever in development.
    public var showErrorDetails: Bool
    /// Bcrypt cost for passwords and activation codes (tests lower it).
    public var passwordHashCost: Int
    /// Read the client's address from `X-Forwarded-For` (behind a reverse
    /// proxy), for the limits on sign-in attempts.
    public var trustForwardedFor: Bool
    /// Where the site keys come from (design/security.md).
    public var keys: SiteKeys.Source
    /// PostgreSQL only: the address of a role that owns the tables, used for
    /// migrations and maintenance; `database` is then a role that may not
    /// change or remove ballots, the register or the audit log.
    public var migrationDatabaseURL: String?
    /// Below this much free space for the database, `/healthz` says « dégradé »
    /// and the start-up log warns: a full disk is seen before it happens.
    public var minimumFreeBytes: Int64
    /// SQLite only: the database file never grows past this (`max_page_count`),
    /// for a data folder on a disk shared with other services.
    public var maximumDatabaseBytes: Int64?
    /// `/metrics` answers only a request carrying `Authorization: Bearer`
    /// with this token (at least 32 characters); without one it does not exist.
    public var metricsToken: String?

    public init(
        database: Database,
        dataDirectory: String,
        resourcesDirectory: String,
        publicURL: URL? = nil,
        secureCookies: Bool = false,
        siteName: String = Settings.defaultSiteName,
        departementName: String = Settings.defaultDepartementName,
        maxBodyBytes: Int = Settings.defaultMaxBodyBytes,
        sessionIdleTimeout: TimeInterval = 2 * 3600,
        sessionLifetime: TimeInterval = 12 * 3600,
        showErrorDetails: Bool = false,
        passwordHashCost: Int = 12,
        trustForwardedFor: Bool = false,
        keys: SiteKeys.Source? = nil,
        migrationDatabaseURL: String? = nil,
        minimumFreeBytes: Int64 = Settings.defaultMinimumFreeBytes,
        maximumDatabaseBytes: Int64? = nil
    ) {
        self.database = database
        self.dataDirectory = dataDirectory
        self.resourcesDirectory = resourcesDirectory
        self.publicURL = publicURL
        self.secureCookies = secureCookies
        self.siteName = siteName
        self.departementName = departementName
        self.maxBodyBytes = maxBodyBytes
        self.sessionIdleTimeout = sessionIdleTimeout
        self.sessionLifetime = sessionLifetime
        self.showErrorDetails = showErrorDetails
        self.passwordHashCost = passwordHashCost
        self.trustForwardedFor = trustForwardedFor
        self.keys = keys ?? .folder(path: Settings.defaultKeysDirectory(dataDirectory: dataDirectory))
        self.migrationDatabaseURL = migrationDatabaseURL
        self.minimumFreeBytes = minimumFreeBytes
        self.maximumDatabaseBytes = maximumDatabaseBytes
    }

    /// The key folder sits beside the data folder, never inside it: a copy
    /// of the data folder must not carry the keys. `data` → `data-cles`.
    public static func defaultKeysDirectory(dataDirectory: String) -> String {
        let trimmed = dataDirectory.hasSuffix("/") ? String(dataDirectory.dropLast()) : dataDirectory
        return trimmed + "-cles"
    }

    public static let defaultSiteName = "PorteVoix"
    public static let defaultDepartementName = "Le Département"
    public static let defaultMaxBodyBytes = 512 * 1024
    public static let defaultMinimumFreeBytes: Int64 = 500 * 1024 * 1024

    /// The variables PorteVoix reads, for the README and error messages.
    public enum Variable: String, CaseIterable, Sendable {
        case databaseURL = "DATABASE_URL"
        case dataDirectory = "PORTEVOIX_DATA_DIR"
        case publicURL = "PORTEVOIX_PUBLIC_URL"
        case secureCookies = "PORTEVOIX_SECURE_COOKIES"
        case siteName = "PORTEVOIX_SITE_NAME"
        case departementName = "PORTEVOIX_DEPARTEMENT"
        case maxBodyKilobytes = "PORTEVOIX_MAX_BODY_KB"
        case trustProxy = "PORTEVOIX_TRUST_PROXY"
        case keysDirectory = "PORTEVOIX_KEYS_DIR"
        case ballotKey = "PORTEVOIX_BALLOT_KEY"
        case signingKey = "PORTEVOIX_SIGNING_KEY"
        case migrationDatabaseURL = "PORTEVOIX_MIGRATION_DATABASE_URL"
        case minimumFreeMegabytes = "PORTEVOIX_MIN_FREE_MB"
        case maximumDatabaseMegabytes = "PORTEVOIX_MAX_DATABASE_MB"
        case metricsToken = "PORTEVOIX_METRICS_TOKEN"
        case port = "PORT"
    }

    /// Reads the settings from environment variables.
    ///
    /// - Parameters:
    ///   - environment: usually `ProcessInfo.processInfo.environment`.
    ///   - workingDirectory: where relative paths start.
    ///   - isDevelopment: Vapor's environment is `development`.
    public static func load(
        from environment: [String: String],
        workingDirectory: String,
        isDevelopment: Bool = false
    ) throws(SettingsError) -> Settings {
        func value(_ variable: Variable) -> String? {
            guard let raw = environment[variable.rawValue] else { return nil }
            let trimmed = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            return trimmed.isEmpty ? nil : trimmed
        }
        let root = workingDirectory.hasSuffix("/") ? workingDirectory : workingDirectory + "/"

        var dataDirectory = root + "data"
        if let raw = value(.dataDirectory) {
            dataDirectory = raw.hasPrefix("/") ? raw : root + raw
        }

        let database: Database
        if let url = value(.databaseURL) {
            guard let parsed = URLComponents(string: url),
                  let scheme = parsed.scheme?.lowercased(),
                  ["postgres", "postgresql"].contains(scheme),
                  let host = parsed.host, !host.isEmpty
            else {
                throw SettingsError(
                    variable: .databaseURL, value: url,
                    accepts: "une adresse PostgreSQL de la forme postgres://utilisateur:motdepasse@serveur:5432/base "
                        + "(laissez-la vide pour utiliser le fichier SQLite du dossier de données)"
                )
            }
            database = .postgres(url: url)
        } else {
            database = .sqlite(path: dataDirectory + "/portevoix.sqlite")
        }

        var publicURL: URL?
        if let raw = value(.publicURL) {
            guard let address = PublicAddress.normalize(raw), let url = URL(string: address) else {
                throw SettingsError(
                    variable: .publicURL, value: raw,
                    accepts: "l'adresse complète du site, par exemple https://conseil.mon-departement.fr"
                )
            }
            publicURL = url
        }

        let secureCookies = try yesOrNo(
            value(.secureCookies), variable: .secureCookies,
            default: publicURL?.scheme?.lowercased() == "https",
            accepts: "« oui » (le site est servi en HTTPS) ou « non »"
        )
        let trustProxy = try yesOrNo(
            value(.trustProxy), variable: .trustProxy, default: false,
            accepts: "« oui » (le site est derrière un serveur mandataire qui envoie X-Forwarded-For) ou « non »"
        )

        let siteName = try text(value(.siteName), variable: .siteName, default: defaultSiteName)
        let departementName = try text(
            value(.departementName), variable: .departementName, default: defaultDepartementName
        )

        var maxBodyBytes = defaultMaxBodyBytes
        if let raw = value(.maxBodyKilobytes) {
            guard let kilobytes = Int(raw), (16...102_400).contains(kilobytes) else {
                throw SettingsError(
                    variable: .maxBodyKilobytes, value: raw,
                    accepts: "un nombre entier de kilo-octets entre 16 et 102400 (512 par défaut)"
                )
            }
            maxBodyBytes = kilobytes * 1024
        }

        let keyAccepts = "32 octets aléatoires écrits en base64, par exemple la sortie de « openssl rand -base64 32 » "
            + "(la même valeur sur toutes les instances)"
        let ballotKey = try value(.ballotKey).map { raw throws(SettingsError) in
            guard let key = SiteKeys.decode(raw) else { throw SettingsError(variable: .ballotKey, value: "", accepts: keyAccepts) }
            return key
        }
        let signingKey = try value(.signingKey).map { raw throws(SettingsError) in
            guard let key = SiteKeys.decode(raw) else { throw SettingsError(variable: .signingKey, value: "", accepts: keyAccepts) }
            return key
        }
        let keys: SiteKeys.Source
        switch (ballotKey, signingKey) {
        case let (ballot?, signing?):
            keys = .given(ballotMaster: ballot, signing: signing)
        case (nil, nil):
            if case .postgres = database {
                // Several instances share one database: they must share the keys too.
                throw SettingsError(variable: .ballotKey, value: "",
                                    accepts: "avec PostgreSQL, une valeur obligatoire (et de même PORTEVOIX_SIGNING_KEY) : " + keyAccepts)
            }
            var folder = defaultKeysDirectory(dataDirectory: dataDirectory)
            if let raw = value(.keysDirectory) { folder = raw.hasPrefix("/") ? raw : root + raw }
            keys = .folder(path: folder)
        case (nil, _?):
            throw SettingsError(variable: .ballotKey, value: "", accepts: "une valeur dès que PORTEVOIX_SIGNING_KEY en a une : " + keyAccepts)
        case (_?, nil):
            throw SettingsError(variable: .signingKey, value: "", accepts: "une valeur dès que PORTEVOIX_BALLOT_KEY en a une : " + keyAccepts)
        }

        var migrationURL: String?
        if let url = value(.migrationDatabaseURL) {
            guard case .postgres = database, let parsed = URLComponents(string: url),
                  ["postgres", "postgresql"].contains(parsed.scheme?.lowercased() ?? ""), !(parsed.host ?? "").isEmpty
            else {
                throw SettingsError(variable: .migrationDatabaseURL, value: "",
                                    accepts: "avec DATABASE_URL seulement, l'adresse PostgreSQL d'un rôle propriétaire des tables "
                                        + "(postgres://proprietaire:motdepasse@serveur:5432/base)")
            }
            migrationURL = url
        }

        var minimumFreeBytes = defaultMinimumFreeBytes
        if let raw = value(.minimumFreeMegabytes) {
            guard let megabytes = Int64(raw), (0...10_000_000).contains(megabytes) else {
                throw SettingsError(variable: .minimumFreeMegabytes, value: raw,
                                    accepts: "un nombre entier de méga-octets (500 par défaut ; 0 pour ne jamais prévenir)")
            }
            minimumFreeBytes = megabytes * 1024 * 1024
        }
        var maximumDatabaseBytes: Int64?
        if let raw = value(.maximumDatabaseMegabytes) {
            guard case .sqlite = database, let megabytes = Int64(raw), (1...10_000_000).contains(megabytes) else {
                throw SettingsError(variable: .maximumDatabaseMegabytes, value: raw,
                                    accepts: "sans DATABASE_URL seulement (SQLite), la taille la plus grande du fichier de la base, "
                                        + "en méga-octets (un nombre entier, au moins 1)")
            }
            maximumDatabaseBytes = megabytes * 1024 * 1024
        }

        let metricsToken = value(.metricsToken)
        if let token = metricsToken, token.count < 32 {
            throw SettingsError(variable: .metricsToken, value: "",
                                accepts: "un jeton d'au moins 32 caractères (par exemple : openssl rand -hex 32), ou rien pour ne pas ouvrir /metrics")
        }
        var settings = Settings(
            database: database,
            dataDirectory: dataDirectory,
            resourcesDirectory: root,
            publicURL: publicURL,
            secureCookies: secureCookies,
            siteName: siteName,
            departementName: departementName,
            maxBodyBytes: maxBodyBytes,
            showErrorDetails: isDevelopment,
            trustForwardedFor: trustProxy,
            keys: keys,
            migrationDatabaseURL: migrationURL,
            minimumFreeBytes: minimumFreeBytes,
            maximumDatabaseBytes: maximumDatabaseBytes
        )
        settings.metricsToken = metricsToken
        return settings
    }

    /// The port from `PORT`, if set; `--port` on the command line wins over it.
    public static func port(from environment: [String: String]) throws(SettingsError) -> Int? {
        guard let raw = environment[Variable.port.rawValue]?
            .trimmingCharacters(in: .whitespaces), !raw.isEmpty
        else { return nil }
        guard let port = Int(raw), (1...65_535).contains(port) else {
            throw SettingsError(variable: .port, value: raw, accepts: "un nombre entier entre 1 et 65535")
        }
        return port
    }

    private static func yesOrNo(
        _ raw: String?, variable: Variable, default fallback: Bool, accepts: String
    ) throws(SettingsError) -> Bool {
        guard let raw else { return fallback }
        switch raw.lowercased() {
        case "oui", "yes", "true", "1": return true
        case "non", "no", "false", "0": return false
        default: throw SettingsError(variable: variable, value: raw, accepts: accepts)
        }
    }

    private static func text(
        _ raw: String?, variable: Variable, default fallback: String
    ) throws(SettingsError) -> String {
        guard let raw else { return fallback }
        guard raw.count <= 80, !raw.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else {
            throw SettingsError(variable: variable, value: raw, accepts: "un texte d'une ligne, de 80 caractères au plus")
        }
        return raw
    }
}

/// A setting PorteVoix cannot use. Its message is meant for the person
/// deploying the site and is printed before start-up stops.
public struct SettingsError: Error, Sendable, CustomStringConvertible {
    public let variable: Settings.Variable
    public let value: String
    public let accepts: String

    public var description: String {
        // Database addresses may hold a password, keys are secrets: never echo them.
        let shown = [.databaseURL, .migrationDatabaseURL, .ballotKey, .signingKey, .metricsToken].contains(variable) ? "" : " vaut « \(value) », mais elle"
        return "PorteVoix ne peut pas démarrer : la variable \(variable.rawValue)\(shown.isEmpty ? " n'est pas valable. Elle" : shown) "
            + "accepte \(accepts)."
    }
}
