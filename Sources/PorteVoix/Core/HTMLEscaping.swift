import Plot

/// Escapes the five characters that matter in HTML: `& < > " '`.
///
/// Plot escapes text nodes but writes attribute values as they are, so every
/// attribute value that comes from data (a member's text, a database value, a
/// URL built from either) goes through this function:
/// `.href(escapeAttribute(url))`, `.value(escapeAttribute(title))`.
/// It is also behind `Node.plain(_:)`, for user text in element content.
public func escapeAttribute(_ value: String) -> String {
    var escaped = ""
    escaped.reserveCapacity(value.utf8.count)
    for scalar in value.unicodeScalars {
        switch scalar {
        case "&": escaped += "&amp;"
        case "<": escaped += "&lt;"
        case ">": escaped += "&gt;"
        case "\"": escaped += "&quot;"
        case "'": escaped += "&#39;"
        default: escaped.unicodeScalars.append(scalar)
        }
    }
    return escaped
}

extension Node where Context: HTMLContext {
    /// Text from a person or the database, escaped exactly.
    ///
    /// Plot's own `.text` keeps sequences that look like entities (a member
    /// who types `&amp;` would see `&`); this shows exactly what was typed.
    public static func plain(_ text: String) -> Node {
        .raw(escapeAttribute(text))
    }
}

/// Plain text with line breaks, as paragraphs: escaped first, then marked up.
public func paragraphs(_ text: String) -> Node<HTML.BodyContext> {
    let blocks = text
        .replacingOccurrences(of: "\r\n", with: "\n")
        .components(separatedBy: "\n\n")
        .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        .filter { !$0.isEmpty }
    return .group(blocks.map { block in
        let lines = block.components(separatedBy: "\n").map(escapeAttribute)
        return .p(.raw(lines.joined(separator: "<br>")))
    })
}
