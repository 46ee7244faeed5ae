import Foundation

/// Text from a form, tidied: no control characters but line breaks,
/// spaces trimmed.
enum TextInput {
    static func clean(_ text: String, multiline: Bool) -> String {
        let normalized = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        let kept = normalized.unicodeScalars.filter { scalar in
            if scalar == "\n" { return multiline }
            if scalar == "\t" { return true }
            return scalar.properties.generalCategory != .control
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
