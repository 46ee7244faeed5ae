import Plot
import Vapor

/// `/admin/reglages`: settings administrators change in the interface.
struct SiteSettingsController {
    func model(_ request: Request) async throws -> SiteSettingsPage.Model {
        var values: [String: String] = [:]
        for number in SettingLabels.numbers {
            values[number.field] = String(try await SiteSettingsStore.number(number.setting, on: request.db))
        }
        let settings = request.application.settings
        let current = try await request.publicAddress()
        values["adresse"] = current ?? PublicAddress.suggestion(for: request)
        return SiteSettingsPage.Model(csrf: try await request.csrfToken(), values: values,
                                      addressFromEnvironment: settings.addressFixed, addressSaved: current != nil,
                                      insecureCookies: PublicAddress.cookiesLackSecure(current, settings: settings))
    }

    func show(request: Request) async throws -> HTML {
        SiteSettingsPage.view(try await model(request), context: request.pageContext)
    }

    func save(request: Request) async throws -> Response {
        var typed: [String: String] = [:]
        var parsed: [String: Int] = [:]
        var errors = FormErrors()
        // A setting the form did not send (an older copy of the page) keeps its value.
        for number in SettingLabels.numbers {
            guard let sent = try? request.content.get(String.self, at: number.field) else { continue }
            let text = String(sent.prefix(AccountLimits.typedNumber))
            typed[number.field] = text
            let range = number.setting.range
            if let value = Int(text.trimmingCharacters(in: .whitespaces)), range.contains(value) {
                parsed[number.field] = value
            } else {
                errors.add(number.field, "Indiquez un nombre entier entre \(range.lowerBound) et \(range.upperBound).")
            }
        }
        // The page again only when something is to be corrected, with what was typed.
        guard errors.isEmpty else {
            var model = try await model(request)
            model.values.merge(typed) { $1 }
            model.errors = errors
            return SiteSettingsPage.view(model, context: request.pageContext).response(status: .unprocessableEntity)
        }
        var changes: [String: String] = [:]
        for number in SettingLabels.numbers {
            let old = try await SiteSettingsStore.number(number.setting, on: request.db)
            guard let value = parsed[number.field], value != old else { continue }
            try await SiteSettingsStore.setNumber(number.setting, value, on: request.db)
            changes[number.setting.name] = "\(old) → \(value)"
        }
        if !changes.isEmpty {
            try await request.audit(.settingsChange, changes)
        }
        try await request.setFlash(changes.isEmpty ? "Rien n'a changé." : "Les réglages sont enregistrés.")
        return request.redirect(to: .admin(.settings))
    }

    /// Its own form: saving the other settings never saves an address
    /// nobody looked at.
    func saveAddress(request: Request) async throws -> Response {
        let typed = String(((try? request.content.get(String.self, at: "adresse")) ?? "").prefix(AccountLimits.keptAddress))
        guard try await PublicAddress.save(typed, request: request) != nil else {
            var model = try await model(request)
            model.values["adresse"] = typed
            model.errors.add("adresse", PublicAddress.typingHelp)
            return SiteSettingsPage.view(model, context: request.pageContext).response(status: .unprocessableEntity)
        }
        try await request.setFlash("L'adresse du site est enregistrée.")
        return request.redirect(to: .admin(.settings))
    }
}

extension Settings {
    /// `PORTEVOIX_PUBLIC_URL` is set: the interface shows the address, never edits it.
    var addressFixed: Bool { publicURL != nil }
}
