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

    /// Host PIDs of live instances whose command line contains `marker`: the matching
    /// processes whose parent does not match. A shell daemon that runs `sleep` in a loop forks
    /// a child that carries the daemon's command line until it execs; on a loaded machine a
    /// 20 ms sampler sees that child, which is part of the same instance, not a second one.
    static func instances(containing marker: String) -> [pid_t] {
        let matching = live(containing: marker)
        let set = Set(matching)
        return matching.filter { pid in parent(of: pid).map { !set.contains($0) } ?? true }
    }

    /// The parent PID of `pid`, from /proc (nil when it is gone).
    static func parent(of pid: pid_t) -> pid_t? {
        let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
        guard let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        return fields.count > 1 ? pid_t(fields[1]) : nil
    }

    /// Whether `pid` exists and is not a zombie.
    static func isLive(_ pid: pid_t) -> Bool {
        let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
        guard let close = stat.lastIndex(of: ")") else { return false }
        let state = stat[stat.index(after: close)...].split(separator: " ").first
        return state != "Z" && state != "X"
    }

    /// One line per PID: its PID, parent and command line (for a failure message).
    static func describe(_ pids: [pid_t]) -> String {
        pids.map { pid in
            let cmdline = (try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/cmdline"))) ?? Data()
            let words = cmdline.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            return "\(pid) (parent \(parent(of: pid).map(String.init) ?? "?")): \(words.joined(separator: " "))"
        }.joined(separator: "\n")
    }

    /// The most instances seen at once by a sampler.
    final class Peak: Sendable {
        private let value = Mutex((most: 0, detail: ""))
        /// Records a sample.
        func see(_ count: Int) { value.withLock { $0.most = max($0.most, count) } }
        /// Records a sample of these processes, and describes them when they are a new peak.
        func see(_ pids: [pid_t]) {
            value.withLock {
                guard pids.count > $0.most else { return }
                $0 = (pids.count, ProcessTable.describe(pids))
            }
        }
        /// The largest sample.
        var most: Int { value.withLock { $0.most } }
        /// The processes of the largest sample, when it was recorded with ``see(_:)-([pid_t])``.
        var detail: String { value.withLock { $0.detail } }
    }
}
