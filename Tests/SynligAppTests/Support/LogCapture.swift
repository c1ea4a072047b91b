import Logging
import NIOConcurrencyHelpers

/// Collects every log line an app writes, with its metadata, for inspection.
final class LogCapture: @unchecked Sendable {
    private let lines = NIOLockedValueBox<[String]>([])

    var all: [String] { lines.withLockedValue { $0 } }

    func handler(label: String) -> any LogHandler { Handler(capture: self, label: label) }

    struct Handler: LogHandler {
        let capture: LogCapture
        let label: String
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(level: Logger.Level, message: Logger.Message, metadata extra: Logger.Metadata?, source: String, file: String, function: String, line: UInt) {
            let all = metadata.merging(extra ?? [:]) { $1 }
            capture.lines.withLockedValue { $0.append("\(label) \(level) \(message) \(all)") }
        }
    }
}
