import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// What actually runs on this machine, read from /proc — the ground truth the "never two
/// actives" tests count instances from (not what Vigil reports).
enum ProcessTable {
    /// Host PIDs of live processes (zombies excluded) whose command line contains `marker`.
    static func live(containing marker: String) -> [pid_t] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { pid_t($0) }.filter { pid in
            let cmdline = (try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/cmdline"))) ?? Data()
            guard String(decoding: cmdline, as: UTF8.self).contains(marker) else { return false }
            return isLive(pid)
        }
    }

    /// Whether `pid` exists and is not a zombie.
    static func isLive(_ pid: pid_t) -> Bool {
        let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
        guard let close = stat.lastIndex(of: ")") else { return false }
        let state = stat[stat.index(after: close)...].split(separator: " ").first
        return state != "Z" && state != "X"
    }

    /// The most instances seen at once by a sampler.
    final class Peak: Sendable {
        private let value = Mutex(0)
        /// Records a sample.
        func see(_ count: Int) { value.withLock { $0 = max($0, count) } }
        /// The largest sample.
        var most: Int { value.withLock { $0 } }
    }
}
