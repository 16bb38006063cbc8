import Foundation
import Glibc

/// The test power switch (`lab/test-fence/power-switch.py`) that `fence_vigiltest` drives
/// over TCP on 127.0.0.1: a plug is a test node, powering it off SIGKILLs the PID 1 of the
/// node's PID namespace. Started by ``start()``, stopped by PID in ``stop()``.
final class PowerSwitch: @unchecked Sendable {
    /// One request the switch received.
    struct Request: Equatable {
        var time: Double
        var action: String
        var plug: String
    }

    /// The directory holding `fence_vigiltest` (the agents' `--fence-agent-path`).
    static var agentDirectory: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("lab/test-fence").path
    }

    let port: Int
    private let process: Process
    private let directory: URL

    private init(port: Int, process: Process, directory: URL) {
        self.port = port
        self.process = process
        self.directory = directory
    }

    /// Starts a switch on a free port of 127.0.0.1.
    static func start() async throws -> PowerSwitch {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-switch-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let portFile = directory.appendingPathComponent("port")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [
            agentDirectory + "/power-switch.py", portFile.path, directory.path, directory.appendingPathComponent("requests.log").path,
        ]
        process.standardInput = FileHandle.nullDevice
        try process.run()
        var port = 0
        do {
            try await eventually("the power switch to listen", timeout: .seconds(10)) {
                port = (try? String(contentsOf: portFile, encoding: .utf8)).flatMap { Int($0) } ?? 0
                return port > 0 || !process.isRunning
            }
        } catch {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            try? FileManager.default.removeItem(at: directory)
            throw error
        }
        let powerSwitch = PowerSwitch(port: port, process: process, directory: directory)
        guard process.isRunning else {
            powerSwitch.stop()
            throw TestFailure("the power switch exited at start")
        }
        return powerSwitch
    }

    /// Wires plug `node` to the process `pid` (host PID of the node namespace's PID 1).
    func plug(_ node: String, to pid: pid_t) throws {
        try "\(pid)\n".write(to: directory.appendingPathComponent("\(node).pid"), atomically: true, encoding: .utf8)
    }

    /// Every request received so far, in order.
    func requests() -> [Request] {
        let text = (try? String(contentsOf: directory.appendingPathComponent("requests.log"), encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { line in
            let words = line.split(separator: " ")
            guard words.count == 3, let time = Double(words[0]) else { return nil }
            return Request(time: time, action: String(words[1]), plug: String(words[2]))
        }
    }

    /// Stops the switch (by PID) and removes its directory.
    func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: directory)
    }
}
