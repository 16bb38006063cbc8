import Foundation
import Glibc
import VigilCommand
import VigilNode
import VigilCluster
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
    /// The cgroup under which each node's agent makes its resources' cgroups
    /// (`<root>/<node>`); removed, with anything left in it, by ``stop()``.
    let cgroupRoot: String
    /// With a test watchdog (lab/test-watchdog): its timeout. Each node's agent then feeds
    /// a FIFO watched by a process that kills the node when it is starved.
    var watchdogTimeout: Duration?
    /// Node → the etcd endpoints its agent is given (default: all of ``endpoints``).
    var endpointsOf: [String: [String]] = [:]
    /// Whether each agent runs as PID 1 of a PID namespace of its own (a node killed whole
    /// by one SIGKILL). Without, the agent is a plain process: it can die alone (an agent
    /// crash) while what it started runs on; a "node" is then its agent and its cgroups.
    var pidNamespace = true
    /// Node → directories bind-mounted in its agent's mount namespace before the agent
    /// starts (source → target): what an unchanged resource agent keeps at fixed paths
    /// (`/var/lib/rabbitmq`, …) is the node's own, as on a host of its own.
    var mounts: [String: [(source: String, target: String)]] = [:]
    private var watchdogs: [String: Process] = [:]

    init(names: [String], endpoints: [String], cluster: String, directory: URL) throws {
        self.apiPorts = Dictionary(uniqueKeysWithValues: zip(names, try FreePorts.take(names.count)))
        self.endpoints = endpoints
        self.cluster = cluster
        self.directory = directory
        self.nodes = names.map { Node(name: $0, process: nil, log: directory.appendingPathComponent("\($0).log")) }
        guard let own = CgroupHierarchy.ownDirectory else { throw TestFailure("no cgroup2 file system on this host") }
        self.cgroupRoot = own + "/vigil-test-" + directory.lastPathComponent
    }

    /// The script of the test watchdog.
    static var watchdogScript: String {
        URL(fileURLWithPath: webServerScript).deletingLastPathComponent().appendingPathComponent("test-watchdog/watchdog.py").path
    }

    /// The test watchdog's log of node `name` ("armed", "disarmed", "reset: …").
    func watchdogLog(_ name: String) -> String {
        (try? String(contentsOf: directory.appendingPathComponent("watchdog-\(name).log"), encoding: .utf8)) ?? ""
    }

    /// Starts node `name`'s test watchdog (once) and returns the agent's arguments for it.
    private func watchdogArguments(_ name: String) async throws -> [String] {
        guard let timeout = watchdogTimeout else { return [] }
        let fifo = directory.appendingPathComponent("watchdog-\(name)").path
        if watchdogs[name] == nil {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
            let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
            process.arguments = [
                Self.watchdogScript, fifo, "\(seconds)", directory.appendingPathComponent("watchdog-\(name).target").path,
                directory.appendingPathComponent("watchdog-\(name).log").path,
            ] + (pidNamespace ? [] : [cgroupRoot + "/" + name])
            process.standardInput = FileHandle.nullDevice
            try process.run()
            watchdogs[name] = process
            try await eventually("watchdog of \(name) ready", timeout: .seconds(10)) { self.watchdogLog(name).contains("ready") }
        }
        return ["--watchdog", fifo, "--watchdog-timeout", "\(timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000)ms"]
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
    func start(_ name: String) async throws {
        guard let index = index(of: name) else { throw TestFailure("no node \(name)") }
        let watchdog = try await watchdogArguments(name)
        let process = Process()
        let agent = [
            Self.vigil.path, "agent", "--node", name, "--etcd", (endpointsOf[name] ?? endpoints).joined(separator: ","),
            "--cluster", cluster, "--listen", "127.0.0.1:\(apiPorts[name] ?? 0)", "--runtime-dir", directory.appendingPathComponent("run-\(name)").path, "--log-level", ProcessInfo.processInfo.environment["VIGIL_TEST_LOG_LEVEL"] ?? "info",
            "--cgroup-root", cgroupRoot + "/" + name,
        ] + watchdog + extraArguments
        if pidNamespace {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/unshare")
            // A /proc of the namespace's own: the agent refuses to start without one (the
            // dispatch runtime reads its threads there), and what it starts sees its own PIDs
            // there (Galera's SST scripts check their rsync daemon through /proc).
            var command = agent
            if let binds = mounts[name], !binds.isEmpty {
                // The paths are arguments of the script, never part of it.
                let script = #"while [ "$1" != -- ]; do mount --bind "$1" "$2" || exit 97; shift 2; done; shift; exec "$@""#
                command = ["/bin/sh", "-c", script, "sh"] + binds.flatMap { [$0.source, $0.target] } + ["--"] + agent
            }
            process.arguments = ["--pid", "--uts", "--fork", "--kill-child", "--mount-proc"] + command
        } else {
            process.executableURL = URL(fileURLWithPath: agent[0])
            process.arguments = Array(agent.dropFirst())
        }
        _ = FileManager.default.createFile(atPath: nodes[index].log.path, contents: nil)
        let log = try FileHandle(forWritingTo: nodes[index].log)
        log.seekToEndOfFile()
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        try process.run()
        nodes[index].process = process
        if watchdogTimeout != nil {
            try "\(process.processIdentifier)".write(
                to: directory.appendingPathComponent("watchdog-\(name).target"), atomically: true, encoding: .utf8)
        }
    }

    /// The agent's PID (PID 1 of its namespace), once forked.
    func agentPID(_ name: String) -> pid_t? {
        guard let index = index(of: name), let process = nodes[index].process, process.isRunning else { return nil }
        let pid = process.processIdentifier
        if !pidNamespace { return pid }
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

    /// Kills node `name` whole: SIGKILL to its namespace's PID 1 ends every process in it
    /// (without PID namespaces: the agent, then everything in the node's cgroups).
    func killNode(_ name: String) async throws {
        guard let index = index(of: name), let process = nodes[index].process else { return }
        if let agent = agentPID(name) { Glibc.kill(agent, SIGKILL) }
        try await eventually("node \(name) to die", timeout: .seconds(10)) { !process.isRunning }
        nodes[index].process = nil
        if !pidNamespace { _ = await ResourceCgroup(path: cgroupRoot + "/" + name).killAndWait(timeout: .seconds(5)) }
    }

    /// SIGKILLs node `name`'s agent alone (no PID namespace): what it started runs on.
    func killAgentOnly(_ name: String) async throws {
        guard !pidNamespace, let index = index(of: name), let process = nodes[index].process else {
            throw TestFailure("killAgentOnly needs agents without PID namespaces")
        }
        Glibc.kill(process.processIdentifier, SIGKILL)
        try await eventually("agent \(name) to die", timeout: .seconds(10)) { !process.isRunning }
        nodes[index].process = nil
    }

    /// SIGTERM to the agent (a graceful stop); waits for it to exit.
    func stopGracefully(_ name: String) async throws {
        guard let index = index(of: name), let process = nodes[index].process, let agent = agentPID(name) else { return }
        Glibc.kill(agent, SIGTERM)
        try await eventually("agent \(name) to leave", timeout: .seconds(30)) { !process.isRunning }
        nodes[index].process = nil
    }

    /// Kills every node (by PID) and waits for them, then the test watchdogs (by PID), then
    /// removes the cgroups.
    func stop() async {
        for name in nodes.map(\.name) { try? await killNode(name) }
        for (_, process) in watchdogs where process.isRunning {
            Glibc.kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        watchdogs.removeAll()
        await ResourceCgroup(path: cgroupRoot).removeTree()
    }

    /// The last lines of every agent's log (for failure messages).
    /// An agent that crashed leaves a backtrace whose registers fill the last lines: its
    /// crash report's first lines come first.
    func logs(last count: Int = 15) -> String {
        nodes.map { node in
            let text = (try? String(contentsOf: node.log, encoding: .utf8)) ?? ""
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            var shown = "--- \(node.name)\n"
            if let crash = lines.firstIndex(where: { $0.contains("Fatal error") || $0.contains("💣") || $0.contains("crashed:") || $0.contains("Crash at") }) {
                shown += "(crash report)\n" + lines[max(0, crash - 10)..<min(lines.count, crash + 30)].joined(separator: "\n") + "\n(last lines)\n"
            }
            return shown + lines.suffix(count).joined(separator: "\n")
        }.joined(separator: "\n")
    }
}
