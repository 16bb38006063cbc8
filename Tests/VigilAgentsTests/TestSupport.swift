import Foundation
import Testing
import VigilCommand

#if canImport(Glibc)
import Glibc
#endif

/// A temporary directory removed by `remove()`.
struct TempDir {
    let path: String

    init(_ prefix: String = "vigil-agents") throws {
        var template = Array("/tmp/\(prefix)-XXXXXX".utf8CString)
        guard let result = mkdtemp(&template) else { throw TestFailure("mkdtemp failed: errno \(errno)") }
        path = String(cString: result)
    }

    func file(_ name: String) -> String { path + "/" + name }

    func write(_ name: String, _ text: String, mode: Int = 0o644) throws {
        try text.write(toFile: file(name), atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: file(name))
    }

    func read(_ name: String) -> String? {
        try? String(contentsOfFile: file(name), encoding: .utf8)
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Runs a command and requires exit 0.
@discardableResult
func sh(_ argv: [String], timeout: Duration = .seconds(20), stdin: String = "") async throws -> String {
    let result = try await CommandRunner().run(
        Command(
            executable: argv[0], arguments: Array(argv.dropFirst()), inheritEnvironment: true, standardInput: stdin,
            timeout: timeout))
    guard result.exitStatus == 0 else {
        throw TestFailure("\(argv.joined(separator: " ")) failed (\(result.termination)): \(result.output)")
    }
    return result.output
}

/// Polls `condition` every 10 ms until it holds or `deadline` passes. The default is
/// generous because it only bounds a failing run: a condition that holds returns at once,
/// and a cold first run on a fresh machine (processes started from a cold disk) is slow.
func eventually(within deadline: Duration = .seconds(20), _ condition: () async -> Bool) async -> Bool {
    let end = ContinuousClock.now + deadline
    while ContinuousClock.now < end {
        if await condition() { return true }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return await condition()
}

/// Whether `pid` no longer exists (or is a zombie awaiting its reaper).
func processIsGone(_ pid: Int32) -> Bool {
    if kill(pid, 0) != 0 { return errno == ESRCH }
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return true }
    guard let close = stat.lastIndex(of: ")") else { return false }
    let fields = stat[stat.index(after: close)...].split(separator: " ")
    return fields.first == "Z" || fields.first == "X"
}
