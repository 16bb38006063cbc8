#if canImport(Glibc)
import Glibc
#endif

/// The baseline for OCF overhead: posix_spawn + waitpid, nothing else.
enum Spawn {
    /// Runs `path` with `arguments` and `environment`; returns its wall time.
    static func run(_ path: String, _ arguments: [String], environment: [String: String]) -> Duration {
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        let started = ContinuousClock.now
        var pid: pid_t = 0
        guard posix_spawn(&pid, path, nil, nil, argv, envp) == 0 else { return .zero }
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        return ContinuousClock.now - started
    }
}
