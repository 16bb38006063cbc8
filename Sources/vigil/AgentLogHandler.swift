import Foundation
import Logging
import VigilNode
import VigilCluster

/// The agent's log lines on standard error: like swift-log's stream handler, with the time
/// to the millisecond (UTC), because failovers are measured in them, and without secrets:
/// the message and every metadata value go through the agent's ``RedactionSet``.
///
/// `2026-12-06T09:10:14.237Z info vigil.agent: node=n2 term=52 [VigilNode] elected coordinator`
struct AgentLogHandler: LogHandler {
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .info
    var metadataProvider: Logger.MetadataProvider?
    private let label: String
    private let redaction: RedactionSet

    init(label: String, redaction: RedactionSet) {
        self.label = label
        self.redaction = redaction
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let explicit = event.metadata { merged.merge(explicit) { _, new in new } }
        let fields = merged.sorted { $0.key < $1.key }.map { "\($0.key)=\(redaction.redact("\($0.value)"))" }.joined(separator: " ")
        let message = redaction.redact("\(event.message)")
        let text = "\(Self.timestamp()) \(event.level) \(label):\(fields.isEmpty ? "" : " " + fields) [\(event.source)] \(message)\n"
        FileHandle.standardError.write(Data(text.utf8))
    }

    /// Now as `YYYY-MM-DDTHH:MM:SS.mmmZ`.
    static func timestamp() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var seconds = now.tv_sec
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday),
            Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), Int(now.tv_nsec / 1_000_000))
    }
}
