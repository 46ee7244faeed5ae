import Foundation
import Testing
@testable import PorteVoix

@Suite("Pseudonyms and activation codes")
struct AccountsUnitTests {
    @Test func pseudonymsDifferingOnlyByCaseOrAccentsAreTheSame() throws {
        let keys = try ["Marie", "marie", "Marié", "  MARIÉ ", "Ｍａｒｉｅ"].map { try Pseudonym($0).key }
        #expect(Set(keys).count == 1)
        #expect(try Pseudonym("  Jean   Pierre ").display == "Jean Pierre")
    }

    @Test func pseudonymRules() {
        #expect(throws: Pseudonym.Problem.tooShort) { try Pseudonym(" a ") }
        #expect(throws: Pseudonym.Problem.tooLong) { try Pseudonym(String(repeating: "x", count: 41)) }
        #expect(throws: Pseudonym.Problem.controlCharacters) { try Pseudonym("Marie\u{0}") }
        #expect(throws: Pseudonym.Problem.reserved) { try Pseudonym("Ancien Membre") }
        #expect(throws: Never.self) { try Pseudonym(String(repeating: "é", count: 40)) }
    }

    @Test func codesHaveEnoughEntropyAndNoLookAlikes() {
        #expect(ActivationCode.entropyBits() >= 60)
        for forbidden in "01OIL" {
            #expect(!ActivationCode.alphabet.contains(forbidden))
        }
        let codes = (0..<200).map { _ in ActivationCode.make() }
        #expect(Set(codes).count == 200)
        #expect(codes.allSatisfy { $0.count == 16 && $0.allSatisfy(ActivationCode.alphabet.contains) })
    }

    @Test func codesAreReadForgivingly() {
        let code = "K7QF2M9XABCDEFGH"
        #expect(ActivationCode.grouped(code) == "K7QF 2M9X ABCD EFGH")
        for typed in ["k7qf 2m9x abcd efgh", "K7QF-2M9X-ABCD-EFGH", " k7qf2m9xabcdefgh ", "K7QF.2M9X.ABCD.EFGH"] {
            #expect(ActivationCode.normalize(typed) == code, "\(typed)")
        }
        for wrong in ["", "K7QF 2M9X ABCD", "K7QF 2M9X ABCD EFGH J", "K0QF 2M9X ABCD EFGH"] {
            #expect(ActivationCode.normalize(wrong) == nil, "\(wrong)")
        }
    }

    @Test func attemptDelaysGrowAndStop() {
        let limit = AttemptLimit.perAccount
        #expect(limit.delay(afterFailures: 5) == nil)
        #expect(limit.delay(afterFailures: 6) == 60)
        #expect(limit.delay(afterFailures: 7) == 120)
        #expect(limit.delay(afterFailures: 8) == 240)
        #expect(limit.delay(afterFailures: 40) == 3600)
    }

    @Test func frenchDates() {
        // 12 March 2027, 13:00 UTC = 14 h in Paris (winter time).
        let winter = Date(timeIntervalSince1970: 1_804_856_400)
        #expect(FrenchDates.dayAndTime(winter) == "vendredi 12 mars 2027 à 14 h")
        // 1 July 2027, 12:05 UTC = 14 h 05 in Paris (summer time).
        let summer = Date(timeIntervalSince1970: 1_814_443_500)
        #expect(FrenchDates.dayAndTime(summer) == "jeudi 1er juillet 2027 à 14 h 05")
        #expect(FrenchDates.wait(until: Date(timeIntervalSince1970: 1_000_170), from: Date(timeIntervalSince1970: 1_000_000)) == "dans 3 minutes")
    }

    /// The hand-made ISO 8601 writes what Foundation's formatter writes, on
    /// both sides of each change of time, before 1970 and at odd seconds.
    @Test func isoDatesAreFoundationsOwn() {
        let reference = ISO8601DateFormatter()
        reference.timeZone = FrenchDates.timeZone
        #expect(FrenchDates.iso(Date(timeIntervalSince1970: 1_804_856_400)) == "2027-03-12T14:00:00+01:00")
        var generator = SystemRandomNumberGenerator()
        let moments = [1_805_158_799.0, 1_805_158_800, 1_824_508_799, 1_824_508_800, -86_400.5, 0, 1_700_000_000.999]
            + (0..<2_000).map { _ in Double.random(in: -2_000_000_000...4_000_000_000, using: &generator) }
        for moment in moments {
            let date = Date(timeIntervalSince1970: moment)
            #expect(FrenchDates.iso(date) == reference.string(from: date), "\(moment)")
        }
    }
}

@Suite("Numbers in messages")
struct FrenchNumberTests {
    @Test func thousandsAreGroupedTheFrenchWay() {
        #expect(TextInput.number(50_000) == "50\u{00A0}000")
        #expect(TextInput.number(999) == "999")
        #expect(TextInput.number(1_234_567) == "1\u{00A0}234\u{00A0}567")
        #expect(TextInput.number(-2_000) == "-2\u{00A0}000")
        #expect(TextInput.tooLong(String(repeating: "a", count: 5_001), limit: 5_000, what: "Le texte")
                == "Le texte a 5\u{00A0}001 caractères : raccourcissez-le à 5\u{00A0}000 au plus.")
    }
}
