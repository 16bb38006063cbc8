import Foundation
import Glibc
import VigilNode
import VigilStore

/// Real `vigil agent` processes for tests, each in its own PID namespace (`unshare --pid
/// --fork --kill-child`) so a whole "node" — the agent and every process it started — can
/// be killed at once. Everything is stopped by PID in ``stop()``.
final class AgentNodes: @unchecked Sendable {
    struct Node {
        var name: String
        var process: Process?
        var log: URL
    }

    let endpoints: [String]
    let cluster: String
    let directory: URL
    private(set) var nodes: [Node]
    /// Node → the port its HTTP API listens on (127.0.0.1).
    let apiPorts: [String: Int]
    /// Added to every agent's command line (e.g. `--fence-agent-path`).
    var extraArguments: [String] = []

    init(names: [String], endpoints: [String], cluster: String, directory: URL) throws {
        self.apiPorts = Dictionary(uniqueKeysWithValues: zip(names, try FreePorts.take(names.count)))
        self.endpoints = endpoints
        self.cluster = cluster
        self.directory = directory
        self.nodes = names.map { Node(name: $0, process: nil, log: directory.appendingPathComponent("\($0).log")) }
    }

    /// The built `vigil` executable (next to the test bundle).
    static var vigil: URL { VigilBinary.executable }

    /// The sample web service the demo runs too (`lab/demo-web.py PORT PIDFILE`).
    static var webServerScript: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("lab/demo-web.py").path
    }

    func index(of name: String) -> Int? { nodes.firstIndex { $0.name == name } }

    /// Starts the agent of node `name`.
    func start(_ name: String) throws {
        guard let index = index(of: name) else { throw TestFailure("no node \(name)") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/unshare")
        process.arguments = [
            "--pid", "--fork", "--kill-child", Self.vigil.path, "agent", "--node", name, "--etcd", endpoints.joined(separator: ","),
            "--cluster", cluster, "--listen", "127.0.0.1:\(apiPorts[name] ?? 0)", "--runtime-dir", directory.appendingPathComponent("run-\(name)").path, "--log-level", "info",
        ] + extraArguments
        _ = FileManager.default.createFile(atPath: nodes[index].log.path, contents: nil)
        let log = try FileHandle(forWritingTo: nodes[index].log)
        log.seekToEndOfFile()
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        try process.run()
        nodes[index].process = process
    }

    /// The agent's PID (PID 1 of its namespace), once forked.
    func agentPID(_ name: String) -> pid_t? {
        guard let index = index(of: name), let process = nodes[index].process, process.isRunning else { return nil }
        let pid = process.processIdentifier
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/task/\(pid)/children", encoding: .utf8) else { return nil }
        return text.split(separator: " ").first.flatMap { pid_t(String($0)) }
    }

    /// The host PIDs of the agent's children whose command line contains `marker` (PIDs
    /// written inside the namespace mean nothing outside it).
    func childPIDs(of name: String, containing marker: String) -> [pid_t] {
        guard let agent = agentPID(name) else { return [] }
        var found: [pid_t] = []
        var queue = [agent]
        while let pid = queue.popLast() {
            let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
            for task in tasks {
                let text = (try? String(contentsOfFile: "/proc/\(pid)/task/\(task)/children", encoding: .utf8)) ?? ""
                let children = text.split(separator: " ").compactMap { pid_t(String($0)) }
                queue.append(contentsOf: children)
                found.append(contentsOf: children)
            }
        }
        return found.filter { pid in
            let cmdline = (try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/cmdline"))) ?? Data()
            return String(decoding: cmdline, as: UTF8.self).contains(marker)
        }
    }

    /// Kills node `name` whole: SIGKILL to its namespace's PID 1 ends every process in it.
    func killNode(_ name: String) async throws {
        guard let index = index(of: name), let process = nodes[index].process else { return }
        if let agent = agentPID(name) { Glibc.kill(agent, SIGKILL) }
        try await eventually("node \(name) to die", timeout: .seconds(10)) { !process.isRunning }
        nodes[index].process = nil
    }

    /// SIGTERM to the agent (a graceful stop); waits for it to exit.
    func stopGracefully(_ name: String) async throws {
        guard let index = index(of: name), let process = nodes[index].process, let agent = agentPID(name) else { return }
        Glibc.kill(agent, SIGTERM)
        try await eventually("agent \(name) to leave", timeout: .seconds(30)) { !process.isRunning }
        nodes[index].process = nil
    }

    /// Kills every node (by PID) and waits for them.
    func stop() async {
        for name in nodes.map(\.name) { try? await killNode(name) }
    }

    /// The last lines of every agent's log (for failure messages).
    func logs(last count: Int = 15) -> String {
        nodes.map { node in
            let text = (try? String(contentsOf: node.log, encoding: .utf8)) ?? ""
            return "--- \(node.name)\n" + text.split(separator: "\n").suffix(count).joined(separator: "\n")
        }.joined(separator: "\n")
    }
}
