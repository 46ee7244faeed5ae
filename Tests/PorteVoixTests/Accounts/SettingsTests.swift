import Foundation
import Testing
import Vapor
@testable import PorteVoix

@Suite("Settings read from the environment")
struct SettingsTests {
    @Test func defaultsToAnSQLiteFileInTheDataFolder() throws {
        let settings = try Settings.load(from: [:], workingDirectory: "/srv/portevoix")
        #expect(settings.database == .sqlite(path: "/srv/portevoix/data/portevoix.sqlite"))
        #expect(settings.dataDirectory == "/srv/portevoix/data")
        #expect(settings.resourcesDirectory == "/srv/portevoix/")
        #expect(settings.secureCookies == false)
        #expect(settings.siteName == "PorteVoix")
        #expect(settings.showErrorDetails == false)
        #expect(settings.maxBodyBytes == 512 * 1024)
    }

    static let keyA = Data(repeating: 7, count: 32).base64EncodedString()
    static let keyB = Data(repeating: 9, count: 32).base64EncodedString()

    @Test func usesPostgreSQLWhenDatabaseURLIsSet() throws {
        let url = "postgres://conseil:secret@db.example:5432/portevoix"
        let settings = try Settings.load(from: ["DATABASE_URL": url, "PORTEVOIX_BALLOT_KEY": Self.keyA,
                                                "PORTEVOIX_SIGNING_KEY": Self.keyB], workingDirectory: "/srv")
        #expect(settings.database == .postgres(url: url))
        #expect(settings.keys == .given(ballotMaster: Array(repeating: 7, count: 32), signing: Array(repeating: 9, count: 32)))
    }

