import Fluent
import Foundation

/// A device a facilitator turned into the voting kiosk (« borne de vote »)
/// of one session. The device holds a random token in a cookie; the row
/// holds its hash. Nothing here records who used the kiosk.
final class Kiosk: Model, @unchecked Sendable {
    static let schema = "kiosks"

    @ID(key: .id) var id: UUID?
    @Parent(key: "meeting_id") var meeting: Meeting
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "started_at") var startedAt: Date
    @OptionalField(key: "ended_at") var endedAt: Date?

    init() {}

    init(meetingID: UUID, tokenHash: String, startedAt: Date) {
        self.$meeting.id = meetingID
        self.tokenHash = tokenHash
        self.startedAt = startedAt
    }
}
