/// The accounts feature's limits, named once for the rules, the routes and the pages.
enum AccountLimits {
    /// A pseudonym typed to find an account (sign-in, cards, searches): a
    /// little longer than any pseudonym, so that a mistyped one shows whole.
    static let typedPseudonym = 60
    /// What the server keeps of a typed address, and of a typed pseudonym, before checking it.
    static let keptAddress = 300
    static let keptPseudonym = 200
    /// The site's public address.
    static let address = 200
    /// A number typed in the site settings.
    static let typedNumber = 20
    /// An activation code as people type it, with spaces and dashes.
    static let typedCode = 40
    /// A territory's or a theme's name.
    static let listName = 80
    /// Rows shown at once.
    static let recentCards = 30
    static let pendingReplacements = 50
    static let replacementsShown = 50
    static let notificationsShown = 100
    static let journalPage = 50
    static let membersPage = 25
}
