import Foundation

extension PersonalData {
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

    /// The patterns for numbers run only around the runs of digits long
    /// enough, and the e-mail pattern around an "@" or its name: most texts
    /// have few, and the app screens every text sent.
    static func emails(_ folded: Folded) -> [NSRange] {
        matches(emailPattern, in: folded, windows: folded.windows(around: folded.emailHints, before: 100, after: 100))
    }
}
