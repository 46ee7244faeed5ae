import Plot

/// The errors of a form sent back, in the order of its fields.
public struct FormErrors: Sendable, Equatable, Error {
    public private(set) var items: [(field: String, message: String)] = []

    public init() {}

    /// One error, or none when `message` is nil.
    public init(_ field: String, _ message: String?) {
        if let message { add(field, message) }
    }

    public var isEmpty: Bool { items.isEmpty }
    public var count: Int { items.count }

    public mutating func add(_ field: String, _ message: String) {
        guard self[field] == nil else { return }
        items.append((field, message))
    }

    public subscript(field: String) -> String? {
        items.first { $0.field == field }?.message
    }

    public static func == (lhs: FormErrors, rhs: FormErrors) -> Bool {
        lhs.items.map(\.field) == rhs.items.map(\.field) && lhs.items.map(\.message) == rhs.items.map(\.message)
    }
}

/// Form pieces built the same way everywhere (design/ui.md): a visible label,
/// "obligatoire" in words, help text, the error next to the field and in a
/// summary at the top linked to it, and the value the person typed.
public enum Forms {
    /// `<form method="post">` with its CSRF field first.
    ///
    /// `novalidate`: the server checks every field and explains each mistake
    /// in the page's own words, all at once, instead of the browser stopping
    /// at the first one with a bubble that some screen readers miss.
    static func post(
        action: SiteURL, csrf: String, class className: String? = nil, _ content: Node<HTML.BodyContext>...
    ) -> Node<HTML.BodyContext> {
        .element(named: "form", nodes: [
            .attribute(named: "method", value: "post"),
            .attribute(named: "action", value: escapeAttribute(action.path)),
            .attribute(named: "novalidate"),
            .unwrap(className) { .class($0) },
            .csrfField(csrf),
            .group(content),
        ])
    }

    /// `<form method="get">`, for search and filters (no token: it changes nothing).
    static func get(action: SiteURL, class className: String? = nil, _ content: Node<HTML.BodyContext>...)
        -> Node<HTML.BodyContext> {
        .element(named: "form", nodes: [
            .attribute(named: "method", value: "get"),
            .attribute(named: "action", value: escapeAttribute(action.path)),
            .unwrap(className) { .class($0) },
            .group(content),
        ])
    }

    /// The list of errors at the top of a form, each linking to its field.
    /// - Parameter scope: the same as the fields', when a page has several forms.
    public static func errorSummary(_ errors: FormErrors, scope: String? = nil) -> Node<HTML.BodyContext> {
        guard !errors.isEmpty else { return .empty }
        let heading = errors.count == 1
            ? "Une information est à corriger"
            : "\(errors.count) informations sont à corriger"
        return .div(
            .class("resume-erreurs"),
            .attribute(named: "role", value: "alert"),
            .attribute(named: "tabindex", value: "-1"),
            .id("erreurs"),
            .h2(.plain(heading)),
            .ul(.forEach(errors.items) { item in
                .li(.a(.href("#" + escapeAttribute(fieldID(item.field, scope: scope))), .plain(item.message)))
            })
        )
    }

    /// The id of a field; `scope` tells apart the fields of several forms on one page.
    public static func fieldID(_ name: String, scope: String? = nil) -> String {
        "champ-" + (scope.map { "\($0)-" } ?? "") + name
    }

    public enum InputKind: String {
        case text, password, search, number, date, time, url
    }

    /// A one-line field.
    public static func field(
        _ name: String,
        label: String,
        value: String = "",
        kind: InputKind = .text,
        help: String? = nil,
        error: String? = nil,
        required: Bool = false,
        autocomplete: String? = nil,
        maxLength: Int? = nil,
        extraAttributes: [(String, String)] = [],
        scope: String? = nil
    ) -> Node<HTML.BodyContext> {
        let id = fieldID(name, scope: scope)
        // A date or time that does not exist cannot be the value of a date
        // field (invalid HTML, RGAA 8.2; browsers blank it): the field comes
        // back as text, holding what was typed, and the error says why.
        let impossible = !value.isEmpty && (kind == .date && !isRealDate(value) || kind == .time && !isRealTime(value))
        var attributes: [(String, String)] = [("type", impossible ? "text" : kind.rawValue), ("id", id), ("name", name)]
        if kind != .password { attributes.append(("value", value)) }
        if required { attributes.append(("required", "required")) }
        if let autocomplete { attributes.append(("autocomplete", autocomplete)) }
        if let maxLength { attributes.append(("maxlength", String(maxLength))) }
        attributes += describedBy(id: id, help: help, error: error)
        attributes += extraAttributes
        return .div(
            .class(error == nil ? "champ" : "champ champ-erreur"),
            labelNode(id: id, label: label, required: required),
            helpNode(id: id, help: help),
            errorNode(id: id, error: error),
            input(attributes)
        )
    }

