import Foundation

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
}
