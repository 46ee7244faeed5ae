import Fluent
import Foundation

/// Activation codes: 16 characters in four groups, from an alphabet without
/// characters that look alike (no 0/O, 1/I/L), read aloud easily.
enum ActivationCode {
    /// 31 symbols: digits 2–9 and letters without I, L, O.
    static let alphabet = Array("23456789ABCDEFGHJKMNPQRSTUVWXYZ")
    static let length = 16
    static let groupLength = 4

    /// log2(31) × 16 ≈ 79 bits from the system's CSPRNG; the first group is
    /// stored in clear to find the card, so ≈ 59 bits stay behind Bcrypt.
    static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        return String((0..<length).map { _ in alphabet.randomElement(using: &generator)! })
    }

    static func entropyBits() -> Double {
        Double(length) * log2(Double(alphabet.count))
    }

    /// "K7QF2M9XABCDEFGH" → "K7QF-2M9X-ABCD-EFGH" (for print; dashes read well aloud).
    static func grouped(_ code: String) -> String {
        stride(from: 0, to: code.count, by: groupLength).map { start in
            let from = code.index(code.startIndex, offsetBy: start)
            let to = code.index(from, offsetBy: min(groupLength, code.count - start))
            return String(code[from..<to])
        }.joined(separator: " ")
    }

    /// What a person typed, as a code: spaces, dashes and lower case accepted.
    /// Nil when it cannot be a code.
    static func normalize(_ typed: String) -> String? {
        let cleaned = typed.uppercased().filter { !$0.isWhitespace && $0 != "-" && $0 != "." && $0 != "_" }
        guard cleaned.count == length, cleaned.allSatisfy({ alphabet.contains($0) }) else { return nil }
        return cleaned
    }

    static func lookup(of code: String) -> String {
        String(code.prefix(groupLength))
    }
}
