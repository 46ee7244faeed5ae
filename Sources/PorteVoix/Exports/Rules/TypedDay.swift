import Foundation

/// A day typed in a period's field (exports, the activity report): none, a day, or not a day.
enum TypedDay: Equatable {
    case none, date(Date), failure

    /// A day typed as 2026-01-31, from midnight in Paris.
    static func read(_ typed: String) -> TypedDay {
        guard !typed.isEmpty else { return .none }
        switch MeetingTime.instant(day: typed, time: "00:00") {
        case .success(let date): return .date(date)
        case .failure: return .failure
        }
    }
}
