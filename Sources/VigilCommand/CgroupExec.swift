import Foundation

/// Finds the `vigil-cgexec` helper, which runs a program inside a cgroup.
public enum CgroupExec {
    /// Where the helper is looked for after `VIGIL_CGEXEC` and the running program's directory.
    public static let searchDirectories = ["/usr/lib/vigil", "/usr/libexec/vigil", "/usr/local/lib/vigil"]

    /// The helper's path: `VIGIL_CGEXEC` if set, else `vigil-cgexec` beside the running
    /// program (as built and as installed), else in ``searchDirectories``; nil if none exists.
    public static var helperPath: String? { resolved }

    private static let resolved: String? = {
        if let explicit = ProcessInfo.processInfo.environment["VIGIL_CGEXEC"], !explicit.isEmpty {
            return ExecutableLookup.isExecutableFile(explicit) ? explicit : nil
        }
        var directories: [String] = []
        if let program = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            directories.append((program as NSString).deletingLastPathComponent)
        }
        directories += searchDirectories
        for directory in directories {
            let candidate = directory + "/vigil-cgexec"
            if ExecutableLookup.isExecutableFile(candidate) { return candidate }
        }
        return nil
    }()
}
