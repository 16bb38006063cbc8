import Foundation

/// Reads secrets from files: the first line, without its line ending.
enum SecretFile {
    /// The secret in `path`, `""` when `path` is nil.
    static func read(_ path: String?) throws -> String {
        guard let path else { return "" }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw HealthError(.secretUnreadable, "cannot read password file \(path)")
        }
        let text = String(decoding: data, as: UTF8.self)
        let line = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        return line.hasSuffix("\r") ? String(line.dropLast()) : String(line)
    }
}
