import Logging
import Synchronization

/// Collects log messages so tests can check what a component reported.
final class LogCapture: Sendable {
    private let messages = Mutex<[String]>([])

    /// A logger (level debug) writing into this capture.
    var logger: Logger {
        var logger = Logger(label: "test.capture") { _ in Handler(capture: self) }
        logger.logLevel = .debug
        return logger
    }

    /// Every message logged so far.
    var all: [String] { messages.withLock { $0 } }

    func append(_ message: String) { messages.withLock { $0.append(message) } }

    struct Handler: LogHandler {
        let capture: LogCapture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .debug

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            capture.append(event.message.description)
        }
    }
}
