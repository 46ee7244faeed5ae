import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
@testable import PorteVoix

/// Plays someone who sends requests with a `Host` header of their choosing,
/// hoping that printed cards or calendar files send members to their site.
@Suite("The public address never comes from the request")
struct PublicAddressTests {
    static let hostile: HTTPHeaders = ["Host": "piege.example"]

    @Test func cardsWaitForTheAddressAnAdministratorSetsAndNeverUseTheHostHeader() async throws {
        try await withTestApp(adjust: { $0.publicURL = nil }) { app in
            try await makeMember(app, "Julien anime", roles: [.facilitator])
            try await makeMember(app, "Adèle admin", roles: [.admin])
            var facilitator = Browser(app)
            try await facilitator.signIn("Julien anime")

            // Before the first print: the page says why, and nothing is printed.
            let before = try await facilitator.get("/admin/cartes", headers: Self.hostile)
            #expect(before.text.contains("Avant la première impression : l'adresse du site"))
            #expect(before.text.contains("Un administrateur du site doit d'abord l'indiquer"))
            #expect(!before.text.contains("piege.example"))
            let refused = try await facilitator.post("/admin/cartes", form: ["_csrf": try #require(before.csrfToken), "nombre": "2"],
                                                     headers: Self.hostile)
            #expect(refused.status == .conflict)
            #expect(refused.printedCodes.isEmpty)
            #expect(try await AccessCard.query(on: app.db).count() == 0)
            let attempt = try await facilitator.post("/admin/cartes/adresse", form: ["_csrf": try #require(before.csrfToken),
                                                                                    "adresse": "https://piege.example"])
            #expect(attempt.status == .forbidden, "only administrators set the address")

            // The administrator sees it pre-filled with the address in use, and checks it.
            var admin = Browser(app)
            try await admin.signIn("Adèle admin")
            let form = try await admin.get("/admin/cartes", headers: ["Host": "conseil.exemple.fr"])
            #expect(form.text.contains(#"value="http://conseil.exemple.fr""#))
            let wrong = try await admin.post("/admin/cartes/adresse", form: ["_csrf": try #require(form.csrfToken),
                                                                           "adresse": "conseil exemple"])
            #expect(wrong.status == .unprocessableEntity)
            #expect(wrong.text.contains(#"value="conseil exemple""#), "what was typed is kept")
            let saved = try await admin.post("/admin/cartes/adresse", form: ["_csrf": try #require(form.csrfToken),
                                                                           "adresse": " https://Conseil.Exemple.fr/ "])
            #expect(saved.status == .seeOther)
            #expect(try await SiteSettingsStore.text(SiteSettingsStore.publicAddressName, on: app.db) == "https://conseil.exemple.fr")
            #expect(try await AuditEntry.query(on: app.db).filter(\.$action == "settings.public_address").count() == 1)

            // From now on, whatever the Host header says.
            let page = try await facilitator.get("/admin/cartes", headers: Self.hostile)
            #expect(!page.text.contains("Avant la première impression"))
            let printed = try await facilitator.post("/admin/cartes", form: ["_csrf": try #require(page.csrfToken), "nombre": "2"],
                                                     headers: Self.hostile)
            #expect(printed.printedCodes.count == 2)
            #expect(printed.text.contains("Allez sur https://conseil.exemple.fr/activation"))
            #expect(!printed.text.contains("piege.example"))

            let meeting = try await makeMeeting(app, status: .planned)
            for path in ["/seances.ics", "/seances/\(try meeting.requireID()).ics"] {
                var visitor = Browser(app)
                let calendar = try await visitor.get(path, headers: Self.hostile).text
                #expect(calendar.contains("URL:https://conseil.exemple.fr/seances/"), "\(path)")
                #expect(!calendar.contains("piege.example"), "\(path)")
            }
        }
    }

    @Test func withoutAnAddressCalendarsCarryNoLinkAtAll() async throws {
        try await withTestApp(adjust: { $0.publicURL = nil }) { app in
            _ = try await makeMeeting(app, status: .planned)
            var visitor = Browser(app)
                let calendar = try await visitor.get("/seances.ics", headers: Self.hostile).text
            #expect(calendar.contains("BEGIN:VEVENT"))
            #expect(!calendar.contains("URL:"))
            #expect(!calendar.contains("piege.example"))
        }
    }

    @Test func theEnvironmentWinsOverTheInterface() async throws {
        try await withTestApp(adjust: { $0.publicURL = URL(string: "https://conseil.departement.fr") }) { app in
            try await SiteSettingsStore.setText(SiteSettingsStore.publicAddressName, "https://ancienne.example", on: app.db)
            try await makeMember(app, "Adèle admin", roles: [.admin])
            var admin = Browser(app)
            try await admin.signIn("Adèle admin")
            let settings = try await admin.get("/admin/reglages", headers: Self.hostile)
            #expect(settings.text.contains("https://conseil.departement.fr"))
            #expect(settings.text.contains("PORTEVOIX_PUBLIC_URL"))
            let page = try await admin.get("/admin/cartes", headers: Self.hostile)
            let printed = try await admin.post("/admin/cartes", form: ["_csrf": try #require(page.csrfToken), "nombre": "1"],
                                               headers: Self.hostile)
            #expect(printed.text.contains("Allez sur https://conseil.departement.fr/activation"))
        }
    }

    @Test func theSettingsPageSavesTheAddressOnlyFromItsOwnForm() async throws {
        try await withTestApp(adjust: { $0.publicURL = nil }) { app in
            try await makeMember(app, "Adèle admin", roles: [.admin])
            var admin = Browser(app)
            try await admin.signIn("Adèle admin")
            let page = try await admin.get("/admin/reglages", headers: ["Host": "localhost:8080"])
            #expect(page.text.contains(#"value="http://localhost:8080""#), "pre-filled with the address in use")
            // Saving the other settings never saves the pre-filled address.
            let numbers = try await admin.post("/admin/reglages", form: ["_csrf": try #require(page.csrfToken), "minimum": "6",
                                                                       "propositions": "5", "commentaires": "30",
                                                                       "adresse": "http://localhost:8080"])
            #expect(numbers.status == .seeOther)
            #expect(try await SiteSettingsStore.text(SiteSettingsStore.publicAddressName, on: app.db) == nil)
            let broken = try await admin.post("/admin/reglages/adresse", form: ["_csrf": try #require(page.csrfToken),
                                                                              "adresse": "https://ex%0D%0Aevil.example"])
            #expect(broken.status == .unprocessableEntity)
            #expect(try await SiteSettingsStore.text(SiteSettingsStore.publicAddressName, on: app.db) == nil)
            let saved = try await admin.post("/admin/reglages/adresse", form: ["_csrf": try #require(page.csrfToken),
                                                                             "adresse": "https://conseil.exemple.fr"])
            #expect(saved.status == .seeOther)
            #expect(try await SiteSettingsStore.text(SiteSettingsStore.publicAddressName, on: app.db) == "https://conseil.exemple.fr")
            // An https address while cookies go without Secure: the page says what to set.
            #expect(try await admin.get("/admin/reglages").text.contains("PORTEVOIX_SECURE_COOKIES=oui"))
        }
    }

    @Test func onlyWholeWebAddressesAreAccepted() {
        #expect(PublicAddress.normalize("https://conseil.fr") == "https://conseil.fr")
        #expect(PublicAddress.normalize("HTTPS://Conseil.FR:8443/portevoix/") == "https://conseil.fr:8443/portevoix")
        #expect(PublicAddress.normalize("https://conseil.fr/a\"b") == "https://conseil.fr/a%22b", "a quote in the path stays encoded")
        for bad in ["conseil.fr", "ftp://conseil.fr", "https://", "https://conseil.fr/?a=1", "https://conseil.fr/#x",
                    "javascript:alert(1)", "https://user:pw@conseil.fr", "https://conseil.fr/\u{0000}", "https://con seil.fr",
                    "https://" + String(repeating: "a", count: 300) + ".fr", "https://ex%0D%0Aevil.com", "https://a%20b.fr",
                    "https://%22%3E.fr", "https://conseil.fr:0", "https://-a.fr"] {
            #expect(PublicAddress.normalize(bad) == nil, "\(bad)")
        }
    }
}
