import Foundation

/// Finds the `vigil-cgexec` helper, which runs a program inside a cgroup, as a user, with
/// its output in a file opened as that user.
public enum CgroupExec {
    /// The exit status of the helper when the output file cannot be used (a symbolic
    /// link, not a regular file, not writable by the user).
    public static let outputFailedStatus: Int32 = 125

    /// The program and arguments that run `executable arguments` through the helper: in
    /// `cgroup` (none: the caller's), as `uid`/`gid` (none: the caller's), with stdout and
    /// stderr appended to `output`, opened only after the user is taken, never through a
    /// symbolic link (none: the caller's).
    ///
    /// The helper writes to its stderr only when it fails before the program runs; that
    /// stderr reaches end-of-file exactly when the program has been executed.
    /// - Throws: `CommandError` (`notInstalled`) when the helper is missing.
    public static func wrap(
        executable: String, arguments: [String], cgroup: ResourceCgroup?, uid: UInt32? = nil, gid: UInt32? = nil,
        output: String? = nil
    ) throws(CommandError) -> (executable: String, arguments: [String]) {
        guard let helper = helperPath else {
            throw CommandError(.notInstalled, "vigil-cgexec: not installed (looked beside the program and in \(searchDirectories))")
        }
        let options = output.map { ["--output", $0] } ?? []
        return (helper, options + [cgroup?.path ?? "-", uid.map(String.init) ?? "-", gid.map(String.init) ?? "-", executable] + arguments)
    }

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
