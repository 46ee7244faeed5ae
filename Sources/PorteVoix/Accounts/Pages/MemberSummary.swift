import Foundation
import Vapor

/// What staff pages show of a member, as plain values.
struct MemberSummary: Sendable {
    var id: UUID
    var publicName: String
    var roles: Set<Role> = []
    var status: MemberStatus = .active
    var territoryID: UUID?
    var territoryName: String?
    var createdAt: Date
    var charterAcceptedAt: Date?
}

extension MemberSummary {
    /// Roles and territory are read only if they were loaded.
    init(_ member: Member) {
        self.init(id: member.id ?? UUID(), publicName: member.publicName, roles: member.roles, status: member.status,
                  territoryID: member.$territory.id, territoryName: member.$territory.value??.name,
                  createdAt: member.createdAt, charterAcceptedAt: member.charterAcceptedAt)
    }
}

/// The filters of the members list, as typed in its form.
struct MemberFilters: Content {
    var q: String?
    var role: String?
    var statut: String?
    var territoire: String?
    var page: String?
}
