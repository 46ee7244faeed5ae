import Foundation

/// Dates as people read them in France (design/ui.md): "mardi 12 mars 2027
/// à 14 h", always in Europe/Paris, whatever the server's time zone.
public enum FrenchDates {
    public static let timeZone = TimeZone(identifier: "Europe/Paris")!

    static let weekdays = ["dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"]
    static let months = [
        "janvier", "février", "mars", "avril", "mai", "juin",
        "juillet", "août", "septembre", "octobre", "novembre", "décembre",
    ]

    /// Made once: building a Calendar for every date rendered showed in profiles.
    static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar
    }()

    /// "mardi 12 mars 2027"
    public static func day(_ date: Date) -> String {
        let parts = calendar.dateComponents([.weekday, .day, .month, .year], from: date)
        let dayNumber = parts.day! == 1 ? "1er" : String(parts.day!)
        return "\(weekdays[parts.weekday! - 1]) \(dayNumber) \(months[parts.month! - 1]) \(parts.year!)"
    }

    /// "14 h" or "14 h 05"
    public static func time(_ date: Date) -> String {
        let parts = calendar.dateComponents([.hour, .minute], from: date)
        return parts.minute! == 0 ? "\(parts.hour!) h" : String(format: "%d h %02d", parts.hour!, parts.minute!)
    }

    /// "mardi 12 mars 2027 à 14 h"
    public static func dayAndTime(_ date: Date) -> String {
        "\(day(date)) à \(time(date))"
    }

    /// "12 mars 2027", for lists where the weekday is noise.
    public static func shortDay(_ date: Date) -> String {
        let parts = calendar.dateComponents([.day, .month, .year], from: date)
        let dayNumber = parts.day! == 1 ? "1er" : String(parts.day!)
        return "\(dayNumber) \(months[parts.month! - 1]) \(parts.year!)"
    }

    /// "dans 3 minutes", "dans 1 heure", for a wait that is about to end.
    public static func wait(until date: Date, from now: Date = Date()) -> String {
        let seconds = max(0, date.timeIntervalSince(now))
        let minutes = Int((seconds / 60).rounded(.up))
        if minutes <= 1 { return "dans 1 minute" }
        if minutes < 60 { return "dans \(minutes) minutes" }
        let hours = Int((Double(minutes) / 60).rounded(.up))
        return hours == 1 ? "dans 1 heure" : "dans \(hours) heures"
    }

    /// ISO 8601 with the offset, for `<time datetime>` and exports:
    /// "2027-03-12T14:05:00+01:00", as ISO8601DateFormatter writes it, without
    /// making one for every date (12 % of the proposals list in a profile).
    public static func iso(_ date: Date) -> String {
        // Foundation works to the millisecond: 42.9996 s is written 43.
        let date = Date(timeIntervalSince1970: (date.timeIntervalSince1970 * 1000).rounded() / 1000)
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let offset = timeZone.secondsFromGMT(for: date)
        let local = String(format: "%04d-%02d-%02dT%02d:%02d:%02d", parts.year!, parts.month!, parts.day!,
                           parts.hour!, parts.minute!, parts.second!)
        // As Foundation writes them: "Z" for no offset, seconds only when
        // there are some (Paris mean time, before 1911).
        guard offset != 0 else { return local + "Z" }
        let size = abs(offset)
        let zone = String(format: "%@%02d:%02d", offset < 0 ? "-" : "+", size / 3600, size % 3600 / 60)
        return local + zone + (size % 60 == 0 ? "" : String(format: ":%02d", size % 60))
    }
}
