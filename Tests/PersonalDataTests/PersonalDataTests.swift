import Foundation
import Testing
@testable import PersonalData

/// The detectors on a corpus of French sentences written like the council's
/// members write: with personal data, and without but close to it.
@Suite("Personal data in French text")
struct PersonalDataTests {
    static func lines(_ file: String) throws -> [String] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(file)
        return try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map(String.init)
            .filter { !$0.isEmpty && !$0.hasPrefix("#") }
    }

    @Test func theCorpusMeetsTheGoal() throws {
        let with = try Self.lines("with-personal-data.txt").map { line -> (PersonalDataKind, String) in
            let parts = line.split(separator: "\t", maxSplits: 1).map(String.init)
            return (try #require(PersonalDataKind(rawValue: parts[0]), "\(parts[0])"), parts[1])
        }
        let without = try Self.lines("without-personal-data.txt")
        #expect(with.count >= 150 && without.count >= 150)

        let missed = with.filter { kind, sentence in !PersonalData.scan(sentence).contains { $0.kind == kind } }
        let flagged = without.filter { !PersonalData.scan($0).isEmpty }
        let recall = Double(with.count - missed.count) / Double(with.count)
        let falsePositives = Double(flagged.count) / Double(without.count)
        print(String(format: "Personal data: recall %.1f %% (%d of %d), false positives %.1f %% (%d of %d)",
                     recall * 100, with.count - missed.count, with.count, falsePositives * 100, flagged.count, without.count))
        for (kind, sentence) in missed { print("  missed \(kind.rawValue): \(sentence)") }
        for sentence in flagged {
            print("  flagged \(PersonalData.scan(sentence).map { "\($0.kind.rawValue) «\(sentence[$0.range])»" }): \(sentence)")
        }
        #expect(recall >= 0.95)
        #expect(falsePositives <= 0.05)
    }

    @Test func hitsGiveTheKindAndThePassage() {
        let text = "Appelez le 06 12 34 56 78 ou écrivez à marie.d@orange.fr, j'habite 12 rue des Lilas."
        let hits = PersonalData.scan(text)
        #expect(hits.map(\.kind) == [.phoneNumber, .email, .streetAddress])
        #expect(hits.map { String(text[$0.range]) } == ["06 12 34 56 78", "marie.d@orange.fr", "12 rue des Lilas"])
    }

    @Test func checksumsDecide() {
        #expect(PersonalData.isValidNIR("1 85 05 78 006 084 \(String(format: "%02d", 97 - 1_850_578_006_084 % 97))"))
        #expect(!PersonalData.isValidNIR("1 85 05 78 006 084 \(String(format: "%02d", (98 - 1_850_578_006_084 % 97) % 97))"))
        #expect(PersonalData.isValidNIR("2 90 03 2A 004 123 \(String(format: "%02d", 97 - 2_900_319_004_123 % 97))"))
        #expect(PersonalData.isValidIBAN("FR76 3000 6000 0112 3456 7890 189"))
        #expect(!PersonalData.isValidIBAN("FR76 3000 6000 0112 3456 7890 188"))
        #expect(PersonalData.isPaymentCard([4, 9, 7, 0, 1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 3]))
        #expect(!PersonalData.isPaymentCard([4, 9, 7, 0, 1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 4]), "Luhn")
        #expect(!PersonalData.isPaymentCard([3, 6, 2, 5, 2, 1, 8, 7, 9, 0, 0, 0, 3, 4]), "a SIRET is not a card")
    }

    @Test func aNumberIntroducedAsACAFNumberIsFoundNotItsWords() {
        let text = "Mon numéro allocataire est 1234567, merci."
        let hits = PersonalData.scan(text)
        #expect(hits.map { String(text[$0.range]) } == ["1234567"])
        #expect(hits.first?.kind == .benefitsNumber)
    }

    @Test func invisibleCharactersCannotHideANumber() {
        let hidden = "Appelez le 06\u{200B} 12 34 56 78\u{200D} ou écrivez à jose\u{0301}@orange.fr"
        let visible = PersonalData.visible(hidden)
        #expect(PersonalData.scan(visible).map(\.kind) == [.phoneNumber, .email])
        // A combining mark right after a match: the hit covers the whole character.
        let marked = "Appelez le 06 12 34 56 78\u{0301}."
        #expect(PersonalData.scan(marked).map(\.kind) == [.phoneNumber])
    }
}
