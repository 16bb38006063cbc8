import Foundation
import Glibc
import VigilNode
import VigilCluster
import VigilStore

/// Three RabbitMQ 3.10 nodes on 127.0.0.1 (SERVICES.md): a private epmd the lab starts and
/// stops by PID, distribution and listeners bound to 127.0.0.1, an explicit memory
/// watermark, no plugins; run by three real `vigil agent`s in PID namespaces of their own
/// (killing a node kills its agent and its server at once, as a power cut would).
final class RabbitMQLab: @unchecked Sendable {
    let directory: URL
    let nodes: AgentNodes
    let keyspace: Keyspace
    let names = ["n1", "n2", "n3"]
    /// Node → AMQP port.
    let amqpPorts: [String: Int]
    /// Node → Erlang distribution port.
    let distPorts: [String: Int]
    let epmdPort: Int
    let cluster: String
    private var epmd: Process?

    static let sbin = "/usr/lib/rabbitmq/lib/rabbitmq_server-3.10.8/sbin"

    init(cluster: String, endpoints: [String]) throws {
        self.cluster = cluster
        directory = URL(fileURLWithPath: "/tmp/vigil-rabbitmq-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        nodes = try AgentNodes(names: names, endpoints: endpoints, cluster: cluster, directory: directory)
        nodes.watchdogTimeout = .seconds(1)
        keyspace = Keyspace(cluster: cluster)
        let ports = try FreePorts.take(7)
        epmdPort = ports[6]
        var amqp: [String: Int] = [:]
        var dist: [String: Int] = [:]
        for (index, name) in names.enumerated() {
            amqp[name] = ports[index]
            dist[name] = ports[3 + index]
            try """
                listeners.tcp.1 = 127.0.0.1:\(ports[index])
                vm_memory_high_watermark.absolute = 256MB
                disk_free_limit.absolute = 50MB
                cluster_partition_handling = pause_minority
                log.console = false

                """.write(to: directory.appendingPathComponent("\(name).conf"), atomically: true, encoding: .utf8)
        }
        amqpPorts = amqp
        distPorts = dist
        _ = FileManager.default.createFile(
            atPath: cookieFile, contents: Data("VIGILTEST\(UInt64.random(in: 1..<UInt64.max))\n".utf8), attributes: [.posixPermissions: 0o400])
        _ = FileManager.default.createFile(atPath: passwordFile, contents: Data("guest\n".utf8), attributes: [.posixPermissions: 0o600])
        try "[].\n".write(to: directory.appendingPathComponent("enabled_plugins"), atomically: true, encoding: .utf8)
        try "".write(to: directory.appendingPathComponent("rabbitmq-env.conf"), atomically: true, encoding: .utf8)
        // Name lookups from /etc/hosts and the native resolver only (no Erlang DNS client).
        try "{lookup, [file, native]}.\n".write(to: directory.appendingPathComponent("inetrc"), atomically: true, encoding: .utf8)
    }

    var cookieFile: String { directory.appendingPathComponent("cookie").path }
    var passwordFile: String { directory.appendingPathComponent("guest.pass").path }
    func nodename(_ node: String) -> String { "rabbit\(node.dropFirst())@localhost" }
    func dataDirectory(_ node: String) -> String { directory.appendingPathComponent("\(node)/mnesia/\(nodename(node))").path }
    func logFile(_ node: String) -> String { directory.appendingPathComponent("\(node)/log/\(nodename(node)).log").path }

    /// The environment of node `node`'s server and CLI (without HOME and the node name).
    func environment(_ node: String) -> [String: String] {
        let dist = "-kernel inet_dist_use_interface {127,0,0,1}"
        return [
            "ERL_EPMD_PORT": String(epmdPort), "ERL_EPMD_ADDRESS": "127.0.0.1", "ERL_INETRC": directory.appendingPathComponent("inetrc").path,
            "RABBITMQ_NODE_IP_ADDRESS": "127.0.0.1", "RABBITMQ_NODE_PORT": String(amqpPorts[node] ?? 0),
            "RABBITMQ_DIST_PORT": String(distPorts[node] ?? 0),
            "RABBITMQ_MNESIA_BASE": directory.appendingPathComponent("\(node)/mnesia").path,
            "RABBITMQ_LOG_BASE": directory.appendingPathComponent("\(node)/log").path,
            "RABBITMQ_CONFIG_FILE": directory.appendingPathComponent("\(node).conf").path,
            "RABBITMQ_ENABLED_PLUGINS_FILE": directory.appendingPathComponent("enabled_plugins").path,
            "RABBITMQ_CONF_ENV_FILE": directory.appendingPathComponent("rabbitmq-env.conf").path,
            "RABBITMQ_PID_FILE": directory.appendingPathComponent("\(node)/rabbitmq.pid").path,
            "RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS": dist, "RABBITMQ_CTL_ERL_ARGS": dist,
        ]
    }

    /// Starts the private epmd (stopped by PID in ``stop()``).
    func startEPMD() async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/epmd")
        process.arguments = ["-address", "127.0.0.1", "-port", String(epmdPort)]
        process.environment = ["ERL_EPMD_PORT": String(epmdPort), "ERL_EPMD_ADDRESS": "127.0.0.1", "PATH": "/usr/bin:/bin"]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        epmd = process
        try await eventually("epmd to listen", timeout: .seconds(10), every: .milliseconds(50)) { Self.accepts(self.epmdPort) }
    }

