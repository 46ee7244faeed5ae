import Foundation
import Testing
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

    @Test func usesPostgreSQLWhenDatabaseURLIsSet() throws {
        let url = "postgres://conseil:secret@db.example:5432/portevoix"
        let settings = try Settings.load(from: ["DATABASE_URL": url], workingDirectory: "/srv")
        #expect(settings.database == .postgres(url: url))
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
