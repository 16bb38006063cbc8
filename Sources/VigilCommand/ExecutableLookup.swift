#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Finds programs the way `execvp` would, without a shell.
public enum ExecutableLookup {
    /// Returns the absolute path of `name`: itself when it contains a `/`, else the
    /// first executable regular file called `name` in `searchPath`; `nil` when none.
    public static func resolve(_ name: String, searchPath: [String]) -> String? {
        if name.isEmpty { return nil }
        if name.contains("/") {
            return isExecutableFile(name) ? name : nil
        }
        for dir in searchPath where !dir.isEmpty {
            let candidate = dir.hasSuffix("/") ? dir + name : dir + "/" + name
            if isExecutableFile(candidate) { return candidate }
        }
        return nil
    }

    /// Whether `path` is a regular file this process may execute.
    public static func isExecutableFile(_ path: String) -> Bool {
        var info = stat()
        guard stat(path, &info) == 0 else { return false }
        guard (info.st_mode & S_IFMT) == S_IFREG else { return false }
        return access(path, X_OK) == 0
    }
}
