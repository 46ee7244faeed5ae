import Foundation

extension PersonalData {
    /// 15 or 16 digits, in groups or not.
    nonisolated(unsafe) static let cardPattern = regex(
        before + #"(?<![0-9][ .-])[0-9](?:[ .-]?[0-9]){14,15}"# + after + #"(?![ .-][0-9])"#)

    /// The cards used in France: Visa and Mastercard (16 digits, CB included)
    /// and American Express (15), with a valid Luhn digit. Other numbers of
    /// that length that pass Luhn (SIRET has 14) are left alone.
    public static func isPaymentCard(_ digits: [Int]) -> Bool {
        let prefix2 = digits.prefix(2).reduce(0) { $0 * 10 + $1 }
        let prefix4 = digits.prefix(4).reduce(0) { $0 * 10 + $1 }
        let brand = switch digits.count {
        case 16: digits.first == 4 || (51...55).contains(prefix2) || (2221...2720).contains(prefix4)
        case 15: prefix2 == 34 || prefix2 == 37
        default: false
        }
        return brand && passesLuhn(digits)
    }

    public static func passesLuhn(_ digits: [Int]) -> Bool {
        guard (13...19).contains(digits.count) else { return false }
        var sum = 0
        for (index, digit) in digits.reversed().enumerated() {
            let value = index % 2 == 1 ? digit * 2 : digit
            sum += value > 9 ? value - 9 : value
        }
        return sum % 10 == 0
    }

    static func digits(in text: String) -> [Int] {
        text.compactMap { $0.wholeNumberValue }
    }
}