    /// `yyyy-mm-dd` naming a day of the calendar.
    static func isRealDate(_ value: String) -> Bool {
        let parts = value.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]), (1...12).contains(month), day >= 1
        else { return false }
        let days = [31, year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return day <= days[month - 1]
    }

    /// `hh:mm` on a 24-hour clock.
    static func isRealTime(_ value: String) -> Bool {
        let parts = value.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2, let hour = Int(parts[0]), let minute = Int(parts[1]) else { return false }
        return (0...23).contains(hour) && (0...59).contains(minute)
    }

    /// `<input>` with every attribute value escaped.
    static func input(_ attributes: [(String, String)]) -> Node<HTML.BodyContext> {
        .selfClosedElement(named: "input", attributes: attributes.map { name, value in
            Attribute<HTML.BodyContext>(name: name, value: escapeAttribute(value), ignoreIfValueIsEmpty: false)
        })
    }

    /// `aria-describedby` and `aria-invalid` for a field with help or an error.
    static func describedBy(id: String, help: String?, error: String?) -> [(String, String)] {
        let ids = [help.map { _ in id + "-aide" }, error.map { _ in id + "-erreur" }].compactMap { $0 }
        var attributes: [(String, String)] = []
        if !ids.isEmpty { attributes.append(("aria-describedby", ids.joined(separator: " "))) }
        if error != nil { attributes.append(("aria-invalid", "true")) }
        return attributes
    }

    /// A multi-line field.
    public static func textArea(
        _ name: String, label: String, value: String = "", help: String? = nil, error: String? = nil,
        required: Bool = false, maxLength: Int? = nil, rows: Int = 8, scope: String? = nil
    ) -> Node<HTML.BodyContext> {
        let id = fieldID(name, scope: scope)
        let aria = describedBy(id: id, help: help, error: error)
        return .div(
            .class(error == nil ? "champ" : "champ champ-erreur"),
            labelNode(id: id, label: label, required: required),
            helpNode(id: id, help: help),
            errorNode(id: id, error: error),
            .element(named: "textarea", nodes: [
                .attribute(named: "id", value: escapeAttribute(id)),
                .attribute(named: "name", value: escapeAttribute(name)),
                .attribute(named: "rows", value: String(rows)),
                .if(required, .attribute(named: "required", value: "required")),
                .unwrap(maxLength) { .attribute(named: "maxlength", value: String($0)) },
                .forEach(aria) { .attribute(named: $0.0, value: escapeAttribute($0.1)) },
                .plain(value),
            ])
        )
    }

    /// A drop-down list; `options` are (value, label).
    public static func select(
        _ name: String, label: String, options: [(value: String, label: String)], selected: String?,
        help: String? = nil, error: String? = nil, required: Bool = false, scope: String? = nil
    ) -> Node<HTML.BodyContext> {
        let id = fieldID(name, scope: scope)
        return .div(
            .class(error == nil ? "champ" : "champ champ-erreur"),
            labelNode(id: id, label: label, required: required),
            helpNode(id: id, help: help),
            errorNode(id: id, error: error),
            .element(named: "select", nodes: [
                .attribute(named: "id", value: escapeAttribute(id)),
                .attribute(named: "name", value: escapeAttribute(name)),
                .if(help != nil, .attribute(named: "aria-describedby", value: escapeAttribute(id + "-aide"))),
                .forEach(options) { option in
                    .element(named: "option", nodes: [
                        // An empty value stays (`<option value>`): without it the label would be sent.
                        .attribute(named: "value", value: escapeAttribute(option.value), ignoreIfValueIsEmpty: false),
                        .if(option.value == selected, .attribute(named: "selected", value: "selected")),
                        .plain(option.label),
                    ])
                },
            ])
        )
    }

    /// One checkbox with its label on the right.
    public static func checkbox(
        _ name: String, label: String, checked: Bool, value: String = "oui", help: String? = nil, error: String? = nil,
        idSuffix: String? = nil, scope: String? = nil
    ) -> Node<HTML.BodyContext> {
        let id = fieldID(idSuffix.map { "\(name)-\($0)" } ?? name, scope: scope)
        var attributes: [(String, String)] = [("type", "checkbox"), ("id", id), ("name", name), ("value", value)]
        if checked { attributes.append(("checked", "checked")) }
        attributes += describedBy(id: id, help: help, error: error)
        return .div(
            .class(error == nil ? "champ case-a-cocher" : "champ case-a-cocher champ-erreur"),
            errorNode(id: id, error: error),
            input(attributes),
            .element(named: "label", nodes: [.attribute(named: "for", value: escapeAttribute(id)), .plain(label)]),
            helpNode(id: id, help: help)
        )
    }

    public static func submit(_ label: String, class className: String = "bouton") -> Node<HTML.BodyContext> {
        .button(.type(.submit), .class(className), .plain(label))
    }

    static func labelNode(id: String, label: String, required: Bool) -> Node<HTML.BodyContext> {
        .element(named: "label", nodes: [
            .attribute(named: "for", value: escapeAttribute(id)),
            .plain(label),
            .if(required, .span(.class("obligatoire"), .text(" (obligatoire)"))),
        ])
    }

    static func helpNode(id: String, help: String?) -> Node<HTML.BodyContext> {
        .unwrap(help) { .span(.class("aide-champ"), .id(escapeAttribute(id + "-aide")), .plain($0)) }
    }

    static func errorNode(id: String, error: String?) -> Node<HTML.BodyContext> {
        .unwrap(error) {
            .span(.class("message-erreur"), .id(escapeAttribute(id + "-erreur")), .plain("Erreur : " + $0))
        }
    }
}

