import Foundation

/// How easy a French text is to read, for the writers of easy-to-read
/// versions: the Kandel and Moles index, the adaptation of Flesch's reading
/// ease to French (L. Kandel, A. Moles, « Application de l'indice de Flesch
/// à la langue française », Cahiers Études de Radio-Télévision, n° 19, 1958,
/// p. 253-274):
///
///     L = 207 − 1,015 × (mots / phrases) − 73,6 × (syllabes / mots)
///
/// Higher is easier; easy-to-read text aims at 80 or more. Syllables are
/// counted as groups of written vowels, less a final mute « e » or « es »:
/// an estimate, close enough to guide a writer, not a linguist's count.
/// Beside the index, what the FALC rules name: sentences longer than 15
/// words, long words, abbreviations.
struct Readability: Sendable, Equatable {
    let sentences: Int
    let words: Int
    let syllables: Int
    /// Sentences of more than `longSentence` words, as written.
    let longSentences: [String]
    /// Words of four syllables or more.
    let longWords: [String]
    /// Words written in capitals (« CAF », « RSA »): FALC asks to write them out.
    let abbreviations: [String]

    static let longSentence = 15

    init(_ text: String) {
        let pieces = Self.sentences(in: text)
        var words = 0, syllables = 0
        var longSentences: [String] = [], longWords: [String] = [], abbreviations: [String] = []
        for sentence in pieces {
            let tokens = Self.words(in: sentence)
            words += tokens.count
            if tokens.count > Self.longSentence { longSentences.append(sentence) }
            for token in tokens {
                let count = Self.syllables(in: token)
                syllables += count
                if count >= 4, !longWords.contains(token.lowercased()) { longWords.append(token.lowercased()) }
                if token.count >= 2, token.count <= 6, token.allSatisfy({ $0.isUppercase || $0.isNumber }), token.contains(where: \.isLetter),
                   !abbreviations.contains(token) {
                    abbreviations.append(token)
                }
            }
        }
        self.sentences = pieces.count
        self.words = words
        self.syllables = syllables
        self.longSentences = longSentences
        self.longWords = longWords
        self.abbreviations = abbreviations
    }

    /// The Kandel and Moles index, from 0 to 100 (bounded for display).
    var score: Int? {
        guard sentences > 0, words > 0 else { return nil }
        let value = 207 - 1.015 * Double(words) / Double(sentences) - 73.6 * Double(syllables) / Double(words)
        return Int(min(100, max(0, value)).rounded())
    }

    var wordsPerSentence: Double { sentences == 0 ? 0 : Double(words) / Double(sentences) }

    /// The usual reading of Flesch's scale, in words.
    var level: String {
        guard let score else { return "pas de texte" }
        switch score {
        case 90...: return "très facile"
        case 80..<90: return "facile"
        case 70..<80: return "assez facile"
        case 60..<70: return "standard"
        case 50..<60: return "assez difficile"
        case 30..<50: return "difficile"
        default: return "très difficile"
        }
    }

    /// Sentences end with . ! ? … or a line break (list items, short lines).
    static func sentences(in text: String) -> [String] {
        var result: [String] = []
        var current = ""
        for character in text {
            if character.isNewline {
                append(&current, to: &result)
                continue
            }
            current.append(character)
            if ".!?…".contains(character) { append(&current, to: &result) }
        }
        append(&current, to: &result)
        return result
    }

    private static func append(_ current: inout String, to result: inout [String]) {
        let sentence = current.trimmingCharacters(in: .whitespaces)
        if !words(in: sentence).isEmpty { result.append(sentence) }
        current = ""
    }

    /// Words: runs of letters or digits (« l'aide » is two words, as read).
    static func words(in text: String) -> [String] {
        text.split { !($0.isLetter || $0.isNumber) }.map(String.init)
    }

    static let vowels = Set("aeiouyàâäéèêëîïôöùûüœæ")

    static func syllables(in word: String) -> Int {
        let lower = word.lowercased()
        guard lower.contains(where: \.isLetter) else { return 1 }
        var groups = 0
        var inVowels = false
        for character in lower {
            let isVowel = vowels.contains(character)
            if isVowel && !inVowels { groups += 1 }
            inVowels = isVowel
        }
        if groups > 1, lower.hasSuffix("e") || lower.hasSuffix("es"), !lower.hasSuffix("ée"), !lower.hasSuffix("ées") {
            groups -= 1
        }
        return max(1, groups)
    }
}
