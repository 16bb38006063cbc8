import Glibc

/// Whether the `/proc` this process sees belongs to its own PID namespace.
///
/// The Swift runtime's dispatch work queue on Linux watches its worker threads through
/// `/proc/<thread id>/stat`, with the thread ids of the process's own PID namespace. An agent
/// started in a new PID namespace without a `/proc` of that namespace (`unshare --pid --fork`
/// without `--mount-proc`) reads another namespace's entries there, and dies with a trap at a
/// random moment — whenever one of its thread ids has no entry in the `/proc` it sees. The
/// agent refuses to start instead.
enum ProcMount {
    /// Nil when `/proc/self` is this process; otherwise why not, for an error message.
    static func mismatch() -> String? {
        var buffer = [CChar](repeating: 0, count: 64)
        let length = readlink("/proc/self", &buffer, buffer.count - 1)
        guard length > 0 else {
            return "/proc is not mounted (readlink /proc/self: \(String(cString: strerror(errno))))"
        }
        let seen = String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let own = getpid()
        guard seen == "\(own)" else {
            return "/proc belongs to another PID namespace (/proc/self is \(seen), this process is \(own));"
                + " mount a /proc of the agent's PID namespace (e.g. unshare --pid --fork --mount-proc)"
        }
        return nil
    }
}
