import Foundation
import Glibc
import VigilCommand

/// Hosts in network namespaces made by the test (the issue's "minimal lab"): a bridge in its
/// own namespace, one namespace per host with `eth0` on 198.18.<subnet>.<n>/24 and a client
/// namespace on .100 — no default route, no forwarding, no NAT. Each host runs an etcd
/// member (hosts 1–3) and a `vigil agent` in a PID namespace of its own with a test
/// watchdog. A crash unplugs the host's link, then kills everything on it: its peers see
/// its packets stop, nobody refuses anything. Everything is stopped by PID and every
/// namespace deleted by name in ``destroy()``.
final class HostLab: @unchecked Sendable {
    struct Host {
        var name: String
        var namespace: String
        var port: String
        var address: String
        var etcd: Process?
        var agent: Process?
    }

    let subnet: Int
    let directory: URL
    let cluster: String
    let prefix: String
    private(set) var hosts: [Host] = []
    private var helpers: [Process] = []
    let etcdHosts: Int
    /// etcd's election timeout (the heartbeat is a tenth of it).
    let etcdElectionMs: Int
    var bridge: String { prefix + "br" }
    var client: String { prefix + "cl" }
    var cgroupRoot: String

    private var namespaces: [String] = []

    /// A lab; nothing is made until ``build(hosts:)``.
    init(etcdHosts: Int = 3, subnet: Int, cluster: String, directory: URL, etcdElectionMs: Int = 250) throws {
        self.etcdElectionMs = etcdElectionMs
        self.subnet = subnet
        self.directory = directory
        self.cluster = cluster
        self.etcdHosts = etcdHosts
        prefix = "vglh\(getpid() % 100_000)"
        guard let own = CgroupHierarchy.ownDirectory else { throw TestFailure("no cgroup2 file system") }
        cgroupRoot = own + "/vigil-lab-" + directory.lastPathComponent
    }

    /// Makes the bridge, `count` hosts and the client namespace; whatever was made is
    /// removed by ``destroy()`` even when this throws half-way.
    func build(hosts count: Int) throws {
        try Self.run(["ip", "netns", "add", bridge])
        namespaces.append(bridge)
        try Self.run(["ip", "-n", bridge, "link", "add", "br0", "type", "bridge"])
        try Self.run(["ip", "-n", bridge, "link", "set", "br0", "up"])
        for index in 1...count {
            try addHost("n\(index)", index: index)
        }
        try addHost("client", index: 100)
    }

    private func addHost(_ name: String, index: Int) throws {
        let namespace = name == "client" ? client : prefix + name
        let port = "lh\(index)x\(getpid() % 10_000)"
        try Self.run(["ip", "netns", "add", namespace])
        namespaces.append(namespace)
        try Self.run(["ip", "link", "add", port, "netns", bridge, "type", "veth", "peer", "name", "eth0", "netns", namespace])
        try Self.run(["ip", "-n", bridge, "link", "set", port, "master", "br0", "up"])
        try Self.run(["ip", "-n", namespace, "link", "set", "lo", "up"])
        try Self.run(["ip", "-n", namespace, "addr", "add", "198.18.\(subnet).\(index)/24", "dev", "eth0"])
        try Self.run(["ip", "-n", namespace, "link", "set", "eth0", "up"])
        if name != "client" {
            hosts.append(Host(name: name, namespace: namespace, port: port, address: "198.18.\(subnet).\(index)"))
        }
    }

    /// The etcd client URLs (hosts 1…etcdHosts).
    var endpoints: [String] { hosts.prefix(etcdHosts).map { "http://\($0.address):2379" } }

    func index(_ name: String) -> Int { hosts.firstIndex { $0.name == name } ?? 0 }

    // MARK: - Processes