    static func accepts(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
    }

    /// The cluster configuration: one rabbitmq clone, one node per agent.
    func config(policies: Bool = true, extra: String = "") -> String {
        func env(_ node: String) -> String {
            "{" + environment(node).sorted { $0.key < $1.key }.map { "\($0.key): \"\($0.value)\"" }.joined(separator: ", ") + "}"
        }
        return """
            cluster: {name: \(cluster), node-loss-timeout: 2s}
            nodes: [{name: n1}, {name: n2}, {name: n3}]
            resources:
              - name: mq
                agent: rabbitmq
                clone: {max: 3}
                params:
                  erlang-cookie-file: \(cookieFile)
                  password-file: \(passwordFile)
                  server-dir: \(Self.sbin)
                  start-timeout: 3m
                  stop-timeout: 1m
            \(policies ? "      policies: [{name: vigil-test-lazy, pattern: \"^lazy\\\\.\", definition: {max-length: 1000, queue-mode: lazy}, apply-to: queues, priority: 1}]" : "")
                node-params:
                  n1: {nodename: \(nodename("n1")), env: \(env("n1"))}
                  n2: {nodename: \(nodename("n2")), env: \(env("n2"))}
                  n3: {nodename: \(nodename("n3")), env: \(env("n3"))}
                monitor: {interval: 2s, timeout: 20s}
            \(extra)
            """
    }

