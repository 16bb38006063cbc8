import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The cgroup (v2) of one resource on this host: everything the resource's commands start
/// runs in it, daemons that leave their session included, so "everything this resource
/// started" is exact. Killing it (`cgroup.kill`) ends all of it at once, and an empty
/// cgroup (`cgroup.events`: `populated 0`) is the proof that nothing of it runs any more.
///
/// Commands enter it through the `vigil-cgexec` helper (``CgroupExec``), which joins the
/// cgroup before it executes the program, so no child can be forked outside it.
public struct ResourceCgroup: Sendable, Hashable, CustomStringConvertible {
    /// The cgroup's directory in the cgroup2 file system.
    public let path: String

    /// A cgroup at `path` (nothing is created until ``create()``).
    public init(path: String) {
        self.path = path
    }

    /// The cgroup's directory.
    public var description: String { path }

    /// Creates the cgroup (and missing parents); existing ones are kept, with whatever
    /// runs in them (a previous incarnation's processes are found, not lost).
    public func create() throws(CommandError) {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw CommandError(.cgroupFailed, "cannot create cgroup \(path): \(error.localizedDescription)")
        }
        guard FileManager.default.fileExists(atPath: path + "/cgroup.procs") else {
            throw CommandError(.cgroupFailed, "\(path) is not in a cgroup2 file system (no cgroup.procs)")
        }
    }

    /// Whether the cgroup exists.
    public var exists: Bool { FileManager.default.fileExists(atPath: path + "/cgroup.procs") }

    /// Whether any process runs in the cgroup or below it (false when it does not exist).
    public var isPopulated: Bool {
        guard let text = try? String(contentsOfFile: path + "/cgroup.events", encoding: .utf8) else {
            return !processIDs.isEmpty
        }
        for line in text.split(separator: "\n") where line.hasPrefix("populated ") {
            return line.dropFirst("populated ".count) != "0"
        }
        return !processIDs.isEmpty
    }

    /// The processes in the cgroup itself (empty when it does not exist).
    public var processIDs: [Int32] {
        guard let text = try? String(contentsOfFile: path + "/cgroup.procs", encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { Int32($0) }
    }

    /// Sends SIGKILL to every process in the cgroup and below (`cgroup.kill`; on kernels
    /// without it, to each process listed). Returns whether the request was made.
    @discardableResult
    public func kill() -> Bool {
        if Self.write("1", to: path + "/cgroup.kill") { return true }
        var any = false
        for pid in processIDs where pid > 0 {
            any = Glibc.kill(pid, SIGKILL) == 0 || any
        }
        return any
    }

    /// Waits until the cgroup is empty, at most `timeout` on `clock`, polling every 10 ms.
    /// - Returns: whether it is empty.
    public func waitUntilEmpty(timeout: Duration, clock: any Clock<Duration> = ContinuousClock()) async -> Bool {
        await waitUntilEmpty(timeout: timeout, on: clock)
    }

    private func waitUntilEmpty<C: Clock<Duration>>(timeout: Duration, on clock: C) async -> Bool {
        let deadline = clock.now.advanced(by: timeout)
        while isPopulated {
            guard clock.now < deadline else { return !isPopulated }
            do { try await clock.sleep(for: .milliseconds(10)) } catch { return !isPopulated }
        }
        return true
    }

    /// Kills everything in the cgroup and waits, at most `timeout`, until it is empty.
    /// - Returns: whether it is empty.
    public func killAndWait(timeout: Duration, clock: any Clock<Duration> = ContinuousClock()) async -> Bool {
        guard isPopulated else { return true }
        kill()
        return await waitUntilEmpty(timeout: timeout, clock: clock)
    }

    /// Removes the cgroup if it is empty (a populated cgroup is kept).
    /// - Returns: whether it is gone.
    @discardableResult
    public func remove() -> Bool {
        guard exists else { return true }
        return rmdir(path) == 0
    }

    /// Kills everything in the cgroup and the cgroups below it, then removes them all,
    /// deepest first. Returns whether the tree is gone.
    @discardableResult
    public func removeTree(timeout: Duration = .seconds(5)) async -> Bool {
        guard exists else { return true }
        _ = await killAndWait(timeout: timeout)
        let children = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        for child in children.sorted() {
            var isDirectory: ObjCBool = false
            let childPath = path + "/" + child
            if FileManager.default.fileExists(atPath: childPath, isDirectory: &isDirectory), isDirectory.boolValue {
                await ResourceCgroup(path: childPath).removeTree(timeout: timeout)
            }
        }
        return remove()
    }

    /// Removes the cgroup and every empty cgroup below it, deepest first, killing nothing: a
    /// populated cgroup (and its ancestors) is kept. Returns whether the tree is gone.
    @discardableResult
    public func removeEmptyTree() -> Bool {
        guard exists else { return true }
        let children = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        for child in children.sorted() {
            var isDirectory: ObjCBool = false
            let childPath = path + "/" + child
            if FileManager.default.fileExists(atPath: childPath, isDirectory: &isDirectory), isDirectory.boolValue {
                ResourceCgroup(path: childPath).removeEmptyTree()
            }
        }
        return remove()
    }

    /// The program and arguments that run `executable arguments` inside this cgroup, as
    /// `uid`/`gid` when given.
    /// - Throws: `CommandError` (`notInstalled`) when the `vigil-cgexec` helper is missing.
    public func wrap(executable: String, arguments: [String], uid: UInt32? = nil, gid: UInt32? = nil) throws(CommandError) -> (
        executable: String, arguments: [String]
    ) {
        try CgroupExec.wrap(executable: executable, arguments: arguments, cgroup: self, uid: uid, gid: gid)
    }

    static func write(_ text: String, to file: String) -> Bool {
        let fd = open(file, O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        return text.withCString { Glibc.write(fd, $0, strlen($0)) } == text.utf8.count
    }
}
