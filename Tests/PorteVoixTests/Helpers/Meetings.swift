import Fluent
import Foundation
import Vapor
@testable import PorteVoix

/// A session straight in the database, in progress unless told otherwise.
@discardableResult
func makeMeeting(_ app: Application, status: MeetingStatus = .inProgress, otherAttendees: Int = 0) async throws -> Meeting {
    let meeting = Meeting()
    meeting.title = "Séance"
    meeting.startsAt = Date()
    meeting.endsAt = Date().addingTimeInterval(3600)
    meeting.place = "Mairie"
    meeting.details = ""
    meeting.accessibility = ""
    meeting.status = status
    meeting.otherAttendees = otherAttendees
    meeting.createdAt = Date()
    try await meeting.create(on: app.db)
    return meeting
}
