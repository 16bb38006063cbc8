import Foundation

/// Reads secrets from files: the first line, without its line ending.
enum SecretFile {
    /// The largest password file read (64 KiB).
    static let byteLimit = 64 * 1024

    /// The secret in `path`, `""` when `path` is nil.
    static func read(_ path: String?) throws -> String {
        guard let path else { return "" }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw HealthError(.secretUnreadable, "cannot read password file \(path)")
        }
        defer { try? handle.close() }
        // Only the first line counts; a file larger than any password is not read whole.
        let data: Data
        do {
            data = try handle.read(upToCount: byteLimit + 1) ?? Data()
        } catch {
            throw HealthError(.secretUnreadable, "cannot read password file \(path): \(error)")
        }
        guard data.count <= byteLimit else {
            throw HealthError(.secretUnreadable, "password file \(path) is larger than \(byteLimit) bytes")
        }
        let text = String(decoding: data, as: UTF8.self)
        let line = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        return line.hasSuffix("\r") ? String(line.dropLast()) : String(line)
    }
}
