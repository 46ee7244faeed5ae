import Foundation
import PersonalData

/// `portevoix-bench screening`: how long the personal-data screening of one
/// submitted text takes (every proposal, comment and opinion is screened).
/// Figures only; the tests check what it finds.
enum ScreeningBench {
    static func run() {
        let paragraph = "Bonjour, je suis allocataire du RSA depuis 2019 et le bus 12 ne passe plus rue Pasteur. "
            + "La permanence de 9 h à 12 h est trop courte ; le numéro vert 0800 123 456 ne répond pas. "
            + "Nous demandons 3 000 € pour le fonds d'aide, voir l'article L262-39, séance du 12/03/2027. "
        var prose = ""
        while prose.count < 5_000 { prose += paragraph }
        let digits = String(repeating: "06 12 34 56 78 90 ", count: 280)
        let wide = String(repeating: "Appelez le ０６\u{00A0}１２/３４/５６/７８ ou ecrivez a marie＠orange.fr. ", count: 90)
        let clock = ContinuousClock()
        for (name, text) in [("prose", prose), ("digits", digits), ("full-width and no-break", wide)] {
            _ = PersonalData.scan(text)
            let rounds = 20
            var hits = 0
            let elapsed = clock.measure { for _ in 0..<rounds { hits = PersonalData.scan(text).count } } / rounds
            print("Screening \(name): \(text.count) characters in \(elapsed) (\(hits) hits)")
        }
    }
}
