import ConsoleKit
import Logging
import Vapor

/// Stands between the application and its log output, whatever level is
/// configured, so that personal data and secrets cannot reach the logs:
///
/// - FluentKit's "Running query" lines (debug) list every value written,
///   password and code hashes included: only the table and action remain;
/// - trace lines, where database drivers print the values bound to queries,
///   are dropped.
struct SafeLogHandler: LogHandler {
    var base: any LogHandler
    static let keptQueryMetadata: Set<String> = ["schema", "action", "database-id", "request-id"]

    var metadata: Logger.Metadata {
        get { base.metadata }
        set { base.metadata = newValue }
    }

    var logLevel: Logger.Level {
        get { max(base.logLevel, .debug) }
        set { base.logLevel = max(newValue, .debug) }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { base[metadataKey: key] }
        set { base[metadataKey: key] = newValue }
    }

    func log(event: LogEvent) {
        guard event.level > .trace else { return }
        var event = event
        if event.message.description == "Running query" {
            event.metadata = event.metadata?.filter { Self.keptQueryMetadata.contains($0.key) }
        }
        base.log(event: event)
    }
}

extension Logger {
    /// The same logger behind `SafeLogHandler` (once: wrapping twice is harmless but useless).
    var madeSafe: Logger {
        guard !(handler is SafeLogHandler) else { return self }
        var logger = self
        logger.handler = SafeLogHandler(base: handler)
        return logger
    }
}

extension LoggingSystem {
    /// Vapor's console logging, each handler behind `SafeLogHandler`.
    public static func bootstrapSafely(from environment: inout Environment) throws {
        try bootstrap(from: &environment) { level in
            let console = Terminal()
            return { label in SafeLogHandler(base: ConsoleLogger(label: label, console: console, level: level)) }
        }
    }
}
