import Foundation

/// A text as the detectors read it, with the way back to the original.
///
/// Each scalar of the original is folded on its own, to ASCII:
/// compatibility forms decomposed (NFKD: full-width "０６" and "＠",
/// mathematical and circled digits, ligatures, "№"), accents left out
/// ("é" is read "e"), every space (no-break, narrow, thin, figure,
/// ideographic, tab) a plain space, every dash or minus a hyphen, curly
/// apostrophes and quotes straight, digits of any script ASCII, Cyrillic
/// and Greek look-alikes Latin, "°" read "#", "€" read "EUR"; invisible
/// formatting characters and combining marks left out; any other letter
/// read "x" (or "X"), any other sign "~". For each unit of the folded text,
/// `starts` and `ends` hold the bounds of the original scalar it came from.
///
/// Pure ASCII, the folded text is also quick to hand to
/// `NSRegularExpression`, which reads UTF-16.
struct Folded {
    let original: String
    let text: String
    let units: [UInt8]
    let landmarks: Landmarks
    private let starts: [String.Index]
    private let ends: [String.Index]

    init(_ original: String) {
        var units: [UInt8] = []
        var starts: [String.Index] = []
        var ends: [String.Index] = []
        let capacity = original.utf8.count
        units.reserveCapacity(capacity)
        starts.reserveCapacity(capacity)
        ends.reserveCapacity(capacity)
        let scalars = original.unicodeScalars
        var index = scalars.startIndex
        while index < scalars.endIndex {
            let next = scalars.index(after: index)
            let value = scalars[index].value
            let count = units.count
            switch value {
            case 0x09, 0x0B, 0x0C: units.append(0x20)
            case 0...0x7F: units.append(UInt8(value))
            case 0x80...0x24F: units.append(contentsOf: Folded.latin[Int(value) - 0x80])
            default: units.append(contentsOf: Folded.fold(scalars[index]))
            }
            for _ in count..<units.count {
                starts.append(index)
                ends.append(next)
            }
            index = next
        }
        self.original = original
        self.units = units
        self.starts = starts
        self.ends = ends
        self.text = String(decoding: units, as: UTF8.self)
        self.landmarks = units.withUnsafeBufferPointer(Folded.landmarks(of:))
    }

    var count: Int { units.count }
    var whole: NSRange { NSRange(location: 0, length: units.count) }

    /// The runs of at least `digits` digits (six or more), with at most five
    /// signs between two of them (spaces, dots, dashes, slashes, brackets,
    /// "+", an "O", "I", "l", "A" or "B"): where the patterns for numbers are
    /// worth running.
    func digitRuns(of digits: Int) -> [NSRange] {
        landmarks.runs.filter { $0.digits >= digits }.map(\.range)
    }

    /// Where two letters stand before two digits, as an IBAN starts.
    var ibanStarts: [NSRange] { landmarks.ibanStarts }
    /// Where five digits stand together, as a postal code.
    var postalCodes: [NSRange] { landmarks.postalCodes }
    /// Where an e-mail address may be: an "@", "robas" (arobase, arrobase), a word "at", "(a)".
    var emailHints: [NSRange] { landmarks.emailHints }

    struct Landmarks {
        var runs: [(range: NSRange, digits: Int)] = []
        var ibanStarts: [NSRange] = []
        var postalCodes: [NSRange] = []
        var emailHints: [NSRange] = []
    }

