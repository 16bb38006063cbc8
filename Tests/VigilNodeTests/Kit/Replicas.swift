import Foundation
import Glibc
import LeaderJobStore

/// Real `leader-job` processes (Examples/LeaderJob) for tests: each replica's stdout goes to
/// a log of its own; faults are signals to its PID; ``stopAll()`` ends every one by PID.
final class Replicas: @unchecked Sendable {
    struct Line {
        var replica: String
        var kind: String
        var token: Int64?
        var at: Int64
        var text: String
    }

    let directory: URL
    let endpoints: [String]
    let cluster: String
    let ttlMilliseconds: Int
    let intervalMilliseconds: Int
    private(set) var processes: [String: Process] = [:]
    private var starts: [String: Int] = [:]

    init(directory: URL, endpoints: [String], cluster: String, ttlMilliseconds: Int, intervalMilliseconds: Int) {
        self.directory = directory
        self.endpoints = endpoints
        self.cluster = cluster
        self.ttlMilliseconds = ttlMilliseconds
        self.intervalMilliseconds = intervalMilliseconds
    }

    /// The example next to the `vigil` the tests run.
    static var executable: URL {
        VigilBinary.executable.deletingLastPathComponent().appendingPathComponent("leader-job")
    }

    var store: URL { directory.appendingPathComponent("store") }

    func log(_ name: String) -> URL { directory.appendingPathComponent("\(name).log") }

    func start(_ name: String) throws {
        starts[name, default: 0] += 1
        let process = Process()
        process.executableURL = Self.executable
        process.arguments = [
            "--etcd", endpoints.joined(separator: ","), "--cluster", cluster, "--identity", "\(name)-\(starts[name] ?? 1)",
            "--store", store.path, "--ttl-ms", "\(ttlMilliseconds)", "--interval-ms", "\(intervalMilliseconds)",
        ]
        if !FileManager.default.fileExists(atPath: log(name).path) {
            _ = FileManager.default.createFile(atPath: log(name).path, contents: nil)
        }
        let handle = try FileHandle(forWritingTo: log(name))
        handle.seekToEndOfFile()
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        try handle.close()
        processes[name] = process
    }

    func signal(_ name: String, _ number: Int32) {
        guard let process = processes[name], process.isRunning else { return }
        kill(process.processIdentifier, number)
    }

    /// Waits for `name`'s process to exit (after a SIGKILL or SIGTERM), at most 10 s.
    func waitForExit(_ name: String) async throws {
        guard let process = processes[name] else { return }
        try await eventually("\(name) exited", timeout: .seconds(10)) { !process.isRunning }
        process.waitUntilExit()
    }

    func stopAll() {
        for (_, process) in processes where process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            kill(process.processIdentifier, SIGCONT)
        }
        for (_, process) in processes {
            let deadline = Date().addingTimeInterval(10)
            while process.isRunning && Date() < deadline { usleep(10_000) }
            if !process.isRunning { process.waitUntilExit() }
        }
    }

    /// Every line of every replica's log with an `at=` time, in time order.
    func lines() -> [Line] {
        var result: [Line] = []
        for name in processes.keys.sorted() {
            let text = (try? String(contentsOf: log(name), encoding: .utf8)) ?? ""
            for raw in text.split(separator: "\n") {
                let words = raw.split(separator: " ")
                guard let kind = words.first,
                    let at = words.first(where: { $0.hasPrefix("at=") }).flatMap({ Int64($0.dropFirst(3)) })
                else { continue }
                let token = words.first(where: { $0.hasPrefix("token=") }).flatMap { Int64($0.dropFirst(6)) }
                result.append(Line(replica: name, kind: String(kind), token: token, at: at, text: String(raw)))
            }
        }
        return result.sorted { $0.at < $1.at }
    }

    /// The current leader: the replica whose latest `leading` line has the greatest token
    /// and no `stopped` line for it yet, with that token.
    func leader() -> (name: String, token: Int64, since: Int64)? {
        let all = lines()
        guard let latest = all.filter({ $0.kind == "leading" }).max(by: { ($0.token ?? 0) < ($1.token ?? 0) }),
            let token = latest.token
        else { return nil }
        if all.contains(where: { $0.kind == "stopped" && $0.token == token }) { return nil }
        return (latest.replica, token, latest.at)
    }
}
