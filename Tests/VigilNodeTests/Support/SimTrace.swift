import Foundation
import Logging

/// The simulation's trace: every agent log line, stamped with the test clock, kept in memory
/// so a failing seed can show what led to the failure.
final class SimTrace: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    private let now: @Sendable () -> Duration

    init(now: @escaping @Sendable () -> Duration) {
        self.now = now
    }

    func append(_ line: String) {
        let stamp = now()
        lock.withLock { lines.append("t=\(stamp) \(line)") }
    }

    /// Every line so far.
    var all: [String] { lock.withLock { lines } }

    func last(_ count: Int) -> String {
        lock.withLock { lines.suffix(count).joined(separator: "\n") }
    }

    func logger(label: String) -> Logger {
        var logger = Logger(label: label, factory: { _ in Handler(trace: self) })
        logger.logLevel = .info
        return logger
    }

    struct Handler: LogHandler {
        let trace: SimTrace
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .info

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let merged = metadata.merging(event.metadata ?? [:]) { $1 }
            let node = merged["node"].map { "\($0)" } ?? "-"
            let rest = merged.filter { $0.key != "node" }.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            trace.append("\(node) \(event.level) \(event.message) \(rest)")
        }
    }
}
