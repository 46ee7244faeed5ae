import Foundation

/// The kinds of personal data the council's texts must not publish
/// (design/security.md, "Personal data").
public enum PersonalDataKind: String, CaseIterable, Sendable, Codable {
    /// Numéro de sécurité sociale (NIR), its key checked.
    case socialSecurityNumber
    case phoneNumber
    case email
    /// IBAN, checked with mod 97.
    case iban
    /// Payment card number, checked with Luhn.
    case paymentCard
    /// CAF or MSA number, when introduced as such.
    case benefitsNumber
    case streetAddress
    /// A date of birth, when introduced as such.
    case birthDate

    /// The words a member reads: « Votre texte semble contenir … ».
    public var label: String {
        switch self {
        case .socialSecurityNumber: "un numéro de sécurité sociale"
        case .phoneNumber: "un numéro de téléphone"
        case .email: "une adresse e-mail"
        case .iban: "un numéro de compte bancaire (IBAN)"
        case .paymentCard: "un numéro de carte bancaire"
        case .benefitsNumber: "un numéro d'allocataire CAF ou MSA"
        case .streetAddress: "une adresse postale"
        case .birthDate: "une date de naissance"
        }
    }
}

/// One piece of personal data found in a text.
public struct PersonalDataHit: Equatable, Sendable {
    public let kind: PersonalDataKind
    public let range: Range<String.Index>

    public init(kind: PersonalDataKind, range: Range<String.Index>) {
        self.kind = kind
        self.range = range
    }
}

/// Finds personal data in French text. Pure: no server, no database.
///
/// Each detector finds candidates with a pattern, then checks what can be
/// checked (a NIR's key, an IBAN's mod 97, a card's Luhn digit), so that
/// amounts, years, article numbers and reference numbers are left alone.
/// Where two hits overlap, the more specific kind wins (a NIR is not also a
/// card number).
public enum PersonalData {
    /// Every hit, in the order of the text, without overlaps. The text should
    /// be `visible(_:)` first: a zero-width character inside a number would
    /// hide it from the patterns.
    public static func scan(_ text: String) -> [PersonalDataHit] {
        var hits: [PersonalDataHit] = []
        for detector in detectors {
            for range in detector.find(text) where !hits.contains(where: { $0.range.overlaps(range) }) {
                hits.append(PersonalDataHit(kind: detector.kind, range: range))
            }
        }
        return hits.sorted { $0.range.lowerBound < $1.range.lowerBound }
    }

