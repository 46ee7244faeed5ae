import Fluent
import Foundation

/// Which list an item belongs to: its table.
public protocol NamedListKind: Sendable {
    static var schema: String { get }
}

/// The parts of the département the council meets in (« territoires »).
public enum TerritoryList: NamedListKind {
    public static let schema = "territories"
}

/// The policy themes proposals are filed under (« thèmes »).
public enum ThemeList: NamedListKind {
    public static let schema = "themes"
}

/// An item of a list an administrator names and orders: a territory or a
/// theme, the same shape in two tables.
public final class NamedListItem<Kind: NamedListKind>: Model, @unchecked Sendable {
    public static var schema: String { Kind.schema }

    @ID(key: .id) public var id: UUID?
    @Field(key: "name") public var name: String
    @Field(key: "position") var position: Int

    public init() {}

    init(name: String, position: Int) {
        self.name = name
        self.position = position
    }

    /// The item as a form's choice.
    var choice: NamedID { NamedID(id: id ?? UUID(), name: name) }
}

public typealias Territory = NamedListItem<TerritoryList>
public typealias Theme = NamedListItem<ThemeList>

/// A list as its administration page and the journal name it.
protocol AdministeredList: NamedListKind {
    static var auditKind: AuditAction.ListKind { get }
    /// « territoire », « thème », as the page's messages say it.
    static var label: String { get }
}

extension TerritoryList: AdministeredList {
    static var auditKind: AuditAction.ListKind { .territory }
    static var label: String { "territoire" }
}

extension ThemeList: AdministeredList {
    static var auditKind: AuditAction.ListKind { .theme }
    static var label: String { "thème" }
}
