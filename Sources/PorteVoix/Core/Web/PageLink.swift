import Foundation

/// A link to another page, as page models carry it: where, and the words shown.
struct PageLink: Sendable, Equatable {
    var url: SiteURL
    var title: String
}

/// One choice of a list (a territory, a theme): its id and its name.
struct NamedID: Sendable, Equatable {
    var id: UUID
    var name: String
}
