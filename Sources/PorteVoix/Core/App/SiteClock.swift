import Foundation
import NIOConcurrencyHelpers
import Vapor

/// Where the site reads the time. Everything the time decides (a poll's
/// opening and closing, a session's freeze, throttling, tokens' expiry, the
/// page cache's freshness, exports' periods) asks `request.now` or
/// `app.clock.now()`, never `Date()`, so that tests can move the time on
/// instead of waiting for it.
public protocol SiteClock: Sendable {
    func now() -> Date
}

/// The machine's clock: the only place the application reads it.
public struct SystemClock: SiteClock {
    public init() {}
    public func now() -> Date { Date() }
}

/// A clock that runs with the machine's but that a test can move forward
/// (or set), so that a closing time or an expiry passes without sleeping.
public final class TestClock: SiteClock {
    private let offset = NIOLockedValueBox<TimeInterval>(0)

    public init() {}

    public func now() -> Date { SystemClock().now().addingTimeInterval(offset.withLockedValue { $0 }) }

    /// Moves the time on by `interval` seconds.
    public func advance(by interval: TimeInterval) {
        offset.withLockedValue { $0 += interval }
    }

    /// Moves the time on (or back) to `date`.
    public func set(to date: Date) {
        offset.withLockedValue { $0 = date.timeIntervalSince(SystemClock().now()) }
    }
}

extension Application {
    private struct ClockKey: StorageKey { typealias Value = any SiteClock }

    /// The site's clock: the machine's, unless a test put its own.
    public var clock: any SiteClock {
        get { storage[ClockKey.self] ?? SystemClock() }
        set { storage[ClockKey.self] = newValue }
    }
}

extension Request {
    /// The time, as the site's clock reads it.
    public var now: Date { application.clock.now() }
}
