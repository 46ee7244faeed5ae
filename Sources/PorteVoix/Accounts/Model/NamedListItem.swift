import Fluent
import Vapor

/// Territories and themes: lists an admin names and orders.
protocol NamedListItem: Model where IDValue == UUID {
    var name: String { get set }
    static var nameField: KeyPath<Self, FieldProperty<Self, String>> { get }
    static var positionField: KeyPath<Self, FieldProperty<Self, Int>> { get }
    init(name: String, position: Int)
}

extension Territory: NamedListItem {
    static var nameField: KeyPath<Territory, FieldProperty<Territory, String>> { \.$name }
    static var positionField: KeyPath<Territory, FieldProperty<Territory, Int>> { \.$position }
}

extension Theme: NamedListItem {
    static var nameField: KeyPath<Theme, FieldProperty<Theme, String>> { \.$name }
    static var positionField: KeyPath<Theme, FieldProperty<Theme, Int>> { \.$position }
}
