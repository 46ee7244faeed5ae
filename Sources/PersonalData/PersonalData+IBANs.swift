import Foundation

extension PersonalData {
    /// Two letters, two check digits, 11 to 30 letters or digits; the end is
    /// found by the check, which tries the groups from the longest.
    nonisolated(unsafe) static let ibanPattern = regex(before + #"[A-Z]{2}[0-9]{2}(?:[ -]?[A-Z0-9]){11,30}"#)

    /// Introduced as a bank account: an IBAN's shape is enough, even mistyped.
    nonisolated(unsafe) static let introducedIBANPattern = regex(
        #"(?:\b(?i:iban|rib)|\b(?i:compte)(?:\s+(?i:bancaire))?)[^A-Za-z0-9\n]{0,15}([A-Z]{2}[0-9]{2}(?:[ -]?[A-Z0-9]){11,30})"# + after,
        caseInsensitive: false)

    /// Said to be an example: "par exemple", "exemple d'IBAN", "ex. :", "fictif", "modèle", "comme … dans la notice".
    nonisolated(unsafe) static let examplePattern = regex(
        #"\b(?:exemples?|ex[ ]?[.:]|e\.g\.|ficti(?:f|ve)s?|factices?|modeles?|specimens?|notice|bidon)(?![A-Za-z])"#)
    nonisolated(unsafe) static let firstPersonPattern = regex(#"\b(?:mon|ma|mes|notre|nos)\b"#)
    nonisolated(unsafe) static let exPossessivePattern = regex(#"\b(?:mon|ma|son|sa|ton|ta|notre|votre|leur|l')[ ]*$"#)

    static func ibans(_ folded: Folded) -> [NSRange] {
        let windows = folded.windows(around: folded.ibanStarts, before: 40, after: 100)
        guard !windows.isEmpty else { return [] }
        let checked = candidates(ibanPattern, in: folded, windows: windows, startingWith: { (0x61...0x7A).contains($0 | 0x20) }) {
            longestValidIBAN($0, in: folded)
        }
        let introduced = matches(introducedIBANPattern, in: folded, windows: windows, group: 1)
        let all = checked + introduced.filter { range in !checked.contains { overlaps($0, range) } }
        return all.filter { !isCalledAnExample($0, in: folded) }
    }

    /// The longest run of whole groups, from the start, that passes mod 97:
    /// "FR76 3000 … 189 s'il vous plaît" is read without " s".
    static func longestValidIBAN(_ range: NSRange, in folded: Folded) -> NSRange? {
        var ends: [Int] = [NSMaxRange(range)]
        for position in stride(from: NSMaxRange(range) - 1, to: range.location + 15, by: -1)
        where folded.units[position] == 0x20 || folded.units[position] == 0x2D {
            ends.append(position)
        }
        for end in ends {
            if end < folded.count && isAlphanumeric(folded.units[end]) { continue }
            let candidate = NSRange(location: range.location, length: end - range.location)
            if isValidIBAN(folded[candidate].replacingOccurrences(of: "-", with: "")) { return candidate }
        }
        return nil
    }

    /// The sentence around says it is an example, and does not say "mon", "ma"…
    static func isCalledAnExample(_ range: NSRange, in folded: Folded) -> Bool {
        let sentence = folded.sentence(around: range, reach: 90)
        let text = folded[sentence]
        guard let example = examplePattern.firstMatch(in: text, range: NSRange(location: 0, length: text.utf16.count))
        else { return false }
        // "le RIB de mon ex : FR76…" is not an example.
        let word = (text as NSString).substring(with: example.range).lowercased()
        if word.hasPrefix("ex") && !word.hasPrefix("exemple") {
            let head = (text as NSString).substring(to: example.range.location)
            if exPossessivePattern.firstMatch(in: head, range: NSRange(location: 0, length: head.utf16.count)) != nil { return false }
        }
        return firstPersonPattern.firstMatch(in: text, range: NSRange(location: 0, length: text.utf16.count)) == nil
    }

    /// Letters become 10…35, the first four characters go last, the whole is 1 mod 97.
    public static func isValidIBAN(_ candidate: String) -> Bool {
        let compact = candidate.uppercased().filter { !$0.isWhitespace }
        guard (15...34).contains(compact.count), compact.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else { return false }
        let rearranged = compact.dropFirst(4) + compact.prefix(4)
        var remainder = 0
        for character in rearranged {
            let value = character.isNumber ? Int(String(character))! : Int(character.asciiValue! - 55)
            for digit in String(value) { remainder = (remainder * 10 + Int(String(digit))!) % 97 }
        }
        return remainder == 1
    }
}
