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
/// The text is read folded (`Folded`): compatibility forms decomposed
/// (NFKD, so full-width and other look-alike digits and "＠" become ASCII),
/// accents left out, every space a plain space, every dash a hyphen. Each
/// hit's range still points into the text as it was given, so that it can
/// be shown or replaced.
///
/// Each detector finds candidates with a pattern, then checks what can be
/// checked (a NIR's key, an IBAN's mod 97, a card's Luhn digit, a phone
/// number's grouping), so that amounts, years, article numbers and reference
/// numbers are left alone. Where two hits overlap, the more specific kind
/// wins (a NIR is not also a card number).
public enum PersonalData {
    /// Every hit, in the order of the text, without overlaps. The text should
    /// be `visible(_:)` first; invisible formatting characters are skipped
    /// anyway while reading.
    public static func scan(_ text: String) -> [PersonalDataHit] {
        let folded = Folded(text)
        var found: [(kind: PersonalDataKind, range: NSRange)] = []
        for detector in detectors {
            for range in detector.find(folded) where !found.contains(where: { overlaps($0.range, range) }) {
                found.append((detector.kind, range))
            }
        }
        var hits: [PersonalDataHit] = []
        for (kind, range) in found {
            // Two pieces of one character (a ligature) could map onto the same original range.
            guard let original = folded.original(range), !hits.contains(where: { $0.range.overlaps(original) })
            else { continue }
            hits.append(PersonalDataHit(kind: kind, range: original))
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
        let find: @Sendable (Folded) -> [NSRange]
    }

    static let detectors: [Detector] = [
        Detector(kind: .email, find: emails),
        Detector(kind: .iban, find: ibans),
        Detector(kind: .socialSecurityNumber, find: socialSecurityNumbers),
        Detector(kind: .benefitsNumber, find: benefitsNumbers),
        Detector(kind: .birthDate, find: birthDates),
        Detector(kind: .paymentCard, find: { folded in
            candidates(cardPattern, in: folded, windows: folded.windows(around: folded.digitRuns(of: 15), before: 16, after: 8),
                       startingWith: isDigit) { isPaymentCard(digits(in: folded[$0])) ? $0 : nil }
        }),
        Detector(kind: .phoneNumber, find: phoneNumbers),
        Detector(kind: .streetAddress, find: streetAddresses),
    ]

    // MARK: Patterns (read on the folded text: ASCII, without accents, "°" read "#")

    /// Not glued to a letter or a digit on either side.
    private static let before = #"(?<![A-Za-z0-9@._-])"#
    private static let after = #"(?![A-Za-z0-9])"#
    /// Not followed by a currency: "12 000 euros" is an amount ("€" is read "EUR").
    private static let notAmount = #"(?![ ]*(?:euros?\b|EUR\b))"#

    // E-mail: "marie.d@orange.fr", and written to dodge robots: "marie . d @ orange . fr",
    // "marie.d arobase orange point fr", "marie.d(at)orange.fr".
    private static let emailAt = #"(?:[ ]?@[ ]?|[ ]?[(\[{<][ ]?(?:at|a|@|arr?obas(?:e|ce)?)[ ]?[)\]}>][ ]?|[ ](?:at|arr?obas(?:e|ce)?)[ ])"#
    private static let emailDot = #"(?:\.|[ ]\.[ ]|[ ]?[(\[][ ]?(?:point|dot)[ ]?[)\]][ ]?|[ ](?:point|dot)[ ])"#
    private static let emailWord = #"[A-Za-z0-9_%+-]++"#
    private static let topLevelDomains = #"(?:fr|com|net|org|eu|be|ch|lu|ca|re|de|es|it|info|biz|io|me|gouv|co|uk)"#
    nonisolated(unsafe) static let emailPattern = regex(
        #"(?<![A-Za-z0-9._%+-])"# + emailWord + "(?:" + emailDot + emailWord + ")*+" + emailAt
            + #"[A-Za-z0-9-]++(?:"# + emailDot + #"[A-Za-z0-9-]++)*?"#
            + #"(?:(?:\.|[ ]\.[ ])[A-Za-z]{2,}|"# + emailDot + topLevelDomains + ")" + after)

    /// Two letters, two check digits, 11 to 30 letters or digits; the end is
    /// found by the check, which tries the groups from the longest.
    nonisolated(unsafe) static let ibanPattern = regex(before + #"[A-Z]{2}[0-9]{2}(?:[ -]?[A-Z0-9]){11,30}"#)

    /// Introduced as a bank account: an IBAN's shape is enough, even mistyped.
    nonisolated(unsafe) static let introducedIBANPattern = regex(
        #"(?:\b(?i:iban|rib)|\b(?i:compte)(?:\s+(?i:bancaire))?)[^A-Za-z0-9\n]{0,15}([A-Z]{2}[0-9]{2}(?:[ -]?[A-Z0-9]){11,30})"# + after,
        caseInsensitive: false)

    /// Said to be an example: "par exemple", "exemple d'IBAN", "ex. :", "fictif", "modèle", "comme … dans la notice".
    nonisolated(unsafe) static let examplePattern = regex(
        #"\b(?:exemples?|ex[ ]?[.:]|e\.g\.|ficti(?:f|ve)s?|factices?|modeles?|specimens?|notice|bidon)(?![A-Za-z])"#)
    nonisolated(unsafe) static let firstPersonPattern = regex(#"\b(?:mon|ma|mes|notre|nos)\b"#)
    nonisolated(unsafe) static let exPossessivePattern = regex(#"\b(?:mon|ma|son|sa|ton|ta|notre|votre|leur|l')[ ]*$"#)

    /// 1 or 2, year, month, department (2A and 2B for Corsica), commune,
    /// order, key: separators allowed anywhere between digits.
    nonisolated(unsafe) static let nirPattern = regex(
        before + #"(?<![0-9][ .-])[12](?:[ .-]?[0-9]){4}[ .-]?(?:[0-9][ .-]?[0-9]|2[ .-]?[AB])(?:[ .-]?[0-9]){6}[ .-]?[0-9][ .-]?[0-9]"#
            + after + #"(?![ .-][0-9])"#)

    /// Introduced as a social security number: 13 to 15 digits even without a valid key.
    nonisolated(unsafe) static let introducedNIRPattern = regex(
        #"(?:securite sociale?|secu\b|\bNIR|n#[ ]*SS\b|\bnumero[ ]+SS\b|carte[ ]+vitale|immatriculation)[^0-9\n]{0,25}([12](?:[ .-]?[0-9AB]){12,14})"#
            + after + notAmount)

    /// Six to eight digits, grouped or not; whether they are introduced as a
    /// CAF or MSA number is read in the words before (`introducesBenefitsNumber`).
    nonisolated(unsafe) static let benefitsNumberPattern = regex(
        #"(?<![A-Za-z0-9])(?<![0-9][ ./-])[0-9](?:[ ]?[0-9]){5,7}(?![A-Za-z0-9])(?![ ./-][0-9])"# + notAmount)
    nonisolated(unsafe) static let wordPattern = regex(#"n#|[A-Za-z]+|[0-9]+|[.!?;]"#)

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

    /// 15 or 16 digits, in groups or not.
    nonisolated(unsafe) static let cardPattern = regex(
        before + #"(?<![0-9][ .-])[0-9](?:[ .-]?[0-9]){14,15}"# + after + #"(?![ .-][0-9])"#)

    /// A separator between two digits: a space or two, or a dot, dash or slash with spaces around or not.
    private static let phoneSeparator = #"(?:[ ]{0,2}[./-][ ]{0,2}|[ ]{1,2})?"#
    private static let internationalPrefix = #"\(?(?:\+|00)[ ]?33[ ]?\)?[ ]?(?:\([ ]?0[ ]?\)[ ]?)?(?:0[ ]?)?"#
    /// 0X XX XX XX XX, +33 X…, 0033 X…, +33 (0)X…, in any grouping; O for 0 and l or I for 1 allowed.
    nonisolated(unsafe) static let phonePattern = regex(
        #"(?<![A-Za-z0-9@._/-])(?:"# + internationalPrefix + "|[0O]" + phoneSeparator + ")[1-9](?:" + phoneSeparator + "[0-9OIl]){8}"
            + #"(?![A-Za-z0-9])(?![./-][0-9])"#)
    nonisolated(unsafe) static let internationalPrefixPattern = regex("^" + internationalPrefix)
    nonisolated(unsafe) static let streetNumberPattern = regex(
        #"^[ ,]*[0-9]{1,4}(?:[ ]?(?:bis|ter|[a-d]))?,?[ ]+(?:de[ ]+la[ ]+|du[ ]+)?"# + streetTypes + "(?![A-Za-z])")

    /// Street words and their abbreviations, by first letter (quicker to try).
    private static let streetTypes = #"(?:r(?:ue|oute|\.|esidence|es\.|te|ond-point|uelle)|a(?:venue|v\.?|llee|ll\.)|b(?:oulevard|d|ld|lvd|vd|oul\.)"#
        + #"|c(?:hemin|h\.|hem\.?|ours|ite)|i(?:mpasse|mp\.)|p(?:lace|l\.|assage|romenade|arvis)|q(?:uai)|s(?:quare|entier)|v(?:oie|enelle)"#
        + #"|f(?:aubourg|bg)|l(?:otissement|ot\.|ieu[ -]?dit)|h(?:ameau)|e(?:splanade))"#
    /// Code postal: a department (01 to 98) and three digits.
    private static let postalCode = #"(?<![0-9])(?:0[1-9]|[1-8][0-9]|9[0-8])[0-9]{3}(?![0-9])"#
    private static let town = #"[A-Za-z][A-Za-z'-]*(?:[ -](?:sur|sous|en|les|le|la|de|du|des|d'|l')[ -][A-Za-z][A-Za-z'-]*)?"#

    /// 12 rue des Lilas, 3 bis avenue Jean Jaurès, au 12 de la rue Pasteur, 4 r. Pasteur 62300 Lens.
    /// Case matters only for the capitals of the name ("rue des Lilas Et …" is not read on).
    nonisolated(unsafe) static let addressPattern = regex(
        before + #"[0-9]{1,4}(?=,?[ ]*[A-Za-z])(?:[ ]?(?i:bis|ter|quater|[a-d]))?,?[ ]+(?i:de[ ]+la[ ]+|de[ ]+l'[ ]*|du[ ]+)?(?i:"# + streetTypes + ")"
            + #"[ ]+(?:(?i:de[ ]+la|de[ ]+l'|du|des|de|d'|la|le|les|l')[ ]*)?[A-Za-z][A-Za-z'-]+(?:[ ]+[A-Z][A-Za-z'-]+)*"#
            + #"(?:[ ]?,?[ ]+"# + postalCode + "[ ]+" + town + ")?",
        caseInsensitive: false)

    /// Addresses without a number, with a postal code and a town: "lieu-dit Les Granges 24560 Issigeac",
    /// "chemin des Vignes 84000 Avignon", "Le Bourg, 46330 Cabrerets". Groups: the word, its name, the town.
    nonisolated(unsafe) static let ruralAddressPattern = regex(
        #"(?<![A-Za-z0-9])(lieu[ -]?dit|l\.d\.|hameau|le[ ]bourg|bourg|chemin|route|impasse|allee|rue|avenue|boulevard|residence|lotissement|domaine|ferme|moulin|mas|chateau)(?![A-Za-z])"#
            + #"((?:[ ,]+[A-Za-z0-9][A-Za-z0-9'.-]*){0,6}?)[ ]*,?[ ]+"# + postalCode + "[ ]+(" + town + ")")
    /// "La Croix 24560 Issigeac", "Les Chaumes, 23200 Aubusson", "Chez Brunet 16220 Montbron": capitals required.
    /// Groups: the whole name, its first word, the town.
    nonisolated(unsafe) static let placeNameAddressPattern = regex(
        #"(?<![A-Za-z0-9])((?:La|Le|Les|L'|Chez)[ ]?([A-Z][a-z][A-Za-z'-]*)(?:[ ](?:(?:de|du|des|la|le|d'|l')[ ]?)?[A-Z][A-Za-z'-]*){0,2})[ ]?,?[ ]+"#
            + postalCode + #"[ ]+((?:(?:La|Le|Les|L')[ ]?)?[A-Z][A-Za-z'-]+)"#,
        caseInsensitive: false)

    // MARK: Finders

    /// The patterns for numbers run only around the runs of digits long
    /// enough, and the e-mail pattern around an "@" or its name: most texts
    /// have few, and the app screens every text sent.
    static func emails(_ folded: Folded) -> [NSRange] {
        matches(emailPattern, in: folded, windows: folded.windows(around: folded.emailHints, before: 100, after: 100))
    }

    static func ibans(_ folded: Folded) -> [NSRange] {
        let windows = folded.windows(around: folded.ibanStarts, before: 40, after: 100)
        guard !windows.isEmpty else { return [] }
        let checked = candidates(ibanPattern, in: folded, windows: windows, startingWith: { (0x61...0x7A).contains($0 | 0x20) }) {
            longestValidIBAN($0, in: folded)
        }
        let introduced = matches(introducedIBANPattern, in: folded, windows: windows, group: 1)
        let all = checked + introduced.filter { range in !checked.contains { overlaps($0, range) } }
        return all.filter { !isCalledAnExample($0, in: folded) }
    }

    /// The longest run of whole groups, from the start, that passes mod 97:
    /// "FR76 3000 … 189 s'il vous plaît" is read without " s".
    static func longestValidIBAN(_ range: NSRange, in folded: Folded) -> NSRange? {
        var ends: [Int] = [NSMaxRange(range)]
        for position in stride(from: NSMaxRange(range) - 1, to: range.location + 15, by: -1)
        where folded.units[position] == 0x20 || folded.units[position] == 0x2D {
            ends.append(position)
        }
        for end in ends {
            if end < folded.count && isAlphanumeric(folded.units[end]) { continue }
            let candidate = NSRange(location: range.location, length: end - range.location)
            if isValidIBAN(folded[candidate].replacingOccurrences(of: "-", with: "")) { return candidate }
        }
        return nil
    }

    /// The sentence around says it is an example, and does not say "mon", "ma"…
    static func isCalledAnExample(_ range: NSRange, in folded: Folded) -> Bool {
        let sentence = folded.sentence(around: range, reach: 90)
        let text = folded[sentence]
        guard let example = examplePattern.firstMatch(in: text, range: NSRange(location: 0, length: text.utf16.count))
        else { return false }
        // "le RIB de mon ex : FR76…" is not an example.
        let word = (text as NSString).substring(with: example.range).lowercased()
        if word.hasPrefix("ex") && !word.hasPrefix("exemple") {
            let head = (text as NSString).substring(to: example.range.location)
            if exPossessivePattern.firstMatch(in: head, range: NSRange(location: 0, length: head.utf16.count)) != nil { return false }
        }
        return firstPersonPattern.firstMatch(in: text, range: NSRange(location: 0, length: text.utf16.count)) == nil
    }

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

    static func benefitsNumbers(_ folded: Folded) -> [NSRange] {
        let windows = folded.windows(around: folded.digitRuns(of: 6), before: 4, after: 16)
        return matches(benefitsNumberPattern, in: folded, windows: windows).filter { introducesBenefitsNumber(folded, before: $0.location) }
    }

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

    static func phoneNumbers(_ folded: Folded) -> [NSRange] {
        candidates(phonePattern, in: folded, windows: folded.windows(around: folded.digitRuns(of: 8), before: 24, after: 12),
                   startingWith: { [0x30, 0x4F, 0x6F, 0x2B, 0x28].contains($0) }) { range in
            isPhoneNumber(folded[range], precededBy: folded.preceding(range, count: 6), followedBy: folded.following(range, count: 40))
                ? range : nil
        }
    }

    static func streetAddresses(_ folded: Folded) -> [NSRange] {
        var found = matches(addressPattern, in: folded).filter { isStreetAddress(folded[$0]) }
        let windows = folded.windows(around: folded.postalCodes, before: 100, after: 40)
        for match in textCheckingResults(ruralAddressPattern, in: folded, windows: windows)
        where isRuralAddress(word: folded[match[1]], name: folded[match[2]], town: folded[match[3]]) {
            if !found.contains(where: { overlaps($0, match[0]) }) { found.append(match[0]) }
        }
        // "La Rochelle, 17000 La Rochelle" is a town, not a place in it.
        for match in textCheckingResults(placeNameAddressPattern, in: folded, windows: windows)
        where !institutionNames.contains(folded[match[2]].lowercased()) && !isTownItself(folded[match[1]], town: folded[match[3]]) {
            if !found.contains(where: { overlaps($0, match[0]) }) { found.append(match[0]) }
        }
        return found
    }

    // MARK: Checks

    /// Whether a candidate phone number is one: ten digits starting 0[1-9]
    /// once "+33" is read as 0; not a free number (0800 to 0805); written
    /// with one separator throughout (one slip allowed), in groups of at
    /// most four digits (or in one or two blocks); not a date and a time
    /// ("01 02 2025 10 30"); not one piece of a longer run in the same rhythm.
    static func isPhoneNumber(_ candidate: String, precededBy previous: String = "", followedBy next: String = "") -> Bool {
        // Letters for digits, but most of them digits.
        guard candidate.utf8.filter(isDigit).count >= 8 else { return false }
        var units = candidate.utf8.map { $0 == 0x4F || $0 == 0x6F ? 0x30 : $0 == 0x49 || $0 == 0x6C ? 0x31 : $0 }
        if units.first != 0x30 || units.count > 1 && units[1] == 0x30,
           let prefix = internationalPrefixPattern.firstMatch(in: candidate, range: NSRange(location: 0, length: units.count)) {
            units = [0x30] + units[prefix.range.length...]
        }
        let digits = units.filter(isDigit)
        guard digits.count == 10, digits[0] == 0x30, digits[1] != 0x30 else { return false }
        // 0800 to 0805: free numbers, published to be called.
        if digits[1] == 0x38 && digits[2] == 0x30 && digits[3] <= 0x35 { return false }

        // Each group of digits, and the sign between two groups (a space if only spaces).
        var groups: [ArraySlice<UInt8>] = []
        var separators: [UInt8] = []
        var index = 0
        while index < units.count {
            var sign: UInt8? = nil
            while index < units.count && !isDigit(units[index]) {
                if units[index] != 0x20 { sign = units[index] } else if sign == nil { sign = 0x20 }
                index += 1
            }
            if !groups.isEmpty, let sign { separators.append(sign) }
            let start = index
            while index < units.count && isDigit(units[index]) { index += 1 }
            if index > start { groups.append(units[start..<index]) }
        }
        var counts: [UInt8: Int] = [:]
        for separator in separators { counts[separator, default: 0] += 1 }
        let main = counts.max { $0.value < $1.value || $0.value == $1.value && $0.key < $1.key }
        // One separator throughout, one slip allowed ("07 81.22.33.45").
        if let main, separators.count - main.value > 1 { return false }
        if groups.count > 2 && groups.contains(where: { $0.count > 4 }) { return false }
        // "01 02 2025 10 30": a date and a time.
        for index in groups.indices.dropFirst(2) where groups[index].count == 4 && groups[index - 1].count <= 2 && groups[index - 2].count <= 2 {
            let year = Array(groups[index].prefix(2))
            if year == [0x31, 0x39] || year == [0x32, 0x30] { return false }
        }
        // "01 02 03 04 05 06", "01 02 2025 10 30": a piece of a longer run in the same rhythm.
        if let main = main?.key, groups.count > 1 {
            var after = Array(next.utf8)[...]
            if main != 0x20 { after = after.drop { $0 == 0x20 } }
            if after.first == main, let digit = after.dropFirst().first(where: { $0 != 0x20 }), isDigit(digit),
               // "06 12 34 56 78 12 rue des Lilas": a number, then an address.
               streetNumberPattern.firstMatch(in: next, range: NSRange(location: 0, length: next.utf16.count)) == nil {
                return false
            }
            var before = Array(previous.utf8.reversed())[...]
            if main != 0x20 { before = before.drop { $0 == 0x20 } }
            if before.first == main, let digit = before.dropFirst().first(where: { $0 != 0x20 }), isDigit(digit) { return false }
        }
        return true
    }

    /// Street words that are also everyday words ("3 cours de français",
    /// "1 place en crèche", "la route de nuit") need a name with a capital.
    static let everydayStreetWords: Set<String> = ["cours", "place", "pl.", "route", "rte", "voie", "passage", "square", "cite", "mail",
                                                   "residence", "sentier", "parvis", "promenade", "esplanade"]
    static let linkWords: Set<String> = ["de", "la", "le", "les", "du", "des", "l", "d"]

    static func isStreetAddress(_ candidate: String) -> Bool {
        let words = candidate.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "'" }).map(String.init)
        guard let typeIndex = words.firstIndex(where: { word in
            word.first?.isLetter == true && !["bis", "ter", "quater", "a", "b", "c", "d"].contains(word.lowercased())
                && !linkWords.contains(word.lowercased())
        }) else { return false }
        guard everydayStreetWords.contains(words[typeIndex].lowercased()) else { return true }
        let name = words[(typeIndex + 1)...].first { !linkWords.contains($0.lowercased()) }
        return name?.first?.isUppercase == true
    }

    static let strongRuralWords: Set<String> = ["lieu-dit", "lieu dit", "lieudit", "l.d.", "hameau", "le bourg", "bourg"]
    static let notTowns: Set<String> = ["et", "ou", "en", "a", "au", "de", "du", "des", "le", "la", "les", "habitants", "personnes",
                                        "euros", "euro", "ans", "est", "sont", "pour", "par", "sur", "dans", "avec"]
    static let institutionNames: Set<String> = ["poste", "mairie", "prefecture", "sous-prefecture", "gare", "maison",
                                                "banque", "caisse", "mission", "region", "croix-rouge"]

    /// "chemin des Vignes 84000 Avignon", not "la route entre 24560 Issigeac et …".
    static func isRuralAddress(word: String, name: String, town: String) -> Bool {
        let words = name.split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init)
        let strong = strongRuralWords.contains(word.lowercased())
        if let first = words.first {
            let head = first.lowercased()
            let linked = linkWords.contains(head) || head.hasPrefix("d'") || head.hasPrefix("l'")
            guard linked || first.first?.isUppercase == true || (strong && first.first?.isLetter == true) else { return false }
        } else if !strong {
            return false
        }
        guard let initial = town.first, !notTowns.contains(town.lowercased()) else { return false }
        return initial.isUppercase || strong
    }

    static func isTownItself(_ name: String, town: String) -> Bool {
        let name = name.lowercased().filter { $0 != " " }, town = town.lowercased().filter { $0 != " " }
        return town.hasPrefix(name) || name.hasPrefix(town)
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

private extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
