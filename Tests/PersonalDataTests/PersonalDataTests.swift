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

    static func sentences(with file: String) throws -> [(PersonalDataKind, String)] {
        try lines(file).map { line -> (PersonalDataKind, String) in
            let parts = line.split(separator: "\t", maxSplits: 1).map(String.init)
            return (try #require(PersonalDataKind(rawValue: parts[0]), "\(parts[0])"), parts[1])
        }
    }

    struct Figures {
        let with: [(PersonalDataKind, String)]
        let without: [String]
        let missed: [(PersonalDataKind, String)]
        let flagged: [String]
        var recall: Double { Double(with.count - missed.count) / Double(with.count) }
        var falsePositives: Double { Double(flagged.count) / Double(without.count) }

        init(with: [(PersonalDataKind, String)], without: [String]) {
            self.with = with
            self.without = without
            missed = with.filter { kind, sentence in !PersonalData.scan(sentence).contains { $0.kind == kind } }
            flagged = without.filter { !PersonalData.scan($0).isEmpty }
        }

        func summary(_ name: String) -> String {
            String(format: "Personal data, %@: recall %.1f %% (%d of %d), false positives %.1f %% (%d of %d)", name,
                   recall * 100, with.count - missed.count, with.count, falsePositives * 100, flagged.count, without.count)
        }
    }

    /// The tuning corpus: what is missed and flagged is printed, to be worked on.
    @Test func theCorpusMeetsTheGoal() throws {
        let figures = Figures(with: try Self.sentences(with: "with-personal-data.txt"), without: try Self.lines("without-personal-data.txt"))
        #expect(figures.with.count >= 250 && figures.without.count >= 250)
        print(figures.summary("corpus"))
        for (kind, sentence) in figures.missed { print("  missed \(kind.rawValue): \(sentence)") }
        for sentence in figures.flagged {
            print("  flagged \(PersonalData.scan(sentence).map { "\($0.kind.rawValue) «\(sentence[$0.range])»" }): \(sentence)")
        }
        #expect(figures.recall >= 0.97)
        #expect(figures.falsePositives <= 0.03)
    }

    /// The held-out set was written before the detectors were changed for
    /// issue 23 and is never tuned against: only the figures are printed,
    /// never the sentences missed or flagged.
    @Test func theHeldOutSetMeetsTheGoal() throws {
        let figures = Figures(with: try Self.sentences(with: "held-out-with-personal-data.txt"),
                              without: try Self.lines("held-out-without-personal-data.txt"))
        #expect(figures.with.count + figures.without.count >= 200)
        print(figures.summary("held-out set"))
        #expect(figures.recall >= 0.97)
        #expect(figures.falsePositives <= 0.03)
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
        // Read folded, the raw text gives the same, the invisible characters inside the hits.
        #expect(PersonalData.scan(hidden).map(\.kind) == [.phoneNumber, .email])
        // A combining mark right after a match: the hit covers the whole character.
        let marked = "Appelez le 06 12 34 56 78\u{0301}."
        #expect(PersonalData.scan(marked).map(\.kind) == [.phoneNumber])
        #expect(PersonalData.scan(marked).map { String(marked[$0.range]) } == ["06 12 34 56 78\u{0301}"])
    }

    // MARK: Issue 23: the evasions found by the outside tester

    /// The single passage of `kind` found in the text, as written in it.
    static func passage(_ kind: PersonalDataKind, in text: String) -> [String] {
        PersonalData.scan(text).filter { $0.kind == kind }.map { String(text[$0.range]) }
    }

    @Test func aPhoneNumberIsFoundWhateverItsSpacesAndItsDigits() {
        let nbsp = "Appelez-moi au 06\u{00A0}12\u{00A0}34\u{00A0}56\u{00A0}78, merci."
        #expect(Self.passage(.phoneNumber, in: nbsp) == ["06\u{00A0}12\u{00A0}34\u{00A0}56\u{00A0}78"])
        let narrow = "Mon portable : 07\u{202F}11\u{202F}22\u{202F}33\u{202F}44."
        #expect(Self.passage(.phoneNumber, in: narrow) == ["07\u{202F}11\u{202F}22\u{202F}33\u{202F}44"])
        #expect(Self.passage(.phoneNumber, in: "Laissez un message au 06/12/34/56/78.") == ["06/12/34/56/78"])
        let fullWidth = "Mon numéro ０６ １２ ３４ ５６ ７８ (whatsapp)"
        #expect(Self.passage(.phoneNumber, in: fullWidth) == ["０６ １２ ３４ ５６ ７８"])
        for written in ["06 12 34 56 78", "0612345678", "06 123 456 78", "06.12.34.56.78", "06-12-34-56-78", "+33 6 12 34 56 78",
                        "+33 (0)6 12 34 56 78", "0033 6 12 34 56 78", "0612 34 56 78", "06\u{2013}12\u{2013}34\u{2013}56\u{2013}78",
                        "O6 12 34 56 78", "0 6 1 2 3 4 5 6 7 8"] {
            #expect(Self.passage(.phoneNumber, in: "Appelez le \(written) ce soir.") == [written], "\(written)")
        }
    }

    @Test func anEmailIsFoundWithAFullWidthAtOrSpelledOut() {
        #expect(Self.passage(.email, in: "Écrivez à lea.martin＠free.fr demain") == ["lea.martin＠free.fr"])
        #expect(Self.passage(.email, in: "mail : marie . d @ orange . fr merci") == ["marie . d @ orange . fr"])
        #expect(Self.passage(.email, in: "écrire à jean.p arobase gmail point com") == ["jean.p arobase gmail point com"])
        #expect(Self.passage(.email, in: "écrire à jean.p@gmail.com. Merci") == ["jean.p@gmail.com"])
    }

    @Test func aDateOfBirthIsFoundHoweverItIsWritten() {
        #expect(Self.passage(.birthDate, in: "Ma fille est née le 24-08-1994 à Douai.") == ["24-08-1994"])
        #expect(Self.passage(.birthDate, in: "Mon mari est né le 22.11.1979.") == ["22.11.1979"])
        #expect(Self.passage(.birthDate, in: "Date de naissance (22/05/1968)") == ["22/05/1968"])
        #expect(Self.passage(.birthDate, in: "DDN : 3 mars 1985") == ["3 mars 1985"])
        #expect(Self.passage(.birthDate, in: "né le 03/03/85") == ["03/03/85"])
        #expect(Self.passage(.birthDate, in: "Je suis née à Lille le 12/09/1976.") == ["12/09/1976"])
        #expect(Self.passage(.birthDate, in: "La séance est reportée au 24-08-2027.").isEmpty)
        #expect(Self.passage(.birthDate, in: "Le RSA est né le 1er décembre 2008.").isEmpty)
    }

    @Test func aCAFNumberIsFoundEvenMistyped() {
        #expect(Self.passage(.benefitsNumber, in: "Mon nuuméro allocataire c'est 2456781, merci.") == ["2456781"])
        #expect(Self.passage(.benefitsNumber, in: "numero alocataire : 3987654") == ["3987654"])
        #expect(Self.passage(.benefitsNumber, in: "n° allocatare 1122334") == ["1122334"])
        #expect(Self.passage(.benefitsNumber, in: "matricule CAF 0987123") == ["0987123"])
        #expect(Self.passage(.benefitsNumber, in: "Matricule MSA 12345678") == ["12345678"])
        #expect(Self.passage(.benefitsNumber, in: "La CAF compte 345 678 allocataires.").isEmpty)
        #expect(Self.passage(.benefitsNumber, in: "Mon numéro de dossier est 2345678 au tribunal.").isEmpty)
    }

    @Test func aRuralAddressIsFoundWithItsPostalCodeAndTown() {
        #expect(Self.passage(.streetAddress, in: "J'habite lieu-dit Les Granges 24560 Issigeac, loin de tout.")
            == ["lieu-dit Les Granges 24560 Issigeac"])
        #expect(Self.passage(.streetAddress, in: "La Croix 24560 Issigeac, c'est chez moi.") == ["La Croix 24560 Issigeac"])
        #expect(Self.passage(.streetAddress, in: "Mon adresse : Le Bourg, 46330 Cabrerets") == ["Le Bourg, 46330 Cabrerets"])
        #expect(Self.passage(.streetAddress, in: "chemin des Vignes 84000 Avignon") == ["chemin des Vignes 84000 Avignon"])
        #expect(Self.passage(.streetAddress, in: "Je vis à Issigeac (24560) depuis 2010.").isEmpty)
        #expect(Self.passage(.streetAddress, in: "Il faut refaire la route entre 24560 Issigeac et Bergerac.").isEmpty)
    }

    @Test func freeNumbersAndShortNumbersAreNotPersonal() {
        for text in ["numéro vert 0800 123 456", "appelez le 0 805 123 456", "Le 0800 00 11 22 est gratuit.",
                     "Le numéro vert 0800\u{00A0}123\u{00A0}456 est gratuit.", "Le 08 05 12 34 56 est gratuit.",
                     "Appelez le 3919, le 3949 ou le 115.", "Permanence de 9h à 12h.", "Les dates : 06/12, 13/12 et 20/12.",
                     "Rendez-vous au 01 02 2025 10 30 selon le courrier."] {
            #expect(PersonalData.scan(text).isEmpty, "\(text)")
        }
        #expect(PersonalData.scan("Les cases 01 02 03 04 05 06 07 08 09 10 11 12 sont cochées.").isEmpty)
        // A number just after a free one is still found.
        #expect(Self.passage(.phoneNumber, in: "Pas le 0800 123 456 mais le 06 12 34 56 78") == ["06 12 34 56 78"])
    }

    @Test func anIBANCalledAnExampleIsNotPersonal() {
        #expect(PersonalData.scan("Par exemple FR76 3000 6000 0112 3456 7890 189 est un IBAN bien formé.").isEmpty)
        #expect(PersonalData.scan("Exemple d'IBAN : FR76 3000 6000 0112 3456 7890 189.").isEmpty)
        #expect(PersonalData.scan("Recopiez votre IBAN comme FR76 3000 6000 0112 3456 7890 189 dans la notice.").isEmpty)
        // Its own, even in a sentence that gives an example.
        #expect(Self.passage(.iban, in: "Par exemple, mon IBAN est FR76 3000 6000 0112 3456 7890 189.")
            == ["FR76 3000 6000 0112 3456 7890 189"])
        #expect(Self.passage(.iban, in: "Le RIB de mon ex : FR76 3000 6000 0112 3456 7890 189") == ["FR76 3000 6000 0112 3456 7890 189"])
        // Lower case, and without the words that follow.
        #expect(Self.passage(.iban, in: "rib fr76 3000 6000 0112 3456 7890 189 s'il vous plaît") == ["fr76 3000 6000 0112 3456 7890 189"])
    }

    @Test func rangesPointIntoTheOriginalText() {
        let text = "Tél ０６\u{00A0}１２\u{00A0}３４\u{00A0}５６\u{00A0}７８ ou ｋａｒｉｍ．ｂ＠ｇｍａｉｌ．ｃｏｍ, né le ２４/０８/１９９４ 🙂."
        let hits = PersonalData.scan(text)
        #expect(hits.map(\.kind) == [.phoneNumber, .email, .birthDate])
        #expect(hits.map { String(text[$0.range]) }
            == ["０６\u{00A0}１２\u{00A0}３４\u{00A0}５６\u{00A0}７８", "ｋａｒｉｍ．ｂ＠ｇｍａｉｌ．ｃｏｍ", "２４/０８/１９９４"])
        // Redacting the ranges in the original removes each whole piece.
        var redacted = text
        for hit in hits.reversed() { redacted.replaceSubrange(hit.range, with: "[retiré]") }
        #expect(redacted == "Tél [retiré] ou [retiré], né le [retiré] 🙂.")
        #expect(PersonalData.scan(redacted).isEmpty)
    }

    @Test func foldingMapsEveryUnitBack() {
        let text = "a\u{00A0}b ﬁ ０ é\u{0301} 👍🏽 \u{200B}x\r\ny № 12 € «Ωμ»"
        let folded = Folded(text)
        #expect(folded.text == "a b fi 0 e ~~ x\r\ny No 12 EUR \"Xx\"")
        let range = NSRange(location: 0, length: folded.count)
        #expect(folded.original(range) == text.startIndex..<text.endIndex)
    }

    /// The app screens every text sent, long ones too: a long run of digits
    /// or of prose is read through, each number found once (`portevoix-bench
    /// screening` gives the time it takes).
    @Test func aLongTextIsReadThrough() {
        let paragraph = "Bonjour, je suis allocataire du RSA depuis 2019 et le bus 12 ne passe plus rue Pasteur. "
            + "La permanence de 9 h à 12 h est trop courte ; le numéro vert 0800 123 456 ne répond pas. "
            + "Nous demandons 3 000 € pour le fonds d'aide, voir l'article L262-39, séance du 12/03/2027. "
        var text = ""
        while text.count < 5_000 { text += paragraph }
        #expect(PersonalData.scan(text).isEmpty, "no personal data in the prose")
        let numbers = String(repeating: "Appelez le 06 12 34 56 78. ", count: 180)
        let hits = PersonalData.scan(numbers)
        #expect(hits.count == 180 && hits.allSatisfy { $0.kind == .phoneNumber })
    }
}
