import Foundation

/// The text given to the voice: what a page says, written the way it is
/// read aloud. espeak-ng reads "14 h 30" as "quatorze hache trente", "APL"
/// as the English "apple" and "RSA" on its own as one syllable; the site
/// writes all of these, so they are spelled out here first.
enum SpokenText {
    /// At most this many characters are read (about six minutes of speech):
    /// no text makes the server speak for long.
    static let maximumLength = 6_000
    static let cutNotice = "La suite est à lire sur la page."

    /// Abbreviations said as one word; any other word of two to five capitals
    /// is spelled letter by letter ("CCAS", "APL", "RSA").
    static let saidAsWords: [String: String] = [
        "CAF": "caf", "FALC": "falc", "RGAA": "R G A A", "ONU": "onu", "UNESCO": "unesco", "OK": "d'accord",
        "PDF": "P D F", "MSA": "M S A",
    ]

    static let months = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
                         "septembre", "octobre", "novembre", "décembre"]

    /// The whole text, normalised and bounded.
    static func make(_ parts: [String]) -> String {
        let joined = parts.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
            .map { sentence($0) }.joined(separator: "\n")
        return bounded(normalised(joined))
    }

    /// Ends a piece with a full stop, so that a title and the text after it
    /// are read as two sentences.
    static func sentence(_ piece: String) -> String {
        guard let last = piece.last, !".!?:;…".contains(last) else { return piece }
        return piece + "."
    }

    static func bounded(_ text: String) -> String {
        guard text.count > maximumLength else { return text }
        var cut = String(text.prefix(maximumLength))
        if let end = cut.lastIndex(where: { ".!?\n".contains($0) }) { cut = String(cut[...end]) }
        return cut + "\n" + cutNotice
    }

    /// Markdown as plain text: headings, emphasis, links and list marks
    /// taken out, a link read by its words.
    static func fromMarkdown(_ markdown: String) -> String {
        var text = markdown
        // Front matter.
        if text.hasPrefix("---"), let end = text.range(of: "\n---", range: text.index(text.startIndex, offsetBy: 3)..<text.endIndex) {
            text = String(text[end.upperBound...])
        }
        text = replace(#"!\[([^\]]*)\]\([^)]*\)"#, in: text) { $0[1] }
        text = replace(#"\[([^\]]+)\]\([^)]*\)"#, in: text) { $0[1] }
        var lines: [String] = []
        for raw in text.components(separatedBy: "\n") {
            var line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("|") && line.replacingOccurrences(of: "|", with: "").allSatisfy({ "-: ".contains($0) }) { continue }
            line = replace(#"^#{1,6}\s*"#, in: line) { _ in "" }
            line = replace(#"^([-*+]|\d+[.)])\s+"#, in: line) { _ in "" }
            line = replace(#"^>\s?"#, in: line) { _ in "" }
            line = line.replacingOccurrences(of: "|", with: ", ")
            line = line.replacingOccurrences(of: "**", with: "").replacingOccurrences(of: "__", with: "")
                .replacingOccurrences(of: "`", with: "")
            line = replace(#"(^|\s)[*_]([^*_]+)[*_]"#, in: line) { $0[1] + $0[2] }
            lines.append(line.isEmpty ? "" : sentence(line))
        }
        return lines.joined(separator: "\n").replacingOccurrences(of: "\n\n\n", with: "\n\n")
    }

    /// Times, dates, ordinals, signs and abbreviations written for the ear.
    static func normalised(_ text: String) -> String {
        var text = text
        text = replace(#"https?://\S+|www\.\S+"#, in: text) { _ in "(un lien)" }
        text = replace(#"[\w.+-]+@[\w-]+(\.[\w-]+)+"#, in: text) { _ in "(une adresse électronique)" }
        // 12/03/2027 → 12 mars 2027.
        text = replace(#"\b(\d{1,2})/(\d{1,2})/(\d{4})\b"#, in: text) { match in
            guard let month = Int(match[2]), (1...12).contains(month) else { return match[0] }
            return "\(match[1] == "1" || match[1] == "01" ? "1er" : String(Int(match[1]) ?? 0)) \(months[month - 1]) \(match[3])"
        }
        // 14 h 30, 14h30, 14 h → 14 heures 30, 14 heures.
        text = replace(#"\b(\d{1,2})\s?h\s?(\d{2})\b"#, in: text) { "\($0[1]) \($0[1] == "1" ? "heure" : "heures") \($0[2])" }
        text = replace(#"\b(\d{1,2})\s?h\b"#, in: text) { "\($0[1]) \($0[1] == "1" ? "heure" : "heures")" }
        // Ordinals: 1er, 1re, 2e, 3ème.
        text = replace(#"\b1(er|re|ère)\b"#, in: text) { $0[1] == "er" ? "premier" : "première" }
        text = replace(#"\b(\d{1,3})(e|ème|è)\b"#, in: text) { ordinal(Int($0[1]) ?? 0) }
        text = replace(#"\b[nN]°\s?"#, in: text) { _ in "numéro " }
        text = replace(#"\bM\.\s(?=[A-ZÉ])"#, in: text) { _ in "Monsieur " }
        text = replace(#"\betc\."#, in: text) { _ in "et cetera." }
        // Capitals: said as a word, or spelled.
        text = replace(#"\b[A-ZÉÈ]{2,5}\b"#, in: text) { match in
            if let word = saidAsWords[match[0]] { return word }
            return match[0].map(String.init).joined(separator: " ")
        }
        text = text.replacingOccurrences(of: "«", with: "").replacingOccurrences(of: "»", with: "")
            .replacingOccurrences(of: "\u{00A0}", with: " ").replacingOccurrences(of: "\u{202F}", with: " ")
        text = replace(#"[ \t]{2,}"#, in: text) { _ in " " }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// "2" → "deuxième", "21" → "vingt et unième".
    static func ordinal(_ number: Int) -> String {
        guard number > 1 else { return number == 1 ? "premier" : "zéroième" }
        let formatter = NumberFormatter()
        formatter.locale = Locale(identifier: "fr_FR")
        formatter.numberStyle = .spellOut
        var words = formatter.string(from: NSNumber(value: number)) ?? String(number)
        if words.hasSuffix("cinq") { words += "u" }
        if words.hasSuffix("neuf") { words = String(words.dropLast()) + "v" }
        if words.hasSuffix("e") { words.removeLast() }
        return words + "ième"
    }

    /// Replaces every match of `pattern`; the closure gets the match and its groups.
    static func replace(_ pattern: String, in text: String, with make: ([String]) -> String) -> String {
        guard let expression = try? NSRegularExpression(pattern: pattern) else { return text }
        let source = text as NSString
        var result = ""
        var last = 0
        for match in expression.matches(in: text, range: NSRange(location: 0, length: source.length)) {
            result += source.substring(with: NSRange(location: last, length: match.range.location - last))
            let groups = (0..<match.numberOfRanges).map { index -> String in
                let range = match.range(at: index)
                return range.location == NSNotFound ? "" : source.substring(with: range)
            }
            result += make(groups)
            last = match.range.location + match.range.length
        }
        return result + source.substring(from: last)
    }
}
