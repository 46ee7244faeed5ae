import Foundation

extension PersonalData {
    // MARK: Patterns (read on the folded text: ASCII, without accents, "°" read "#")

    /// Not glued to a letter or a digit on either side.
    static let before = #"(?<![A-Za-z0-9@._-])"#
    static let after = #"(?![A-Za-z0-9])"#
    /// Not followed by a currency: "12 000 euros" is an amount ("€" is read "EUR").
    static let notAmount = #"(?![ ]*(?:euros?\b|EUR\b))"#

    // MARK: Regular expressions

    static func regex(_ pattern: String, caseInsensitive: Bool = true) -> NSRegularExpression {
        // The patterns are constants of this module: a mistake is caught by the first test run.
        try! NSRegularExpression(pattern: pattern, options: caseInsensitive ? [.caseInsensitive] : [])
    }

    static func matches(_ regex: NSRegularExpression, in folded: Folded, group: Int = 0) -> [NSRange] {
        regex.matches(in: folded.text, range: folded.whole).compactMap { match in
            let range = match.range(at: group)
            return range.location == NSNotFound || range.length == 0 ? nil : range
        }
    }

    /// The matches found in each window, the range of `group` in the whole text.
    static func matches(_ regex: NSRegularExpression, in folded: Folded, windows: [NSRange], group: Int = 0) -> [NSRange] {
        textCheckingResults(regex, in: folded, windows: windows).compactMap { groups in
            groups[group].location == NSNotFound || groups[group].length == 0 ? nil : groups[group]
        }
    }

    /// Each match found in each window, as the ranges of its groups in the whole text.
    static func textCheckingResults(_ regex: NSRegularExpression, in folded: Folded, windows: [NSRange]) -> [[NSRange]] {
        var found: [[NSRange]] = []
        for window in windows {
            let text = folded[window]
            for match in regex.matches(in: text, range: NSRange(location: 0, length: window.length)) {
                found.append((0...regex.numberOfCaptureGroups).map { group in
                    let range = match.range(at: group)
                    return range.location == NSNotFound ? range : NSRange(location: range.location + window.location, length: range.length)
                })
            }
        }
        return found
    }

    /// The matches that `accept` keeps (it may shorten them), in each window.
    /// After a match it refuses, the search starts again one character
    /// further inside it, so that a piece of a longer run cannot hide a
    /// number that overlaps it.
    static func candidates(_ regex: NSRegularExpression, in folded: Folded, windows: [NSRange],
                           startingWith starts: (UInt8) -> Bool, accept: (NSRange) -> NSRange?) -> [NSRange] {
        var found: [NSRange] = []
        for window in windows {
            let text = folded[window]
            var resume = window.location
            for match in regex.matches(in: text, range: NSRange(location: 0, length: window.length)) {
                let range = NSRange(location: match.range.location + window.location, length: match.range.length)
                guard range.location >= resume else { continue }
                if let accepted = accept(range) {
                    found.append(accepted)
                    resume = NSMaxRange(accepted)
                    continue
                }
                // Matches starting after this one are found by the search of the whole window; one
                // starting inside it would start with one of `starts`, after a sign that is not a letter or digit.
                let inside = (range.location + 1)..<NSMaxRange(range)
                guard inside.contains(where: { starts(folded.units[$0]) && !isAlphanumeric(folded.units[$0 - 1]) }) else { continue }
                let localStart = max(window.location, range.location - 16)
                let localEnd = min(NSMaxRange(window), NSMaxRange(range) + 128)
                let local = folded[NSRange(location: localStart, length: localEnd - localStart)]
                var location = range.location + 1
                while location < NSMaxRange(range),
                      let retry = regex.firstMatch(in: local, options: [.withTransparentBounds],
                                                   range: NSRange(location: location - localStart, length: localEnd - location)) {
                    let retried = NSRange(location: retry.range.location + localStart, length: retry.range.length)
                    if retried.location >= NSMaxRange(range) { break }
                    if let accepted = accept(retried) {
                        found.append(accepted)
                        resume = NSMaxRange(accepted)
                        break
                    }
                    location = retried.location + 1
                }
            }
        }
        return found
    }

    static func isAlphanumeric(_ unit: UInt8) -> Bool {
        (0x30...0x39).contains(unit) || (0x61...0x7A).contains(unit | 0x20)
    }

    static func isDigit(_ unit: UInt8) -> Bool {
        (0x30...0x39).contains(unit)
    }

    static func overlaps(_ a: NSRange, _ b: NSRange) -> Bool {
        a.location < NSMaxRange(b) && b.location < NSMaxRange(a)
    }
}
