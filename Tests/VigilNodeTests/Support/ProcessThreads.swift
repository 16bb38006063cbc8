import Foundation

/// The threads of this test process, as /proc sees them.
enum ProcessThreads {
    /// The threads whose network namespace is not the process's (thread id and namespace).
    static func outsideOwnNetworkNamespace() -> [String] {
        let own = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/ns/net")) ?? ""
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
        return tasks.compactMap { task in
            guard let namespace = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/task/\(task)/ns/net"),
                namespace != own
            else { return nil }
            return "\(task): \(namespace)"
        }
    }
}
