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

    /// A pause (sign-in, sending) as people read it: "14 h 05 (dans 3 minutes)".
    public static func pause(_ pause: Pause) -> String {
        "\(time(pause.until)) (\(wait(until: pause.until, from: pause.now)))"
    }

    /// "dans 3 minutes", "dans 1 heure", for a wait that is about to end.
    public static func wait(until date: Date, from now: Date) -> String {
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
        let rounded = Date(timeIntervalSince1970: (date.timeIntervalSince1970 * 1000).rounded() / 1000)
        let offset = timeZone.secondsFromGMT(for: rounded)
        // Whole seconds of local time, then the civil date by integer
        // arithmetic (days from 1970-01-01, H. Hinnant's algorithm): Calendar
        // and String(format:) were a fifth of a 100,000-line export.
        let local = Int((rounded.timeIntervalSince1970).rounded(.down)) + offset
        let days = local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
        let secondOfDay = local - days * 86_400
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        var text = pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2) + "T" + pad(secondOfDay / 3600, 2) + ":"
            + pad(secondOfDay % 3600 / 60, 2) + ":" + pad(secondOfDay % 60, 2)
        // As Foundation writes them: "Z" for no offset, seconds only when
        // there are some (Paris mean time, before 1911).
        guard offset != 0 else { return text + "Z" }
        let size = abs(offset)
        text += (offset < 0 ? "-" : "+") + pad(size / 3600, 2) + ":" + pad(size % 3600 / 60, 2)
        return size % 60 == 0 ? text : text + ":" + pad(size % 60, 2)
    }

    /// `number` in decimal with leading zeros to `width` digits.
    private static func pad(_ number: Int, _ width: Int) -> String {
        let digits = String(number)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}

/// A pause that ends at `until`, as told at `now` (the time of the request),
/// so that a page says how long is left without reading the clock itself.
public struct Pause: Sendable, Equatable {
    public var until: Date
    public var now: Date

    public init(until: Date, now: Date) {
        self.until = until
        self.now = now
    }
}
