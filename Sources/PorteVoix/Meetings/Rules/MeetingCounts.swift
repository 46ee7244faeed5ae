import Fluent
import Vapor

/// The members a session concerns: its territory's (or everyone, for a
/// plenary), and whoever was present.
enum MeetingAudience {
    static func memberIDs(for meeting: Meeting, on database: any Database) async throws -> [UUID] {
        var query = Member.query(on: database).filter(\.$status == .active)
        if let territoryID = meeting.$territory.id {
            query = query.filter(\.$territory.$id == territoryID)
        }
        var ids = Set(try await query.all().compactMap(\.id))
        let present = try await MeetingAttendance.query(on: database).filter(\.$meeting.$id == meeting.requireID()).all()
        ids.formUnion(present.map(\.$member.id))
        return Array(ids)
    }
}

/// Counts everyone may see.
struct MeetingCounts {
    var coming: Int
    var notComing: Int
    var presentMembers: Int
    var others: Int

    var present: Int { presentMembers + others }

    static func make(_ meeting: Meeting, on database: any Database) async throws -> MeetingCounts {
        let id = try meeting.requireID()
        let responses = try await MeetingResponse.query(on: database).filter(\.$meeting.$id == id).all()
        return MeetingCounts(
            coming: responses.filter(\.coming).count,
            notComing: responses.filter { !$0.coming }.count,
            presentMembers: try await MeetingAttendance.query(on: database).filter(\.$meeting.$id == id).count(),
            others: meeting.otherAttendees
        )
    }
}
