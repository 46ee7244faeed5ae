import Foundation

extension PersonalData {
    /// A separator between two digits: a space or two, or a dot, dash or slash with spaces around or not.
    private static let phoneSeparator = #"(?:[ ]{0,2}[./-][ ]{0,2}|[ ]{1,2})?"#
    private static let internationalPrefix = #"\(?(?:\+|00)[ ]?33[ ]?\)?[ ]?(?:\([ ]?0[ ]?\)[ ]?)?(?:0[ ]?)?"#
    /// 0X XX XX XX XX, +33 X…, 0033 X…, +33 (0)X…, in any grouping; O for 0 and l or I for 1 allowed.
    nonisolated(unsafe) static let phonePattern = regex(
        #"(?<![A-Za-z0-9@._/-])(?:"# + internationalPrefix + "|[0O]" + phoneSeparator + ")[1-9](?:" + phoneSeparator + "[0-9OIl]){8}"
            + #"(?![A-Za-z0-9])(?![./-][0-9])"#)
    nonisolated(unsafe) static let internationalPrefixPattern = regex("^" + internationalPrefix)
    nonisolated(unsafe) static let streetNumberPattern = regex(
        #"^[ ,]*[0-9]{1,4}(?:[ ]?(?:bis|ter|[a-d]))?,?[ ]+(?:de[ ]+la[ ]+|du[ ]+)?"# + streetTypes + "(?![A-Za-z])")

    static func phoneNumbers(_ folded: Folded) -> [NSRange] {
        candidates(phonePattern, in: folded, windows: folded.windows(around: folded.digitRuns(of: 8), before: 24, after: 12),
                   startingWith: { [0x30, 0x4F, 0x6F, 0x2B, 0x28].contains($0) }) { range in
            isPhoneNumber(folded[range], precededBy: folded.preceding(range, count: 6), followedBy: folded.following(range, count: 40))
                ? range : nil
        }
    }

    /// Whether a candidate phone number is one: ten digits starting 0[1-9]
    /// once "+33" is read as 0; not a free number (0800 to 0805); written
    /// with one separator throughout (one slip allowed), in groups of at
    /// most four digits (or in one or two blocks); not a date and a time
    /// ("01 02 2025 10 30"); not one piece of a longer run in the same rhythm.
    static func isPhoneNumber(_ candidate: String, precededBy previous: String = "", followedBy next: String = "") -> Bool {
        // Letters for digits, but most of them digits.
        guard candidate.utf8.filter(isDigit).count >= 8 else { return false }
        var units = candidate.utf8.map { $0 == 0x4F || $0 == 0x6F ? 0x30 : $0 == 0x49 || $0 == 0x6C ? 0x31 : $0 }
        if units.first != 0x30 || units.count > 1 && units[1] == 0x30,
           let prefix = internationalPrefixPattern.firstMatch(in: candidate, range: NSRange(location: 0, length: units.count)) {
            units = [0x30] + units[prefix.range.length...]
        }
        let digits = units.filter(isDigit)
        guard digits.count == 10, digits[0] == 0x30, digits[1] != 0x30 else { return false }
        // 0800 to 0805: free numbers, published to be called.
        if digits[1] == 0x38 && digits[2] == 0x30 && digits[3] <= 0x35 { return false }

        // Each group of digits, and the sign between two groups (a space if only spaces).
        var groups: [ArraySlice<UInt8>] = []
        var separators: [UInt8] = []
        var index = 0
        while index < units.count {
            var sign: UInt8? = nil
            while index < units.count && !isDigit(units[index]) {
                if units[index] != 0x20 { sign = units[index] } else if sign == nil { sign = 0x20 }
                index += 1
            }
            if !groups.isEmpty, let sign { separators.append(sign) }
            let start = index
            while index < units.count && isDigit(units[index]) { index += 1 }
            if index > start { groups.append(units[start..<index]) }
        }
        var counts: [UInt8: Int] = [:]
        for separator in separators { counts[separator, default: 0] += 1 }
        let main = counts.max { $0.value < $1.value || $0.value == $1.value && $0.key < $1.key }
        // One separator throughout, one slip allowed ("07 81.22.33.45").
        if let main, separators.count - main.value > 1 { return false }
        if groups.count > 2 && groups.contains(where: { $0.count > 4 }) { return false }
        // "01 02 2025 10 30": a date and a time.
        for index in groups.indices.dropFirst(2) where groups[index].count == 4 && groups[index - 1].count <= 2 && groups[index - 2].count <= 2 {
            let year = Array(groups[index].prefix(2))
            if year == [0x31, 0x39] || year == [0x32, 0x30] { return false }
        }
        // "01 02 03 04 05 06", "01 02 2025 10 30": a piece of a longer run in the same rhythm.
        if let main = main?.key, groups.count > 1 {
            var after = Array(next.utf8)[...]
            if main != 0x20 { after = after.drop { $0 == 0x20 } }
            if after.first == main, let digit = after.dropFirst().first(where: { $0 != 0x20 }), isDigit(digit),
               // "06 12 34 56 78 12 rue des Lilas": a number, then an address.
               streetNumberPattern.firstMatch(in: next, range: NSRange(location: 0, length: next.utf16.count)) == nil {
                return false
            }
            var before = Array(previous.utf8.reversed())[...]
            if main != 0x20 { before = before.drop { $0 == 0x20 } }
            if before.first == main, let digit = before.dropFirst().first(where: { $0 != 0x20 }), isDigit(digit) { return false }
        }
        return true
    }
}
