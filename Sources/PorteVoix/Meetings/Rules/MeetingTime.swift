import Foundation

/// Dates and times typed in a form, read as Europe/Paris wall-clock time.
enum MeetingTime {
    enum Problem: Error, Equatable {
        case date, time, nonexistent
    }

    /// "2027-03-12" (the date field) or "12/03/2027" (typed by hand on a
    /// browser without a date picker).
    static func day(_ typed: String) -> DateComponents? {
        let text = typed.trimmingCharacters(in: .whitespaces)
        var parts: [Int]
        var year = 0, month = 0, day = 0
        if text.contains("-") {
            parts = text.split(separator: "-").compactMap { Int($0) }
            guard parts.count == 3 else { return nil }
            (year, month, day) = (parts[0], parts[1], parts[2])
        } else {
            parts = text.split(whereSeparator: { $0 == "/" || $0 == "." }).compactMap { Int($0) }
            guard parts.count == 3 else { return nil }
            (day, month, year) = (parts[0], parts[1], parts[2])
        }
        guard (2000...2100).contains(year), (1...12).contains(month), (1...31).contains(day) else { return nil }
        var components = DateComponents(year: year, month: month, day: day)
        // 31 February does not exist: the calendar must give the same day back.
        components.calendar = FrenchDates.calendar
        guard components.isValidDate(in: FrenchDates.calendar) else { return nil }
        return components
    }

    /// "14:00", "14h", "14 h 30", "9h05".
    static func time(_ typed: String) -> (hour: Int, minute: Int)? {
        let text = typed.lowercased().replacingOccurrences(of: " ", with: "")
        let parts = text.split(whereSeparator: { $0 == ":" || $0 == "h" }).map(String.init)
        guard let first = parts.first, let hour = Int(first), (0...23).contains(hour) else { return nil }
        let minute = parts.count > 1 ? Int(parts[1]) : 0
        guard parts.count <= 2, let minute, (0...59).contains(minute) else { return nil }
        return (hour, minute)
    }

    /// The instant of a wall-clock date and time in Paris.
    static func instant(day typedDay: String, time typedTime: String) -> Result<Date, Problem> {
        guard var components = day(typedDay) else { return .failure(.date) }
        guard let (hour, minute) = time(typedTime) else { return .failure(.time) }
        components.hour = hour
        components.minute = minute
        let calendar = FrenchDates.calendar
        guard let date = calendar.date(from: components) else { return .failure(.nonexistent) }
        // In the spring gap (2 h → 3 h) the calendar moves the time: refuse it.
        let back = calendar.dateComponents([.hour, .minute], from: date)
        guard back.hour == hour, back.minute == minute else { return .failure(.nonexistent) }
        return .success(date)
    }

    /// The form's values for a date: "2027-03-12" and "14:00".
    static func formValues(_ date: Date) -> (day: String, time: String) {
        let parts = FrenchDates.calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        return (String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!),
                String(format: "%02d:%02d", parts.hour!, parts.minute!))
    }
}
