import Foundation

/// Text from a form, tidied: no control characters but line breaks,
/// spaces trimmed.
enum TextInput {
    /// Server-side limits for texts that have no limit of their own.
    enum Limit {
        /// A place, a name, one line.
        static let line = 200
        /// A web address.
        static let link = 500
        /// A reason (cancellation, refusal) or practical information.
        static let reason = 2_000
        /// A description (a session, an agenda point, a poll).
        static let description = 5_000
    }

    /// The French message for a text over its limit, or nil.
    static func tooLong(_ text: String, limit: Int, what: String) -> String? {
        text.count > limit
            ? "\(what) a \(number(text.count)) caractères : raccourcissez-le à \(number(limit)) au plus." : nil
    }

    /// A whole number the French way: "50 000" (no-break space between thousands).
    static func number(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var groups: [Substring] = []
        var end = digits.endIndex
        while end > digits.startIndex {
            let start = digits.index(end, offsetBy: -3, limitedBy: digits.startIndex) ?? digits.startIndex
            groups.insert(digits[start..<end], at: 0)
            end = start
        }
        return (value < 0 ? "-" : "") + groups.joined(separator: "\u{00A0}")
    }

    /// Member text as it is saved: composed (NFC), without control or
    /// invisible formatting characters (zero-width spaces and joiners,
    /// direction marks), which could also hide a phone number from the
    /// personal-data detectors.
    static func clean(_ text: String, multiline: Bool) -> String {
        let normalized = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
            .precomposedStringWithCanonicalMapping
        let kept = normalized.unicodeScalars.filter { scalar in
            if scalar == "\n" { return multiline }
            if scalar == "\t" { return true }
            return scalar.properties.generalCategory != .control && scalar.properties.generalCategory != .format
        }
        return String(String.UnicodeScalarView(kept)).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

extension Optional {
    func asyncFlatMap<T>(_ transform: (Wrapped) async throws -> T?) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
