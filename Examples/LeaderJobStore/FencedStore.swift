public import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A results store that refuses stale leaders: a directory holding the greatest fencing
/// token it has accepted (`token`), the results (`results.log`) and what it refused
/// (`rejected.log`). A write takes an exclusive `flock` on `lock`, so the check and the
/// append are one step for every process on the host.
public struct FencedStore: Sendable {
    /// Why a write was refused.
    public struct Stale: Error, CustomStringConvertible {
        /// The token offered.
        public var offered: Int64
        /// The greatest token accepted so far.
        public var greatest: Int64

        /// Says which token lost to which.
        public var description: String { "token \(offered) is stale: the store has accepted \(greatest)" }
    }

    /// The store's directory.
    public let directory: URL

    /// A store in `directory` (created when missing).
    public init(directory: URL) throws {
        self.directory = directory
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    /// Appends `line` to the results if `token` is at least the greatest accepted so far
    /// (and records it as the greatest); else appends it to `rejected.log` and throws ``Stale``.
    public func write(_ line: String, token: Int64) throws {
        let lock = open(directory.appendingPathComponent("lock").path, O_CREAT | O_RDWR | O_CLOEXEC, 0o644)
        guard lock >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        defer { close(lock) }
        guard flock(lock, LOCK_EX) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        let tokenFile = directory.appendingPathComponent("token")
        let greatest = (try? String(contentsOf: tokenFile, encoding: .utf8)).flatMap { Int64($0.trimmingCharacters(in: .whitespacesAndNewlines)) } ?? 0
        guard token >= greatest else {
            try append("\(token) \(line)\n", to: "rejected.log")
            throw Stale(offered: token, greatest: greatest)
        }
        if token > greatest { try "\(token)\n".write(to: tokenFile, atomically: true, encoding: .utf8) }
        try append("\(token) \(line)\n", to: "results.log")
    }

    private func append(_ text: String, to name: String) throws {
        let path = directory.appendingPathComponent(name).path
        let fd = open(path, O_CREAT | O_WRONLY | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        defer { close(fd) }
        let bytes = Array(text.utf8)
        guard Glibc.write(fd, bytes, bytes.count) == bytes.count else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
    }
}

/// Nanoseconds on `CLOCK_MONOTONIC`: comparable between the processes of one host (the
/// tests compare the replicas' logs with each other and with their own faults).
public func monotonicNanoseconds() -> Int64 {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
}

/// Options given as `--name value` pairs.
public struct ExampleOptions: Sendable {
    /// The values by name (without the dashes).
    public var values: [String: String]

    /// Parses `arguments` (without the program name).
    public init(_ arguments: [String]) throws {
        values = [:]
        var iterator = arguments.makeIterator()
        while let argument = iterator.next() {
            guard argument.hasPrefix("--"), let value = iterator.next() else {
                throw ExampleUsage(message: "expected --name value pairs, got \(argument)")
            }
            values[String(argument.dropFirst(2))] = value
        }
    }

    /// The value of `name`, or `fallback`.
    public func string(_ name: String, _ fallback: String) -> String { values[name] ?? fallback }

    /// `name` as milliseconds, or `fallback`.
    public func milliseconds(_ name: String, _ fallback: Int) throws -> Duration {
        guard let text = values[name] else { return .milliseconds(fallback) }
        guard let value = Int(text), value > 0 else { throw ExampleUsage(message: "--\(name) takes milliseconds, not \(text)") }
        return .milliseconds(value)
    }
}

/// A usage error.
public struct ExampleUsage: Error, CustomStringConvertible {
    /// What was wrong.
    public var message: String
    /// The message.
    public var description: String { message }
}