    private func spawn(_ namespace: String, _ arguments: [String], log: String) throws -> Process {
        // nsenter, not `ip netns exec`: that remounts /sys for the namespace, which hides
        // the cgroup2 file system the agent puts its resources in.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/nsenter")
        process.arguments = ["--net=/run/netns/\(namespace)", "--"] + arguments
        let url = directory.appendingPathComponent(log)
        if !FileManager.default.fileExists(atPath: url.path) { _ = FileManager.default.createFile(atPath: url.path, contents: nil) }
        let handle = try FileHandle(forWritingTo: url)
        handle.seekToEndOfFile()
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Starts host `name`'s etcd member (`existing` when it rejoins).
    func startEtcd(_ name: String, existing: Bool = false) throws {
        let i = index(name)
        let host = hosts[i]
        let initial = hosts.prefix(etcdHosts).map { "e-\($0.name)=http://\($0.address):2380" }.joined(separator: ",")
        hosts[i].etcd = try spawn(
            host.namespace,
            [
                "/usr/bin/etcd", "--name", "e-\(host.name)", "--data-dir", directory.appendingPathComponent("etcd-\(host.name)").path,
                "--listen-client-urls", "http://\(host.address):2379", "--advertise-client-urls", "http://\(host.address):2379",
                "--listen-peer-urls", "http://\(host.address):2380", "--initial-advertise-peer-urls", "http://\(host.address):2380",
                "--initial-cluster", initial, "--initial-cluster-state", existing ? "existing" : "new",
                "--initial-cluster-token", "\(prefix)-\(cluster)",
                // Election 250 ms by default: etcd may need up to four election timeouts to
                // elect a leader (a split vote included), and a 2 s node-loss-timeout leaves
                // agents 1.25 s after their last renewal (docs/agent.md, "Timing budget").
                // Progress notifications every second.
                "--heartbeat-interval", "\(max(10, etcdElectionMs / 10))", "--election-timeout", "\(etcdElectionMs)",
                "--experimental-watch-progress-notify-interval", "1s",
            ], log: "etcd-\(host.name).log")
    }

    /// Starts host `name`'s agent (PID namespace of its own, test watchdog of 1 s).
    func startAgent(_ name: String) throws {
        let i = index(name)
        let host = hosts[i]
        let fifo = directory.appendingPathComponent("watchdog-\(host.name)").path
        if !FileManager.default.fileExists(atPath: fifo + ".log") {
            let helper = Process()
            helper.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
            helper.arguments = [AgentNodes.watchdogScript, fifo, "1", fifo + ".target", fifo + ".log"]
            helper.standardInput = FileHandle.nullDevice
            try helper.run()
            helpers.append(helper)
            let deadline = Date().addingTimeInterval(10)
            while Date() < deadline, !((try? String(contentsOfFile: fifo + ".log", encoding: .utf8)) ?? "").contains("ready") {
                usleep(20_000)
            }
        }
        let agent = try spawn(
            host.namespace,
            [
                "/usr/bin/unshare", "--pid", "--uts", "--fork", "--kill-child"] + ["--mount-proc"] + [AgentNodes.vigil.path, "agent", "--node", host.name,
                "--etcd", endpoints.joined(separator: ","), "--cluster", cluster, "--listen", "127.0.0.1:7950",
                "--runtime-dir", directory.appendingPathComponent("run-\(host.name)").path, "--log-level", ProcessInfo.processInfo.environment["VIGIL_LAB_LOG_LEVEL"] ?? "info",
                "--cgroup-root", cgroupRoot + "/" + host.name, "--watchdog", fifo, "--watchdog-timeout", "1s",
            ], log: "agent-\(host.name).log")
        hosts[i].agent = agent
        try "\(agent.processIdentifier)".write(toFile: fifo + ".target", atomically: true, encoding: .utf8)
    }

    /// Starts a helper in host `name`'s namespace (stopped by PID in ``destroy()``).
    func startHelper(on name: String, _ arguments: [String], log: String) throws {
        helpers.append(try spawn(hosts[index(name)].namespace, arguments, log: log))
    }

    /// Runs a command in host `name`'s namespace; returns its output (throws on failure).
    @discardableResult
    func runOn(_ name: String, _ arguments: [String]) throws -> String {
        try Self.run(["/usr/bin/nsenter", "--net=/run/netns/\(hosts[index(name)].namespace)", "--"] + arguments)
    }

    /// Host `name` cut off: its link goes down, nothing is killed (a partition).
    func isolate(_ name: String) throws {
        try Self.run(["ip", "-n", bridge, "link", "set", hosts[index(name)].port, "down"])
    }

    /// The partition of host `name` heals: its link comes up again.
    func heal(_ name: String) throws {
        try Self.run(["ip", "-n", bridge, "link", "set", hosts[index(name)].port, "up"])
    }

    /// Starts a helper in the client namespace (stopped by ``destroy()``).
    func startClient(_ arguments: [String], log: String) throws {
        helpers.append(try spawn(client, arguments, log: log))
    }

    /// Runs a command in the client namespace; returns its output (throws on failure).
    @discardableResult
    func runClient(_ arguments: [String]) throws -> String {
        try Self.run(["/usr/bin/nsenter", "--net=/run/netns/\(client)", "--"] + arguments)
    }

    /// `vigil ARGS` in the client namespace against the lab's etcd.
    @discardableResult
    func vigil(_ arguments: [String]) throws -> String {
        try runClient([AgentNodes.vigil.path] + arguments + ["--etcd", endpoints.joined(separator: ","), "--cluster", cluster])
    }

    /// The crash of host `name`: its link goes down (its peers' packets to it vanish),
    /// then everything on it is killed by PID.
    func crash(_ name: String) throws {
        let i = index(name)
        try Self.run(["ip", "-n", bridge, "link", "set", hosts[i].port, "down"])
        for process in [hosts[i].agent, hosts[i].etcd].compactMap({ $0 }) where process.isRunning {
            Self.killAndWait(process)
        }
        hosts[i].agent = nil
        hosts[i].etcd = nil
    }

    /// Host `name` comes back as after a reboot: only its own address (a virtual IP it held
    /// is gone with the crash), link up, its etcd member rejoins, its agent starts.
    func restore(_ name: String) throws {
        let i = index(name)
        try Self.run(["ip", "-n", hosts[i].namespace, "addr", "flush", "dev", "eth0"])
        try Self.run(["ip", "-n", hosts[i].namespace, "addr", "add", hosts[i].address + "/24", "dev", "eth0"])
        try Self.run(["ip", "-n", bridge, "link", "set", hosts[i].port, "up"])
        if i < etcdHosts { try startEtcd(name, existing: true) }
        try startAgent(name)
    }

    /// Host `name`'s agent log.
    func agentLog(_ name: String) -> String {
        (try? String(contentsOf: directory.appendingPathComponent("agent-\(name).log"), encoding: .utf8)) ?? ""
    }

    /// SIGKILLs a process the lab started and waits (at most 10 s) until it is gone. For an
    /// agent's `unshare --pid --fork` wrapper its child — the PID namespace's init — is
    /// killed first, so the whole namespace dies: `--kill-child` was seen (CI) to leave the
    /// agent running after the wrapper's SIGKILL, and Foundation then never reaped the
    /// wrapper, so an unbounded `waitUntilExit` hung the suite.
    static func killAndWait(_ process: Process) {
        let pid = process.processIdentifier
        if let children = try? String(contentsOfFile: "/proc/\(pid)/task/\(pid)/children", encoding: .utf8) {
            for child in children.split(separator: " ").compactMap({ pid_t(String($0)) }) { Glibc.kill(child, SIGKILL) }
        }
        Glibc.kill(pid, SIGKILL)
        let deadline = Date().addingTimeInterval(10)
        while process.isRunning, Date() < deadline { usleep(10_000) }
    }

    /// Stops everything by PID, deletes every namespace, removes the cgroups.
    func destroy() async {
        for host in hosts {
            for process in [host.agent, host.etcd].compactMap({ $0 }) where process.isRunning {
                Self.killAndWait(process)
            }
        }
        for helper in helpers where helper.isRunning {
            Self.killAndWait(helper)
        }
        for namespace in namespaces.reversed() {
            _ = try? Self.run(["ip", "netns", "del", namespace])
        }
        namespaces.removeAll()
        await ResourceCgroup(path: cgroupRoot).removeTree()
    }

    /// Runs a command (no shell) to completion; returns stdout, throws on a non-zero exit.
    @discardableResult
    static func run(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: arguments[0].hasPrefix("/") ? arguments[0] : "/usr/sbin/" + arguments[0])
        process.arguments = Array(arguments.dropFirst())
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw TestFailure("\(arguments.joined(separator: " ")) exited \(process.terminationStatus): \(String(decoding: errors, as: UTF8.self))")
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// CLOCK_MONOTONIC now (the prober's clock), in seconds.
    static func monotonic() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}