    /// The text composed (NFC) and without invisible formatting characters
    /// (zero-width spaces and joiners, direction marks, soft hyphens): what
    /// is saved and screened, so that nothing can hide between two digits.
    public static func visible(_ text: String) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in text.precomposedStringWithCanonicalMapping.unicodeScalars
        where scalar.properties.generalCategory != .format {
            scalars.append(scalar)
        }
        return String(scalars)
    }

    /// The kinds found, once each, in the order of `PersonalDataKind`.
    public static func kinds(in text: String) -> [PersonalDataKind] {
        let found = Set(scan(text).map(\.kind))
        return PersonalDataKind.allCases.filter(found.contains)
    }

    // MARK: Detectors, most specific first

    struct Detector: Sendable {
        let kind: PersonalDataKind
        let find: @Sendable (String) -> [Range<String.Index>]
    }

    static let detectors: [Detector] = [
        Detector(kind: .email, find: { matches(emailPattern, in: $0) }),
        Detector(kind: .iban, find: ibans),
        Detector(kind: .socialSecurityNumber, find: socialSecurityNumbers),
        Detector(kind: .benefitsNumber, find: { matches(benefitsPattern, in: $0, group: 1) }),
        Detector(kind: .birthDate, find: { matches(birthDatePattern, in: $0, group: 1) }),
        Detector(kind: .paymentCard, find: { text in matches(cardPattern, in: text).filter { isPaymentCard(digits(in: String(text[$0]))) } }),
        Detector(kind: .phoneNumber, find: { text in matches(phonePattern, in: text).filter { hasEvenSeparators(String(text[$0])) } }),
        Detector(kind: .streetAddress, find: { text in matches(addressPattern, in: text).filter { isStreetAddress(String(text[$0])) } }),
    ]

    // MARK: Patterns

    /// Not glued to a letter or a digit on either side.
    private static let before = #"(?<![\p{L}\p{N}@._-])"#
    private static let after = #"(?![\p{L}\p{N}])"#
    /// Not followed by a currency: "12 000 euros" is an amount.
    private static let notAmount = #"(?!\s*(?:€|euros?\b|EUR\b))"#

    nonisolated(unsafe) static let emailPattern = regex(
        #"(?<![\p{L}\p{N}._%+-])[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}"# + after)

    nonisolated(unsafe) static let ibanPattern = regex(
        before + #"[A-Z]{2}[0-9]{2}(?:[ ]?[A-Z0-9]){11,30}"# + after, caseInsensitive: false)

    /// 1 or 2, year, month, department (2A and 2B for Corsica), commune,
    /// order, key: separators allowed anywhere between digits.
    nonisolated(unsafe) static let nirPattern = regex(
        before + #"[12](?:[ .-]?[0-9]){4}[ .-]?(?:[0-9][ .-]?[0-9]|2[ .-]?[AB])(?:[ .-]?[0-9]){6}[ .-]?[0-9][ .-]?[0-9]"# + after)

    /// Introduced as a social security number: 13 to 15 digits even without a valid key.
    nonisolated(unsafe) static let introducedNIRPattern = regex(
        #"(?:s[ée]curit[ée] sociale|s[ée]cu|\bNIR|n°\s*SS|num[ée]ro\s+SS)[^0-9\n]{0,25}([12](?:[ .-]?[0-9AB]){12,14})"# + after + notAmount)

    nonisolated(unsafe) static let benefitsPattern = regex(
        #"(?:num[ée]ro|n°|no\.?|num\.?|matricule|dossier|identifiant)\s*(?:d['’]\s*|de\s+)?(?:allocataire|caf|msa)(?:\s+(?:caf|msa))?"#
            + #"(?:\s*(?::|est|=|c['’]est))?\s*([0-9](?:[ ]?[0-9]){4,12})"# + after + notAmount)

    nonisolated(unsafe) static let birthDatePattern = regex(
        #"(?:\bn[ée]e?\s+le|\bdate\s+de\s+naissance\s*:?|\bDDN\s*:?|\bn[ée]e?\s+en\s+date\s+du)\s*"#
            + #"([0-3]?[0-9]\s*[/.-]\s*[01]?[0-9]\s*[/.-]\s*(?:19|20)?[0-9]{2}|[0-3]?[0-9](?:er)?\s+(?:janvier|f[ée]vrier|mars|avril|mai|juin|juillet|ao[uû]t|septembre|octobre|novembre|d[ée]cembre)\s+(?:19|20)[0-9]{2})"#
            + after)

    /// 15 or 16 digits, in groups or not.
    nonisolated(unsafe) static let cardPattern = regex(before + #"[0-9](?:[ -]?[0-9]){14,15}"# + after)

    /// 0X XX XX XX XX, +33 X XX XX XX XX, 0033 X…, with spaces, dots, dashes or nothing.
    nonisolated(unsafe) static let phonePattern = regex(
        before + #"(?:(?:\+|00)\s?33\s?(?:\(0\)\s?)?|0)[1-9](?:[ .-]?[0-9]{2}){4}"# + after)

    nonisolated(unsafe) static let addressPattern = regex(
        before + #"[0-9]{1,4}(?:\s?(?:bis|ter|quater|[a-d]))?,?\s+"#
            + #"(?:rue|avenue|av\.|boulevard|bd|bvd|chemin|all[ée]e|impasse|place|route|quai|cours|square|passage|r[ée]sidence|lotissement|cit[ée]|sentier|voie|faubourg|rond-point|hameau|lieu-dit|esplanade|promenade|parvis)"#
            + #"\s+(?:(?:de\s+la|de\s+l['’]|du|des|de|d['’]|la|le|les|l['’])\s*)?[\p{L}][\p{L}'’-]+(?:\s+[\p{Lu}][\p{L}'’-]+)*"#)

    /// Introduced as a bank account: an IBAN's shape is enough, even mistyped.
    nonisolated(unsafe) static let introducedIBANPattern = regex(
        #"(?:\bIBAN|\bRIB|\b[Cc]ompte(?:\s+bancaire)?)[^A-Za-z0-9\n]{0,15}([A-Z]{2}[0-9]{2}(?:[ ]?[A-Z0-9]){11,30})"# + after,
        caseInsensitive: false)

    // MARK: Checks

    /// "06 12 34 56 78", "06.12.34.56.78", "0612345678": the same separator
    /// between the pairs, or none; "01 02 2025 10 30" is a date and a time.
    static func hasEvenSeparators(_ candidate: String) -> Bool {
        let national = candidate.replacingOccurrences(of: #"^(?:\+|00)\s?33\s?(?:\(0\)\s?)?"#, with: "0",
                                                      options: .regularExpression)
        // What follows each pair of digits but the last: a separator or nothing.
        var separators: [String] = []
        var digits = 0
        var current = ""
        for character in national {
            if character.isNumber {
                if digits > 0 && digits % 2 == 0 { separators.append(current) }
                current = ""
                digits += 1
            } else {
                current.append(character)
            }
        }
        let used = Set(separators.filter { !$0.isEmpty })
        let present = separators.map { !$0.isEmpty }
        // All the same; or "0612 34 56 78", where only the first is left out.
        return used.count <= 1 && (present.allSatisfy { $0 } || present.allSatisfy { !$0 } || present == [false, true, true, true])
    }

    /// Street words that are also everyday words ("3 cours de français",
    /// "1 place en crèche", "la route de nuit") need a name with a capital.
    static let everydayStreetWords: Set<String> = ["cours", "place", "route", "voie", "passage", "square", "cité", "cite", "mail",
                                                   "résidence", "residence", "sentier", "parvis", "promenade", "esplanade"]
    static let linkWords: Set<String> = ["de", "la", "le", "les", "du", "des", "l", "d"]

    static func isStreetAddress(_ candidate: String) -> Bool {
        let words = candidate.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "'" || $0 == "’" }).map(String.init)
        guard let typeIndex = words.firstIndex(where: { word in
            word.first?.isLetter == true && !["bis", "ter", "quater", "a", "b", "c", "d"].contains(word.lowercased())
        }) else { return false }
        guard everydayStreetWords.contains(words[typeIndex].lowercased()) else { return true }
        let name = words[(typeIndex + 1)...].first { !linkWords.contains($0.lowercased()) }
        return name?.first?.isUppercase == true
    }

    static func ibans(_ text: String) -> [Range<String.Index>] {
        let checked = matches(ibanPattern, in: text).filter { isValidIBAN(String(text[$0])) }
        let introduced = matches(introducedIBANPattern, in: text, group: 1)
        return checked + introduced.filter { range in !checked.contains { $0.overlaps(range) } }
    }

    static func socialSecurityNumbers(_ text: String) -> [Range<String.Index>] {
        let keyed = matches(nirPattern, in: text).filter { isValidNIR(String(text[$0])) }
        // Introduced as such, a mistyped key still counts, but not any long number.
        let introduced = matches(introducedNIRPattern, in: text, group: 1).filter { range in
            let digits = String(text[range]).filter { $0.isNumber || $0 == "A" || $0 == "B" || $0 == "a" || $0 == "b" }
            let month = Int(digits.dropFirst(3).prefix(2)) ?? 0
            return (1...12).contains(month) || (20...42).contains(month) || (50...99).contains(month)
        }
        return keyed + introduced.filter { range in !keyed.contains { $0.overlaps(range) } }
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

    /// Letters become 10…35, the first four characters go last, the whole is 1 mod 97.
    public static func isValidIBAN(_ candidate: String) -> Bool {
        let compact = candidate.uppercased().filter { !$0.isWhitespace }
        guard (15...34).contains(compact.count), compact.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else { return false }
        let rearranged = compact.dropFirst(4) + compact.prefix(4)
        var remainder = 0
        for character in rearranged {
            let value = character.isNumber ? Int(String(character))! : Int(character.asciiValue! - 55)
            for digit in String(value) { remainder = (remainder * 10 + Int(String(digit))!) % 97 }
        }
        return remainder == 1
    }

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

    // MARK: Regular expressions

    static func regex(_ pattern: String, caseInsensitive: Bool = true) -> NSRegularExpression {
        // The patterns are constants of this file: a mistake is caught by the first test run.
        try! NSRegularExpression(pattern: pattern, options: caseInsensitive ? [.caseInsensitive] : [])
    }

    static func matches(_ regex: NSRegularExpression, in text: String, group: Int = 0) -> [Range<String.Index>] {
        let whole = text as NSString
        return regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap { match in
            let range = match.range(at: group)
            guard range.location != NSNotFound else { return nil }
            // A match that ends inside a character (a digit followed by a
            // combining mark) covers the whole character rather than none.
            return Range(whole.rangeOfComposedCharacterSequences(for: range), in: text)
        }
    }
}
