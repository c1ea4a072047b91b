import Logging

/// Keeps personal data out of the server log whatever the log level. FluentKit logs every query
/// at debug level with its values (`input`, `filters`): with LOG_LEVEL=debug a caregiver's name
/// would reach the log. This handler passes on only the shape of a query — action, schema,
/// database — and wraps whatever handler the application logs to.
struct PersonalDataRedactingLogHandler: LogHandler {
    var wrapped: any LogHandler

    /// Metadata keys that carry values from queries and are never passed on (FluentKit, SQLKit
    /// and the drivers use names like these).
    static let valueKeys: Set<String> = ["input", "filters", "sorts", "binds", "sql", "query", "fields", "joins", "aggregate"]
    static let valueKeyParts = ["bind", "query", "sql", "input", "filter", "statement"]

    static func isValueKey(_ key: String) -> Bool {
        if valueKeys.contains(key) { return true }
        let lowered = key.lowercased()
        return valueKeyParts.contains { lowered.contains($0) }
    }

    var metadata: Logger.Metadata {
        get { wrapped.metadata }
        set { wrapped.metadata = newValue }
    }

    var logLevel: Logger.Level {
        get { wrapped.logLevel }
        set { wrapped.logLevel = newValue }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { wrapped[metadataKey: key] }
        set { wrapped[metadataKey: key] = newValue }
    }

    func log(level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String,
             file: String, function: String, line: UInt) {
        let kept = metadata?.filter { !Self.isValueKey($0.key) }
        wrapped.log(level: level, message: message, metadata: kept, source: source, file: file, function: function, line: line)
    }
}
