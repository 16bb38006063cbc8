import Foundation

/// Where this host's cgroup2 file system is and where this process sits in it.
public enum CgroupHierarchy {
    /// The mount point of the cgroup2 file system (`/sys/fs/cgroup` on a unified host,
    /// `/sys/fs/cgroup/unified` on a hybrid one), read from `/proc/self/mountinfo`.
    public static func mountPoint() -> String? {
        mountPoint(mountinfo: try? String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8))
    }

    /// The cgroup2 mount point in `mountinfo` (the text of a `/proc/<pid>/mountinfo`).
    public static func mountPoint(mountinfo: String?) -> String? {
        guard let mountinfo else { return nil }
        for line in mountinfo.split(separator: "\n") {
            // "... mount-point options - fstype source super-options"
            let halves = line.components(separatedBy: " - ")
            guard halves.count == 2, halves[1].hasPrefix("cgroup2 ") else { continue }
            let fields = halves[0].split(separator: " ")
            guard fields.count >= 5 else { continue }
            return String(fields[4]).replacingOccurrences(of: "\\040", with: " ")
        }
        return nil
    }

    /// This process's cgroup2 path (the `0::` line of `/proc/self/cgroup`), e.g.
    /// `/system.slice/vigil.service`.
    public static func ownCgroup() -> String? {
        ownCgroup(procCgroup: try? String(contentsOfFile: "/proc/self/cgroup", encoding: .utf8))
    }

    /// The cgroup2 path in `procCgroup` (the text of a `/proc/<pid>/cgroup`).
    public static func ownCgroup(procCgroup: String?) -> String? {
        guard let procCgroup else { return nil }
        for line in procCgroup.split(separator: "\n") where line.hasPrefix("0::") {
            return String(line.dropFirst(3))
        }
        return nil
    }

    /// The default directory under which an agent for `node` makes its resources'
    /// cgroups: `vigil.<node>` inside its own cgroup (under systemd with `Delegate=yes`,
    /// the unit's delegated subtree). Nil when there is no cgroup2 file system.
    public static func defaultRoot(node: String) -> String? {
        ownDirectory.map { $0 + "/vigil." + sanitized(node) }
    }

    /// This process's own cgroup directory in the cgroup2 file system (nil without one).
    public static var ownDirectory: String? {
        guard let mount = mountPoint(), let own = ownCgroup() else { return nil }
        return own == "/" ? mount : mount + own
    }

    /// A name safe as one cgroup directory: `/` and NUL become `_`, and names the kernel
    /// reserves (`cgroup.*`, `.`, `..`) get a prefix.
    public static func sanitized(_ name: String) -> String {
        var result = String(name.map { $0 == "/" || $0 == "\0" ? "_" : $0 })
        if result.isEmpty || result == "." || result == ".." || result.hasPrefix("cgroup.") { result = "r-" + result }
        return result
    }
}
