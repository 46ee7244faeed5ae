import Foundation

extension PersonalData {
    /// Six to eight digits, grouped or not; whether they are introduced as a
    /// CAF or MSA number is read in the words before (`introducesBenefitsNumber`).
    nonisolated(unsafe) static let benefitsNumberPattern = regex(
        #"(?<![A-Za-z0-9])(?<![0-9][ ./-])[0-9](?:[ ]?[0-9]){5,7}(?![A-Za-z0-9])(?![ ./-][0-9])"# + notAmount)
    nonisolated(unsafe) static let wordPattern = regex(#"n#|[A-Za-z]+|[0-9]+|[.!?;]"#)

    static func benefitsNumbers(_ folded: Folded) -> [NSRange] {
        let windows = folded.windows(around: folded.digitRuns(of: 6), before: 4, after: 16)
        return matches(benefitsNumberPattern, in: folded, windows: windows).filter { introducesBenefitsNumber(folded, before: $0.location) }
    }

    static let benefitsIntroWords = ["numero", "matricule", "identifiant", "reference", "dosier"]
    static let benefitsShortIntroWords: Set<String> = ["n#", "no", "num", "nr", "ref", "id", "numero"]
    static let benefitsLinkWords: Set<String> = ["de", "d", "du", "l", "la", "le", "des", "mon", "ma", "son", "sa", "votre", "notre"]
    static let benefitsAbbreviations: Set<String> = ["num", "no", "n", "ref", "alloc", "aloc", "id", "mat", "ident"]

    enum BenefitsWord { case identifier, scheme, allocataire, other }

    /// "numéro", typed "nuuméro", "numero", "nummero", "numro" …; "allocataire", typed "allocatare", "alocataire" …
    static func benefitsWord(_ raw: String) -> BenefitsWord {
        let word = collapsed(raw.lowercased())
        if benefitsShortIntroWords.contains(word) { return .identifier }
        if word == "caf" || word == "msa" { return .scheme }
        if word == "aloc" || word == "alocs" { return .allocataire }
        // Not "locataire", "colocataire": a tenant.
        if word.hasPrefix("a") && (word.count >= 8 && editDistance(word, "alocataire") <= 2 || editDistance(word, "alocataires") <= 1) {
            return .allocataire
        }
        if word.count >= 4 && benefitsIntroWords.contains(where: { editDistance(word, $0) <= ($0.count >= 9 ? 2 : 1) }) {
            return .identifier
        }
        return .other
    }

    /// Reads back from the number: at most four other words, then the words
    /// that introduce it, which must name the scheme (CAF, MSA, allocataire)
    /// and, for CAF or MSA, say it is a number ("n°", "matricule", "identifiant").
    static func introducesBenefitsNumber(_ folded: Folded, before location: Int) -> Bool {
        let start = max(0, location - 70)
        var window = folded[NSRange(location: start, length: location - start)]
        if let newline = window.lastIndex(of: "\n") { window = String(window[window.index(after: newline)...]) }
        let words = wordPattern.matches(in: window, range: NSRange(location: 0, length: window.utf16.count))
            .map { (window as NSString).substring(with: $0.range) }
        var others = 0
        var identifier = false, scheme = false, allocataire = false, plural = false, inIntroduction = false
        var index = words.count - 1
        while index >= 0 {
            let word = words[index]
            if word.first?.isNumber == true { break }
            if [".", "!", "?", ";"].contains(word) {
                // "num. alloc", "No. allocataire": an abbreviation, not the end of a sentence.
                if word == ".", index > 0, benefitsAbbreviations.contains(words[index - 1].lowercased()) { index -= 1; continue }
                break
            }
            switch benefitsWord(word) {
            case .identifier: identifier = true; inIntroduction = true
            case .scheme: scheme = true; inIntroduction = true
            case .allocataire:
                allocataire = true
                inIntroduction = true
                plural = plural || word.lowercased().hasSuffix("s")
            case .other:
                if inIntroduction {
                    if !benefitsLinkWords.contains(word.lowercased()) { index = -1; continue }
                } else {
                    others += 1
                    if others > 4 { index = -1; continue }
                }
            }
            index -= 1
        }
        // "allocataire 1234567" alone, but not "le nombre d'allocataires est passé à 123 456".
        // "CAF : 1234567", the scheme just before the number, counts too.
        return identifier && (scheme || allocataire) || allocataire && !plural && others <= 2 || scheme && others == 0
    }

    static func collapsed(_ word: String) -> String {
        var result = ""
        for character in word where character != result.last { result.append(character) }
        return result
    }

    /// Optimal string alignment distance: insertions, deletions, substitutions, swaps of neighbours.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if abs(a.count - b.count) > 2 { return 3 }
        var previous2 = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            current[0] = i
            for j in 1...max(b.count, 1) where !b.isEmpty {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { current[j] = min(current[j], previous2[j - 2] + 1) }
            }
            (previous2, previous, current) = (previous, current, previous2)
        }
        return a.isEmpty ? b.count : (b.isEmpty ? a.count : previous[b.count])
    }
}
