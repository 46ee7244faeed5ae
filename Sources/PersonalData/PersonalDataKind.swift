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
