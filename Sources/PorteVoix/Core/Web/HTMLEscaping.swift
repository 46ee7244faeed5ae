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

/// Plain text with paragraphs and lists ("- " or "1. " at the start of a
/// line), for minutes and answers: escaped first, then marked up.
public func richText(_ text: String) -> Node<HTML.BodyContext> {
    enum Block { case paragraph([String]), bullets([String]), numbers([String]) }
    func bullet(_ line: String) -> String? {
        for marker in ["- ", "* ", "• "] where line.hasPrefix(marker) { return String(line.dropFirst(marker.count)) }
        return nil
    }
    func number(_ line: String) -> String? {
        guard let dot = line.firstIndex(where: { $0 == "." || $0 == ")" }), dot > line.startIndex,
              line[line.startIndex..<dot].allSatisfy(\.isNumber),
              line[line.index(after: dot)...].hasPrefix(" ")
        else { return nil }
        return String(line[line.index(dot, offsetBy: 2)...])
    }
    var blocks: [Block] = []
    for raw in text.replacingOccurrences(of: "\r\n", with: "\n").components(separatedBy: "\n") {
        let line = raw.trimmingCharacters(in: .whitespaces)
        if line.isEmpty {
            blocks.append(.paragraph([]))
            continue
        }
        switch (blocks.last, bullet(line), number(line)) {
        case (.bullets(let items)?, let item?, _): blocks[blocks.count - 1] = .bullets(items + [item])
        case (_, let item?, _): blocks.append(.bullets([item]))
        case (.numbers(let items)?, nil, let item?): blocks[blocks.count - 1] = .numbers(items + [item])
        case (_, nil, let item?): blocks.append(.numbers([item]))
        case (.paragraph(let lines)?, nil, nil): blocks[blocks.count - 1] = .paragraph(lines + [line])
        default: blocks.append(.paragraph([line]))
        }
    }
    return .group(blocks.compactMap { block -> Node<HTML.BodyContext>? in
        switch block {
        case .paragraph(let lines) where lines.isEmpty: return nil
        case .paragraph(let lines): return .p(.raw(lines.map(escapeAttribute).joined(separator: "<br>")))
        case .bullets(let items): return .ul(.forEach(items) { .li(.plain($0)) })
        case .numbers(let items): return .ol(.forEach(items) { .li(.plain($0)) })
        }
    })
}
