import Foundation

extension PersonalData {
    private static let months = #"(?:janv(?:ier)?|fevr?(?:ier)?|mars|avr(?:il)?|mai|juin|juil(?:let)?|aout|sept(?:embre)?|oct(?:obre)?|nov(?:embre)?|dec(?:embre)?)\.?"#
    /// "né le", "née à Lille le", "né(e) le", "date de naissance", "DDN",
    /// "naissance :", then the date, with or without a colon or a parenthesis.
    nonisolated(unsafe) static let birthDatePattern = regex(
        #"(?:\bne{1,2}s?(?:[ ]?\(e\))?(?:[ ]+(?:a|au|aux|en|dans)[ ]+[^0-9\n.,;:!?()]{1,30}?)?[ ]+le\b"#
            + #"|\bne{1,2}s?(?:[ ]?\(e\))?[ ]+en(?=[ ]+(?:"# + months + #"|[01]?[0-9][ ]*/))"#
            + #"|\bne{1,2}s?[ ]+en[ ]+date[ ]+du"#
            + #"|\bd(?:a)?te[ ]+(?:de[ ]+)?naiss(?:ance|\.)?|\bD[ ]?\.?[ ]?D[ ]?\.?[ ]?N\b\.?|\bnaissance\b)"#
            + #"[ ]*[:=]?[ ]*(?:le[ ]+)?\(?[ ]*"#
            + #"((?:[0-3]?[0-9]|1er)[ ]*[/.-][ ]*[01]?[0-9][ ]*[/.-][ ]*(?:19|20)?[0-9]{2}"#
            + #"|[0-3]?[0-9][ ][01]?[0-9][ ](?:19|20)?[0-9]{2}"#
            + #"|(?:[0-3]?[0-9]|1er)[ ]+"# + months + #"[ ]+(?:19|20)?[0-9]{2}"#
            + #"|(?:19|20)[0-9]{2}[ ]*[/.-][ ]*[01]?[0-9][ ]*[/.-][ ]*[0-3]?[0-9]"#
            + "|" + months + #"[ ]+(?:19|20)[0-9]{2}"#
            + #"|[01]?[0-9][ ]*/[ ]*(?:19|20)[0-9]{2})"#
            + after)
    /// "Le RSA est né le 1er décembre 2008": a law or a scheme is born, not a person.
    nonisolated(unsafe) static let institutionSubjectPattern = regex(
        #"\b(?:le|la|l'|ce|cette)[ ]?(?:loi|rsa|rmi|dispositif|projet|association|collectif|conseil|reforme|decret|programme|plan|fonds|service)\b[^.!?\n]{0,25}$"#)

    static func birthDates(_ folded: Folded) -> [NSRange] {
        var found: [NSRange] = []
        for match in birthDatePattern.matches(in: folded.text, range: folded.whole) {
            let date = match.range(at: 1)
            guard date.location != NSNotFound, isPlausibleDate(folded[date]) else { continue }
            let head = folded[NSRange(location: max(0, match.range.location - 60),
                                      length: match.range.location - max(0, match.range.location - 60))]
            if institutionSubjectPattern.firstMatch(in: head, range: NSRange(location: 0, length: head.utf16.count)) != nil {
                continue
            }
            found.append(date)
        }
        return found
    }

    /// Day 1 to 31 and month 1 to 12 where they are numbers.
    static func isPlausibleDate(_ date: String) -> Bool {
        let numbers = date.split(whereSeparator: { !$0.isASCIIDigit }).compactMap { Int($0) }
        if date.range(of: #"^\s*\d{4}"#, options: .regularExpression) != nil {
            return numbers.count == 3 && (1...12).contains(numbers[1]) && (1...31).contains(numbers[2])
        }
        switch numbers.count {
        case 3: return (1...31).contains(numbers[0]) && (1...12).contains(numbers[1])
        case 2 where date.contains("/"): return (1...12).contains(numbers[0])
        default: return true
        }
    }
}

private extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