    /// The places the detectors look at, found in one reading of the folded text.
    static func landmarks(of units: UnsafeBufferPointer<UInt8>) -> Landmarks {
        var found = Landmarks()
        let count = units.count
        func isDigit(_ position: Int) -> Bool { position >= 0 && position < count && units[position] &- 0x30 < 10 }
        func isLetter(_ position: Int) -> Bool { position >= 0 && position < count && (units[position] | 0x20) &- 0x61 < 26 }
        func lower(_ position: Int) -> UInt8 { position < count ? units[position] | 0x20 : 0 }
        var digits = 0, gap = 0, first = 0, last = 0, run = 0
        func closeRun() {
            if digits >= 6 { found.runs.append((NSRange(location: first, length: last + 1 - first), digits)) }
            digits = 0
            gap = 0
        }
        var index = 0
        while index < count {
            let unit = units[index]
            if unit &- 0x30 < 10 {
                if digits == 0 { first = index }
                digits += 1
                last = index
                gap = 0
                run += 1
            } else {
                if run == 5 { found.postalCodes.append(NSRange(location: index - 5, length: 5)) }
                run = 0
                switch unit {
                case 0x20, 0x2E, 0x2D, 0x2F, 0x28, 0x29, 0x2B, 0x4F, 0x6F, 0x49, 0x6C, 0x41, 0x42, 0x61, 0x62:
                    gap += 1
                    if gap > 5 { closeRun() }
                default:
                    closeRun()
                }
                if isLetter(index) {
                    if isLetter(index + 1) && isDigit(index + 2) && isDigit(index + 3) {
                        found.ibanStarts.append(NSRange(location: index, length: 4))
                    }
                    let letter = unit | 0x20
                    if letter == 0x61 && lower(index + 1) == 0x74 && !isLetter(index - 1) && !isLetter(index + 2) {
                        found.emailHints.append(NSRange(location: index, length: 2))
                    } else if letter == 0x61 && index > 0 && index + 1 < count && [0x28, 0x5B, 0x7B, 0x3C].contains(units[index - 1])
                                && [0x29, 0x5D, 0x7D, 0x3E].contains(units[index + 1]) {
                        found.emailHints.append(NSRange(location: index, length: 1))
                    } else if letter == 0x72 && lower(index + 1) == 0x6F && lower(index + 2) == 0x62 && lower(index + 3) == 0x61
                                && lower(index + 4) == 0x73 {
                        found.emailHints.append(NSRange(location: index, length: 5))
                    }
                } else if unit == 0x40 {
                    found.emailHints.append(NSRange(location: index, length: 1))
                }
            }
            index += 1
        }
        if run == 5 { found.postalCodes.append(NSRange(location: count - 5, length: 5)) }
        closeRun()
        return found
    }

    /// The places around `ranges`, `before` units before and `after` after, merged where they meet.
    func windows(around ranges: [NSRange], before: Int, after: Int) -> [NSRange] {
        var windows: [NSRange] = []
        for range in ranges.sorted(by: { $0.location < $1.location }) {
            let start = max(0, range.location - before)
            let end = min(units.count, NSMaxRange(range) + after)
            if let last = windows.last, start <= NSMaxRange(last) {
                windows[windows.count - 1] = NSRange(location: last.location, length: max(NSMaxRange(last), end) - last.location)
            } else {
                windows.append(NSRange(location: start, length: end - start))
            }
        }
        return windows
    }

    /// The folded text of a range.
    subscript(range: NSRange) -> String {
        String(decoding: units[range.location..<NSMaxRange(range)], as: UTF8.self)
    }

    /// The original characters the folded range came from, whole: a digit
    /// followed by a combining mark is covered with its mark.
    func original(_ range: NSRange) -> Range<String.Index>? {
        guard range.length > 0, NSMaxRange(range) <= units.count else { return nil }
        // Moving by characters rounds an index inside a character down to its start.
        let lower = original.index(before: original.index(after: starts[range.location]))
        var upper = ends[NSMaxRange(range) - 1]
        if upper.samePosition(in: original) == nil { upper = original.index(after: upper) }
        return lower..<upper
    }

    /// Up to `count` units before the range.
    func preceding(_ range: NSRange, count: Int) -> String {
        let start = max(0, range.location - count)
        return self[NSRange(location: start, length: range.location - start)]
    }

    /// Up to `count` units after the range.
    func following(_ range: NSRange, count: Int) -> String {
        let end = NSMaxRange(range)
        return self[NSRange(location: end, length: min(count, units.count - end))]
    }

    /// The sentence holding the range, at most `reach` units either side: it
    /// ends at a line break, "!", "?", or a "." followed by a space and a capital.
    func sentence(around range: NSRange, reach: Int) -> NSRange {
        func endsSentence(_ position: Int) -> Bool {
            let unit = units[position]
            if unit == 0x0A || unit == 0x21 || unit == 0x3F { return true }
            guard unit == 0x2E, position + 2 < units.count, units[position + 1] == 0x20 else { return false }
            return (0x41...0x5A).contains(units[position + 2])
        }
        var start = range.location
        while start > 0 && range.location - start < reach && !endsSentence(start - 1) { start -= 1 }
        var end = NSMaxRange(range)
        while end < units.count && end - NSMaxRange(range) < reach && !endsSentence(end) { end += 1 }
        return NSRange(location: start, length: end - start)
    }

    /// U+0080 to U+024F (Latin-1 and Latin Extended), folded once.
    static let latin: [[UInt8]] = (0x80...0x24F).map { fold(Unicode.Scalar($0)!) }

