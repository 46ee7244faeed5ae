import Foundation

extension PersonalData {
    /// 1 or 2, year, month, department (2A and 2B for Corsica), commune,
    /// order, key: separators allowed anywhere between digits.
    nonisolated(unsafe) static let nirPattern = regex(
        before + #"(?<![0-9][ .-])[12](?:[ .-]?[0-9]){4}[ .-]?(?:[0-9][ .-]?[0-9]|2[ .-]?[AB])(?:[ .-]?[0-9]){6}[ .-]?[0-9][ .-]?[0-9]"#
            + after + #"(?![ .-][0-9])"#)

    /// Introduced as a social security number: 13 to 15 digits even without a valid key.
    nonisolated(unsafe) static let introducedNIRPattern = regex(
        #"(?:securite sociale?|secu\b|\bNIR|n#[ ]*SS\b|\bnumero[ ]+SS\b|carte[ ]+vitale|immatriculation)[^0-9\n]{0,25}([12](?:[ .-]?[0-9AB]){12,14})"#
            + after + notAmount)

    static func socialSecurityNumbers(_ folded: Folded) -> [NSRange] {
        let runs = folded.digitRuns(of: 13)
        guard !runs.isEmpty else { return [] }
        let keyed = candidates(nirPattern, in: folded, windows: folded.windows(around: runs, before: 16, after: 8),
                               startingWith: { $0 == 0x31 || $0 == 0x32 }) {
            isValidNIR(folded[$0]) ? $0 : nil
        }
        // Introduced as such, a mistyped key still counts, but not any long number.
        let introduced = matches(introducedNIRPattern, in: folded, windows: folded.windows(around: runs, before: 80, after: 8),
                                 group: 1).filter { range in
            let digits = folded[range].filter { $0.isNumber || $0 == "A" || $0 == "B" || $0 == "a" || $0 == "b" }
            let month = Int(digits.dropFirst(3).prefix(2)) ?? 0
            return (1...12).contains(month) || (20...42).contains(month) || (50...99).contains(month)
        }
        return keyed + introduced.filter { range in !keyed.contains { overlaps($0, range) } }
    }

    /// The key is 97 − (the 13 first characters mod 97), 2A and 2B read as 19 and 18.
    public static func isValidNIR(_ candidate: String) -> Bool {
        var compact = candidate.uppercased().filter { $0.isNumber || $0 == "A" || $0 == "B" }
        guard compact.count == 15 else { return false }
        let month = Int(compact.dropFirst(3).prefix(2)) ?? 0
        guard (1...12).contains(month) || (20...42).contains(month) || (50...99).contains(month) else { return false }
        let department = compact.dropFirst(5).prefix(2)
        if department == "2A" || department == "2B" {
            let start = compact.index(compact.startIndex, offsetBy: 5)
            compact.replaceSubrange(start..<compact.index(start, offsetBy: 2), with: department == "2A" ? "19" : "18")
        }
        guard compact.allSatisfy(\.isNumber), let number = Int64(compact.prefix(13)), let key = Int64(compact.suffix(2))
        else { return false }
        return key == 97 - number % 97
    }
}