    /// `rabbitmqctl -n NODE ARGS` from the test (its own HOME with the cookie).
    func ctl(_ node: String, _ arguments: [String], tool: String = "rabbitmqctl") throws -> (status: Int32, output: String) {
        let home = directory.appendingPathComponent("test-home")
        if !FileManager.default.fileExists(atPath: home.path) {
            try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
            let cookie = try String(contentsOfFile: cookieFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            _ = FileManager.default.createFile(atPath: home.appendingPathComponent(".erlang.cookie").path, contents: Data(cookie.utf8), attributes: [.posixPermissions: 0o400])
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "\(Self.sbin)/\(tool)")
        process.arguments = ["-n", nodename(node)] + arguments
        var environment = environment(node)
        environment["HOME"] = home.path
        environment["PATH"] = "/usr/bin:/bin"
        environment["LANG"] = "C.UTF-8"
        environment["LC_ALL"] = "C.UTF-8"
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// The view of the lab's keyspace now.
    func view(_ store: EtcdStore) async throws -> ClusterView {
        ClusterView(keyspace: keyspace, range: try await store.range(.prefix(keyspace.prefix)))
    }

    /// Nodes whose agent reports `mq` running, clustered with all three, its AMQP proof passing.
    func clustered(_ store: EtcdStore, count: Int = 3) async throws -> [String] {
        let view = try await view(store)
        return names.filter { node in
            guard view.members[node] != nil, let status = view.status[node]?["mq"], status.state == .started, let mq = status.rabbitmq else { return false }
            return mq.running && mq.amqp && mq.clustered.count == count && mq.partitions.isEmpty
        }
    }

    /// The lab's state on one line, for a failure's first line (CI shows little more): per
    /// node its membership, resource state, waiting and message, its view of the cluster,
    /// and its node record (running, clean, members, revision); the boot choice.
    func summary(_ store: EtcdStore) async -> String {
        guard let view = try? await view(store) else { return "view unreadable" }
        let records = view.rabbitmqNodes["mq"] ?? [:]
        let nodes = names.map { node -> String in
            var text = "\(node):"
            if view.members[node] == nil {
                text += " not a member"
            } else if let status = view.status[node]?["mq"] {
                text += " \(status.state.rawValue)\(status.waiting == true ? " waiting" : "")"
                if let mq = status.rabbitmq { text += " running \(mq.running) clustered \(mq.clustered.count) amqp \(mq.amqp)" }
                if let message = status.message { text += " (\(message.prefix(120)))" }
            } else {
                text += " no status"
            }
            if let record = records[node] {
                text += " record{running \(record.record.running) clean \(record.record.clean.map { "\($0)" } ?? "-") members \(record.record.members.count) rev \(record.modRevision)}"
            }
            return text
        }
        let boot = view.rabbitmqBoot["mq"].map { "boot \($0.record.node) \($0.record.mode)" } ?? "no boot"
        return nodes.joined(separator: "; ") + "; " + boot
    }

    /// Kills node whole and waits until its membership lease has expired (its leased
    /// status is gone from the view).
    func killNode(_ node: String, _ store: EtcdStore) async throws {
        try await nodes.killNode(node)
        try await eventually("\(node)'s membership to expire", timeout: .seconds(20), every: .milliseconds(100)) {
            try await self.view(store).members[node] == nil
        }
    }

    /// `GET /health/mq` on node's agent: the status code (0: no answer).
    func health(_ node: String) async -> Int {
        guard let port = nodes.apiPorts[node] else { return 0 }
        return (try? await RawHTTP.get("/health/mq", port: port).status) ?? 0
    }

    /// The host PIDs of node's RabbitMQ server VM: the beam booted with `-s rabbit boot`
    /// (not the short-lived VMs of `rabbitmqctl`, which the agent runs every few seconds).
    func serverPIDs(_ node: String) -> [pid_t] {
        nodes.childPIDs(of: node, containing: "beam").filter { pid in
            let cmdline = (try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/cmdline"))) ?? Data()
            return String(decoding: cmdline, as: UTF8.self).contains("-s\u{0}rabbit\u{0}boot")
        }
    }

    /// The agents' and servers' logs (for failure messages).
    func logs() -> String {
        nodes.logs(last: 40) + "\n" + names.map { node in
            let text = (try? String(contentsOfFile: logFile(node), encoding: .utf8)) ?? ""
            return "--- \(node) rabbit log\n" + text.split(separator: "\n").suffix(12).joined(separator: "\n")
        }.joined(separator: "\n")
    }

    /// Stops every agent (their namespaces take the servers along), then epmd, by PID; and
    /// removes the lab.
    func stop() async {
        await nodes.stop()
        if let epmd, epmd.isRunning {
            kill(epmd.processIdentifier, SIGKILL)
            epmd.waitUntilExit()
        }
        if ProcessInfo.processInfo.environment["VIGIL_LAB_KEEP"] != "1" { try? FileManager.default.removeItem(at: directory) }
    }
}