    /// One scalar, as the detectors read it.
    static func fold(_ scalar: Unicode.Scalar) -> [UInt8] {
        if let special = special(scalar) { return special }
        // Scripts without compatibility forms, read without asking Foundation.
        switch scalar.value {
        case 0x0370...0x03FF, 0x0400...0x052F, 0x0590...0x06FF, 0x3040...0x30FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0x1F300...0x1FAFF:
            let properties = scalar.properties
            switch properties.generalCategory {
            case .nonspacingMark, .enclosingMark, .spacingMark, .format: return []
            case .decimalNumber: return properties.numericValue.map { [0x30 + UInt8($0)] } ?? [0x7E]
            default:
                if let latin = lookAlikes[scalar.value] { return [latin.asciiValue!] }
                return properties.isAlphabetic ? [properties.isUppercase ? 0x58 : 0x78] : [0x7E]
            }
        default:
            break
        }
        var result: [UInt8] = []
        for part in String(scalar).decomposedStringWithCompatibilityMapping.unicodeScalars {
            if part.isASCII {
                result.append(part.value == 0x09 ? 0x20 : UInt8(part.value))
            } else if let special = special(part) {
                result += special
            } else {
                let properties = part.properties
                switch properties.generalCategory {
                case .spaceSeparator: result.append(0x20)
                case .format, .nonspacingMark, .enclosingMark, .spacingMark: break
                case .decimalNumber:
                    if let value = properties.numericValue { result.append(0x30 + UInt8(value)) }
                default:
                    if let latin = lookAlikes[part.value] {
                        result.append(latin.asciiValue!)
                    } else if properties.isAlphabetic {
                        result.append(properties.isUppercase ? 0x58 : 0x78)
                    } else {
                        result.append(0x7E)
                    }
                }
            }
        }
        return result
    }

    /// Signs read as another sign, and letters without a decomposition.
    static func special(_ scalar: Unicode.Scalar) -> [UInt8]? {
        switch scalar.value {
        case 0x0085, 0x2028, 0x2029: return [0x0A]
        case 0x00A0: return [0x20]
        case 0x2010...0x2015, 0x2043, 0x2212, 0xFE58, 0xFE63, 0xFF0D: return [0x2D]
        case 0x2018, 0x2019, 0x201B, 0x02BC, 0x2032, 0x00B4: return [0x27]
        case 0x00AB, 0x00BB, 0x201C, 0x201D, 0x201E, 0x2039, 0x203A: return [0x22]
        case 0x00B7, 0x2022, 0x2027, 0x2219, 0x30FB: return [0x2E]
        case 0x2044, 0x2215: return [0x2F]
        case 0x00B0: return [0x23]
        case 0x20AC: return Array("EUR".utf8)
        case 0x0153: return Array("oe".utf8)
        case 0x0152: return Array("OE".utf8)
        case 0x00E6: return Array("ae".utf8)
        case 0x00C6: return Array("AE".utf8)
        case 0x00DF: return Array("ss".utf8)
        case 0x00F8: return [0x6F]
        case 0x00D8: return [0x4F]
        case 0x0142: return [0x6C]
        case 0x0141: return [0x4C]
        case 0x0111: return [0x64]
        case 0x0110: return [0x44]
        default: return nil
        }
    }

    /// Cyrillic and Greek letters drawn like Latin ones.
    static let lookAlikes: [UInt32: Character] = [
        0x0430: "a", 0x0435: "e", 0x043E: "o", 0x0440: "p", 0x0441: "c", 0x0443: "y", 0x0445: "x", 0x0456: "i", 0x0458: "j",
        0x0455: "s", 0x0501: "d", 0x04CF: "l", 0x0410: "A", 0x0412: "B", 0x0415: "E", 0x041A: "K", 0x041C: "M", 0x041D: "H",
        0x041E: "O", 0x0420: "P", 0x0421: "C", 0x0422: "T", 0x0425: "X", 0x0406: "I", 0x0408: "J", 0x0405: "S",
        0x0391: "A", 0x0392: "B", 0x0395: "E", 0x0396: "Z", 0x0397: "H", 0x0399: "I", 0x039A: "K", 0x039C: "M", 0x039D: "N",
        0x039F: "O", 0x03A1: "P", 0x03A4: "T", 0x03A5: "Y", 0x03A7: "X", 0x03BF: "o",
    ]
}
