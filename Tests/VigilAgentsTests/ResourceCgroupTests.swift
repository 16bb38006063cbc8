import Foundation
import Testing
import VigilAgents
import VigilCommand

/// Per-resource cgroups (v2) on this host: commands join them through `vigil-cgexec`
/// before they exec, daemons that leave their session stay in them, and killing the cgroup
/// ends all of it.
@Suite("resource cgroups", .serialized)
struct ResourceCgroupTests {
    /// A fresh cgroup under this process's own, removed (with anything in it) by `body`'s end.
    static func withCgroup(_ body: (ResourceCgroup) async throws -> Void) async throws {
        let own = try #require(CgroupHierarchy.ownDirectory, "this host has no cgroup2 file system")
        let cgroup = ResourceCgroup(path: own + "/vigil-test-\(UUID().uuidString)")
        try cgroup.create()
        do {
            try await body(cgroup)
        } catch {
            await cgroup.removeTree()
            throw error
        }
        #expect(await cgroup.removeTree(), "the test cgroup could not be removed")
    }

    @Test("a command runs inside its cgroup, as the helper joins it before exec")
    func commandJoinsTheCgroup() async throws {
        try await Self.withCgroup { cgroup in
            let result = try await CommandRunner().run(Command(executable: "/bin/cat", arguments: ["/proc/self/cgroup"], cgroup: cgroup))
            #expect(result.termination == .exited(0), "\(result.output)")
            let mount = try #require(CgroupHierarchy.mountPoint())
            let relative = String(cgroup.path.dropFirst(mount.count))
            #expect(result.output.contains("0::\(relative)\n"), "\(result.output)")
            #expect(!cgroup.isPopulated, "the command has exited")
        }
    }

    @Test("a directory that is not a cgroup is refused: exit 126, named, nothing runs")
    func notACgroup() async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let marker = dir.file("ran")
        let result = try await CommandRunner().run(
            Command(executable: "/usr/bin/touch", arguments: [marker], cgroup: ResourceCgroup(path: dir.path)))
        #expect(result.termination == .exited(126))
        #expect(result.output.contains("cgroup.procs"), "\(result.output)")
        #expect(!FileManager.default.fileExists(atPath: marker))
    }

    @Test("a daemon that left its session survives the process stop, and dies with its cgroup")
    func daemonDiesWithTheCgroup() async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        try await Self.withCgroup { cgroup in
            let script = "setsid /bin/sh -c 'trap \"\" TERM; echo $$ > \(dir.file("daemon")); exec sleep 300' </dev/null >/dev/null 2>&1 & exec sleep 300"
            var spec = ProcessSpec(name: "forker", command: ["/bin/sh", "-c", script])
            spec.cgroup = cgroup
            let executor = ProcessExecutor(spec: spec)
            #expect(await executor.perform(ActionRequest(.start)).code == .success)
            #expect(await eventually { dir.read("daemon") != nil })
            let daemon = try #require(dir.read("daemon").flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) })
            #expect(cgroup.processIDs.contains(daemon), "the daemon is in the cgroup: \(cgroup.processIDs)")
            // The executor's stop ends its process group; the daemon is in another session.
            #expect(await executor.perform(ActionRequest(.stop, timeout: .seconds(2))).code == .success)
            #expect(!processIsGone(daemon), "without the cgroup the daemon would be left running")
            #expect(cgroup.isPopulated)
            #expect(await cgroup.killAndWait(timeout: .seconds(5)))
            #expect(await eventually { processIsGone(daemon) })
            #expect(!cgroup.isPopulated)
        }
    }

    @Test("a process resource's user is taken after the cgroup is joined")
    func userAfterJoin() async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        chmod(dir.path, 0o777)
        try await Self.withCgroup { cgroup in
            var spec = ProcessSpec(
                name: "as-nobody", command: ["/bin/sh", "-c", "id -u; id -G; cat /proc/self/cgroup; exec sleep 300"],
                user: "nobody", logFile: dir.file("out.log"))
            spec.cgroup = cgroup
            let executor = ProcessExecutor(spec: spec)
            #expect(await executor.perform(ActionRequest(.start)).code == .success)
            #expect(await eventually { dir.read("out.log")?.contains("0::") == true })
            let log = dir.read("out.log") ?? ""
            let lines = log.split(separator: "\n")
            #expect(lines.first == "65534", "\(log)")
            #expect(lines.count > 1 && lines[1] == "65534", "supplementary groups: \(log)")
            #expect(log.contains(String(cgroup.path.split(separator: "/").last ?? "?")), "\(log)")
            #expect(await executor.perform(ActionRequest(.stop, timeout: .seconds(5))).code == .success)
            #expect(await cgroup.waitUntilEmpty(timeout: .seconds(5)))
        }
    }

    @Test("removeTree kills and removes nested cgroups")
    func removeTree() async throws {
        let own = try #require(CgroupHierarchy.ownDirectory)
        let root = ResourceCgroup(path: own + "/vigil-test-\(UUID().uuidString)")
        let child = ResourceCgroup(path: root.path + "/n1/web")
        try child.create()
        let result = try await CommandRunner().run(
            Command(executable: "/bin/sh", arguments: ["-c", "setsid sleep 300 </dev/null >/dev/null 2>&1 & echo $!"], cgroup: child))
        let pid = try #require(Int32(result.output.trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(child.isPopulated && root.isPopulated)
        #expect(await root.removeTree())
        #expect(!root.exists)
        #expect(await eventually { processIsGone(pid) })
    }

    @Test("the mount point and own cgroup are read from /proc")
    func hierarchy() {
        let mountinfo = """
            25 30 0:22 / /sys/fs/cgroup rw,nosuid - tmpfs tmpfs rw
            31 25 0:27 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
            """
        #expect(CgroupHierarchy.mountPoint(mountinfo: mountinfo) == "/sys/fs/cgroup/unified")
        #expect(CgroupHierarchy.mountPoint(mountinfo: "1 0 0:1 / / rw - ext4 /dev/vda rw") == nil)
        #expect(CgroupHierarchy.ownCgroup(procCgroup: "4:memory:/x\n0::/system.slice/vigil.service\n") == "/system.slice/vigil.service")
        #expect(CgroupHierarchy.sanitized("a/b") == "a_b")
        #expect(CgroupHierarchy.sanitized("cgroup.procs") == "r-cgroup.procs")
        #expect(CgroupHierarchy.sanitized("..") == "r-..")
    }
}
