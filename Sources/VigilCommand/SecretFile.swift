import Foundation

/// Reads a secret (a password, a token, a header value) from a file: its first line,
/// without the line ending. A file larger than ``maximumBytes`` is refused: a secret is a
/// line, and a mistaken path (a log, a device) must not be read into memory and passed on.
public enum SecretFile {
    /// The largest secret file read: 64 KiB.
    public static let maximumBytes = 64 * 1024

    /// The secret in `path`.
    /// - Throws: `CommandError` (`fileError`) naming the file when it cannot be read or is
    ///   too large; the message never contains the secret.
    public static func read(_ path: String) throws(CommandError) -> String {
        let handle: FileHandle
        do {
            handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        } catch {
            throw CommandError(.fileError, "cannot read secret file \(path)")
        }
        defer { try? handle.close() }
        let data: Data
        do {
            data = try handle.read(upToCount: maximumBytes + 1) ?? Data()
        } catch {
            throw CommandError(.fileError, "cannot read secret file \(path)")
        }
        guard data.count <= maximumBytes else {
            throw CommandError(.fileError, "secret file \(path) is larger than \(maximumBytes / 1024) KiB: a secret is one line")
        }
        // Bytes, not characters: Swift reads CR LF as one character, which is not "\n".
        var line = data.prefix { $0 != 0x0A }
        if line.last == 0x0D { line = line.dropLast() }
        return String(decoding: line, as: UTF8.self)
    }

    /// The secrets of `files` (name → path), by name.
    public static func read(_ files: [String: String]) throws(CommandError) -> [String: String] {
        var values: [String: String] = [:]
        for (name, path) in files { values[name] = try read(path) }
        return values
    }
}