    @Test func keysLiveBesideTheDataFolderOrInTheEnvironmentAndPostgreSQLRequiresThem() throws {
        let sqlite = try Settings.load(from: [:], workingDirectory: "/srv/pv")
        #expect(sqlite.keys == .folder(path: "/srv/pv/data-cles"), "beside the data folder, never inside")
        let missing = #expect(throws: SettingsError.self) {
            try Settings.load(from: ["DATABASE_URL": "postgres://a:b@db/x"], workingDirectory: "/srv")
        }
        #expect(missing?.description.contains("PORTEVOIX_BALLOT_KEY") == true)
        let wrong = #expect(throws: SettingsError.self) {
            try Settings.load(from: ["PORTEVOIX_BALLOT_KEY": "trop-court-et-secret", "PORTEVOIX_SIGNING_KEY": Self.keyB],
                              workingDirectory: "/srv")
        }
        #expect(wrong?.description.contains("trop-court-et-secret") == false, "a key is never echoed")
        #expect(throws: SettingsError.self) {
            try Settings.load(from: ["PORTEVOIX_MIGRATION_DATABASE_URL": "postgres://owner@db/x"], workingDirectory: "/srv")
        }
    }

    @Test func aKeyFolderIsCreatedPrivateAndAWrongKeyStopsTheStart() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cles-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let keys = try SiteKeys.load(.folder(path: folder))
        #expect(try SiteKeys.load(.folder(path: folder)).ballotMaster == keys.ballotMaster, "read back, not made anew")
        let attributes = try FileManager.default.attributesOfItem(atPath: folder + "/ballot-master.key")
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        #expect((try FileManager.default.attributesOfItem(atPath: folder)[.posixPermissions] as? Int) == 0o700)

        var settings = testSettings(database: .sqlite(path: folder + "-donnees/portevoix.sqlite"), dataDirectory: folder + "-donnees")
        defer { try? FileManager.default.removeItem(atPath: folder + "-donnees") }
        settings.keys = .folder(path: folder)
        let first = try await Application.make(.testing)
        first.logger.logLevel = .critical
        try await configure(first, settings: settings)
        try await first.asyncShutdown()
        settings.keys = .given(ballotMaster: SiteKeys.randomKey(), signing: keys.signing)
        let second = try await Application.make(.testing)
        second.logger.logLevel = .critical
        await #expect(throws: SiteKeyError.self) { try await configure(second, settings: settings) }
        try await second.asyncShutdown()
    }

    @Test func refusesAnotherKindOfDatabaseURLWithoutEchoingIt() throws {
        let error = #expect(throws: SettingsError.self) {
            try Settings.load(from: ["DATABASE_URL": "mysql://root:hunter2@localhost/x"], workingDirectory: "/srv")
        }
        let message = try #require(error).description
        #expect(message.contains("DATABASE_URL"))
        #expect(message.contains("postgres://"))
        #expect(!message.contains("hunter2"), "the value may hold a password")
    }

    @Test func readsTheDataFolderRelativeToTheWorkingDirectory() throws {
        let relative = try Settings.load(from: ["PORTEVOIX_DATA_DIR": "stockage"], workingDirectory: "/srv/pv")
        #expect(relative.database == .sqlite(path: "/srv/pv/stockage/portevoix.sqlite"))
        let absolute = try Settings.load(from: ["PORTEVOIX_DATA_DIR": "/var/lib/pv"], workingDirectory: "/srv/pv")
        #expect(absolute.dataDirectory == "/var/lib/pv")
    }

    @Test func anHTTPSPublicAddressTurnsSecureCookiesOn() throws {
        let settings = try Settings.load(
            from: ["PORTEVOIX_PUBLIC_URL": "https://conseil.example.fr"], workingDirectory: "/srv"
        )
        #expect(settings.publicURL?.absoluteString == "https://conseil.example.fr")
        #expect(settings.secureCookies)
        let forcedOff = try Settings.load(
            from: ["PORTEVOIX_PUBLIC_URL": "https://conseil.example.fr", "PORTEVOIX_SECURE_COOKIES": "non"],
            workingDirectory: "/srv"
        )
        #expect(forcedOff.secureCookies == false)
    }

    @Test(arguments: [
        ("PORTEVOIX_PUBLIC_URL", "conseil.example.fr"),
        ("PORTEVOIX_PUBLIC_URL", "ftp://conseil.example.fr"),
        ("PORTEVOIX_SECURE_COOKIES", "peut-être"),
        ("PORTEVOIX_SITE_NAME", String(repeating: "x", count: 81)),
        ("PORTEVOIX_DEPARTEMENT", "Gironde\u{7}"),
        ("PORTEVOIX_MAX_BODY_KB", "beaucoup"),
        ("PORTEVOIX_MAX_BODY_KB", "2"),
    ])
    func aWrongValueStopsStartUpWithAFrenchMessage(variable: String, value: String) throws {
        let error = #expect(throws: SettingsError.self) {
            try Settings.load(from: [variable: value], workingDirectory: "/srv")
        }
        let message = try #require(error).description
        #expect(message.hasPrefix("PorteVoix ne peut pas démarrer"))
        #expect(message.contains(variable))
        #expect(message.contains("accepte"))
    }

    @Test func readsThePort() throws {
        #expect(try Settings.port(from: [:]) == nil)
        #expect(try Settings.port(from: ["PORT": "9000"]) == 9000)
        for wrong in ["0", "70000", "huit"] {
            let error = #expect(throws: SettingsError.self) { try Settings.port(from: ["PORT": wrong]) }
            #expect(error?.description.contains("entre 1 et 65535") == true)
        }
    }

    @Test func readsNamesAndBodyLimit() throws {
        let settings = try Settings.load(
            from: [
                "PORTEVOIX_SITE_NAME": "La Voix du RSA",
                "PORTEVOIX_DEPARTEMENT": "Département de la Gironde",
                "PORTEVOIX_MAX_BODY_KB": "1024",
            ],
            workingDirectory: "/srv"
        )
        #expect(settings.siteName == "La Voix du RSA")
        #expect(settings.departementName == "Département de la Gironde")
        #expect(settings.maxBodyBytes == 1024 * 1024)
    }
}
