import Foundation
import Testing
import VigilAgents
import VigilCommand

#if canImport(Glibc)
import Glibc
#endif

/// `log-file` is opened with the identity the process runs as, never followed through a
/// symlink, so a user cannot make root write a file of root's by planting a link (issue 10 §4).
/// Each case runs with and without a cgroup: the file is opened the same way in both.
@Suite("process log-file", .serialized)
struct ProcessLogFileTests {
    static let nobody: UInt32 = 65534

    /// Runs `body` with a fresh cgroup, or with none.
    static func withOptionalCgroup(_ useCgroup: Bool, _ body: (ResourceCgroup?) async throws -> Void) async throws {
        if useCgroup {
            try await ResourceCgroupTests.withCgroup { try await body($0) }
        } else {
            try await body(nil)
        }
    }

    /// Starts `spec`, returns the start's result, and stops whatever was started. When the
    /// start succeeds, waits first for `marker` (made by the command after its output).
    static func start(_ spec: ProcessSpec, marker: String? = nil) async -> ActionResult {
        let executor = ProcessExecutor(spec: spec)
        let result = await executor.perform(ActionRequest(.start))
        if result.code == .success, let marker {
            #expect(await eventually { FileManager.default.fileExists(atPath: marker) })
        }
        let stop = await executor.perform(ActionRequest(.stop, timeout: .seconds(5)))
        #expect(stop.code == .success, "\(stop.output)")
        return result
    }

    @Test(
        "a symlink planted at the log-file path is not followed: root's file is unchanged, the start fails",
        arguments: [(String?.some("nobody"), false), ("nobody", true), (nil, false), (nil, true)])
    func symlinkNotFollowed(user: String?, useCgroup: Bool) async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        chmod(dir.path, 0o777)  // the user's own log directory (not sticky: no kernel protection applies)
        try dir.write("root-owned", "root's file\n", mode: 0o644)
        let log = dir.file("svc.log")
        #expect(symlink(dir.file("root-owned"), log) == 0)
        #expect(lchown(log, Self.nobody, Self.nobody) == 0)  // planted by the user
        try await Self.withOptionalCgroup(useCgroup) { cgroup in
            var spec = ProcessSpec(
                name: "svc", command: ["/bin/sh", "-c", "echo written-through-the-link; touch \(dir.file("ran")); exec sleep 300"],
                user: user, logFile: log)
            spec.cgroup = cgroup
            let result = await Self.start(spec, marker: dir.file("ran"))
            #expect(result.code != .success, "started although the log-file is a symlink: \(result.output)")
            #expect(result.output.contains("log-file") && result.output.contains(log), "\(result.output)")
            #expect(result.output.contains("symbolic link"), "\(result.output)")
        }
        #expect(dir.read("root-owned") == "root's file\n")
    }

    @Test("a log-file in a directory the user cannot write is refused", arguments: [false, true])
    func unwritableDirectory(useCgroup: Bool) async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        chmod(dir.path, 0o755)  // root's directory: nobody may enter it but not create files in it
        let log = dir.file("svc.log")
        try await Self.withOptionalCgroup(useCgroup) { cgroup in
            var spec = ProcessSpec(name: "svc", command: ["/bin/sh", "-c", "echo hello; exec sleep 300"], user: "nobody", logFile: log)
            spec.cgroup = cgroup
            let result = await Self.start(spec)
            #expect(result.code == .notConfigured, "\(result.code): \(result.output)")
            #expect(result.output.contains("log-file") && result.output.contains(log), "\(result.output)")
            #expect(result.output.contains("Permission denied"), "\(result.output)")
        }
        #expect(!FileManager.default.fileExists(atPath: log))
    }

    @Test("the log-file is created by the user it runs as, and appended to", arguments: [false, true])
    func createdByTheUser(useCgroup: Bool) async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        chmod(dir.path, 0o777)
        let log = dir.file("svc.log")
        try await Self.withOptionalCgroup(useCgroup) { cgroup in
            for round in 1...2 {
                var spec = ProcessSpec(name: "svc", command: ["/bin/sh", "-c", "echo round-\(round); exec sleep 300"], user: "nobody", logFile: log)
                spec.cgroup = cgroup
                let executor = ProcessExecutor(spec: spec)
                let result = await executor.perform(ActionRequest(.start))
                #expect(result.code == .success, "\(result.output)")
                #expect(await eventually { dir.read("svc.log")?.contains("round-\(round)") == true })
                #expect(await executor.perform(ActionRequest(.stop, timeout: .seconds(5))).code == .success)
            }
        }
        var info = stat()
        #expect(lstat(log, &info) == 0)
        #expect(info.st_uid == Self.nobody, "owned by uid \(info.st_uid)")
        #expect((info.st_mode & S_IFMT) == S_IFREG)
        #expect(dir.read("svc.log") == "round-1\nround-2\n")
    }

    @Test("a FIFO at the log-file path is refused at once, not waited on", .timeLimit(.minutes(1)))
    func fifoRefused() async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        chmod(dir.path, 0o777)
        let log = dir.file("svc.log")
        #expect(mkfifo(log, 0o666) == 0)
        let result = await Self.start(ProcessSpec(name: "svc", command: ["/bin/sh", "-c", "exec sleep 300"], user: "nobody", logFile: log))
        #expect(result.code == .notConfigured, "\(result.code): \(result.output)")
        #expect(result.output.contains("log-file") && result.output.contains(log), "\(result.output)")
    }
}
