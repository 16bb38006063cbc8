import Foundation
import Glibc
import Testing
import VigilNode
import VigilCluster

/// A RabbitMQ partition on real (virtual) network hosts (issue 12): three hosts in network
/// namespaces on a bridge (HostLab: 198.18.62.0/24, no route out), each with an etcd
/// member, an agent, its own epmd and a RabbitMQ node named by its address; a client host
/// publishes with confirms through all three. One host is cut off (link down, nothing
/// killed): it must become 503 and take no traffic while the other two keep serving; when
/// the link comes back it must be one cluster again, with every confirmed message there
/// exactly once.
@Suite("Real agents: RabbitMQ partition", .serialized)
struct RabbitMQPartitionTests {
    static let subnet = 62
    static let sbin = RabbitMQLab.sbin

    static func address(_ lab: HostLab, _ node: String) -> String { lab.hosts[lab.index(node)].address }

    static func nodename(_ lab: HostLab, _ node: String) -> String { "rabbit@" + address(lab, node) }

    static func environment(_ lab: HostLab, _ node: String, directory: URL) -> [String: String] {
        let octets = address(lab, node).split(separator: ".").joined(separator: ",")
        let dist = "-kernel inet_dist_use_interface {\(octets)}"
        return [
            "ERL_EPMD_PORT": "4369", "ERL_EPMD_ADDRESS": "127.0.0.1,\(address(lab, node))",
            "ERL_INETRC": directory.appendingPathComponent("inetrc").path, "RABBITMQ_USE_LONGNAME": "true",
            "RABBITMQ_DIST_PORT": "25672",
            "RABBITMQ_MNESIA_BASE": directory.appendingPathComponent("\(node)/mnesia").path,
            "RABBITMQ_LOG_BASE": directory.appendingPathComponent("\(node)/log").path,
            "RABBITMQ_CONFIG_FILE": directory.appendingPathComponent("\(node).conf").path,
            "RABBITMQ_ENABLED_PLUGINS_FILE": directory.appendingPathComponent("enabled_plugins").path,
            "RABBITMQ_CONF_ENV_FILE": directory.appendingPathComponent("rabbitmq-env.conf").path,
            "RABBITMQ_PID_FILE": directory.appendingPathComponent("\(node)/rabbitmq.pid").path,
            "RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS": dist, "RABBITMQ_CTL_ERL_ARGS": dist,
        ]
    }

    static func config(_ lab: HostLab, directory: URL) -> String {
        func env(_ node: String) -> String {
            "{" + environment(lab, node, directory: directory).sorted { $0.key < $1.key }.map { "\($0.key): \"\($0.value)\"" }.joined(separator: ", ") + "}"
        }
        let names = lab.hosts.map(\.name)
        return """
            cluster: {name: \(lab.cluster), node-loss-timeout: 2s}
            nodes: [\(names.map { "{name: \($0)}" }.joined(separator: ", "))]
            resources:
              - name: mq
                agent: rabbitmq
                clone: {max: 3}
                params:
                  erlang-cookie-file: \(directory.appendingPathComponent("cookie").path)
                  password-file: \(directory.appendingPathComponent("guest.pass").path)
                  server-dir: \(sbin)
                  start-timeout: 3m
                  stop-timeout: 1m
                node-params:
            \(names.map { "      \($0): {nodename: \"\(nodename(lab, $0))\", env: \(env($0))}" }.joined(separator: "\n"))
                monitor: {interval: 2s, timeout: 20s}

            """
    }

    /// The cluster status as the client host's `vigil status --json` shows it.
    static func rabbitmqNodes(_ lab: HostLab) -> [String: [String: Any]] {
        guard let json = try? lab.vigil(["status", "--json"]),
            let document = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any],
            let mq = (document["rabbitmq"] as? [String: Any])?["mq"] as? [String: Any]
        else { return [:] }
        return (mq["nodes"] as? [String: [String: Any]]) ?? [:]
    }

    static func clustered(_ lab: HostLab, _ nodes: [String], count: Int) -> Bool {
        let status = rabbitmqNodes(lab)
        return nodes.allSatisfy { node in
            status[node]?["state"] as? String == "running" && (status[node]?["clustered"] as? [String])?.count == count
                && status[node]?["amqp"] as? Bool == true
        }
    }

    /// `GET /health/mq` from inside host `node` (its agent listens on its own 127.0.0.1).
    static func health(_ lab: HostLab, _ node: String) -> Int {
        let script = """
            import sys, urllib.request, urllib.error
            try:
                print(urllib.request.urlopen("http://127.0.0.1:7950/health/mq", timeout=2).status)
            except urllib.error.HTTPError as e:
                print(e.code)
            except Exception:
                print(0)
            """
        return Int(((try? lab.runOn(node, ["/usr/bin/python3", "-c", script])) ?? "0").trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
    }

    @Test func anIsolatedNodeIsUnhealthyAndRejoinsWhenThePartitionHeals() async throws {
        let directory = URL(fileURLWithPath: "/tmp/vigil-rmqpart-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let lab = try HostLab(subnet: Self.subnet, cluster: "rmqpart", directory: directory)
        defer { if ProcessInfo.processInfo.environment["VIGIL_LAB_KEEP"] != "1" { try? FileManager.default.removeItem(at: directory) } }
        do {
            try lab.build(hosts: 3)
            _ = FileManager.default.createFile(
                atPath: directory.appendingPathComponent("cookie").path, contents: Data("VIGILPART\(UInt64.random(in: 1..<UInt64.max))\n".utf8),
                attributes: [.posixPermissions: 0o400])
            _ = FileManager.default.createFile(
                atPath: directory.appendingPathComponent("guest.pass").path, contents: Data("guest\n".utf8), attributes: [.posixPermissions: 0o600])
            try "[].\n".write(to: directory.appendingPathComponent("enabled_plugins"), atomically: true, encoding: .utf8)
            try "".write(to: directory.appendingPathComponent("rabbitmq-env.conf"), atomically: true, encoding: .utf8)
            try "{lookup, [file, native]}.\n".write(to: directory.appendingPathComponent("inetrc"), atomically: true, encoding: .utf8)
            for host in lab.hosts {
                // guest may log in from other hosts only in this lab (loopback_users).
                try """
                    listeners.tcp.1 = 127.0.0.1:5672
                    listeners.tcp.2 = \(host.address):5672
                    loopback_users = none
                    vm_memory_high_watermark.absolute = 256MB
                    disk_free_limit.absolute = 50MB
                    cluster_partition_handling = pause_minority
                    net_ticktime = 4
                    log.console = false

                    """.write(to: directory.appendingPathComponent("\(host.name).conf"), atomically: true, encoding: .utf8)
                try lab.startHelper(
                    on: host.name, ["/usr/bin/epmd", "-address", "127.0.0.1,\(host.address)", "-port", "4369"], log: "epmd-\(host.name).log")
            }
            for host in lab.hosts.prefix(lab.etcdHosts) { try lab.startEtcd(host.name) }
            try await eventually("etcd healthy", timeout: .seconds(60), every: .milliseconds(200)) {
                (try? lab.runClient(["/usr/bin/etcdctl", "--endpoints", lab.endpoints.joined(separator: ","), "endpoint", "health"])) != nil
            }
            let file = directory.appendingPathComponent("cluster.yaml")
            try Self.config(lab, directory: directory).write(to: file, atomically: true, encoding: .utf8)
            try lab.vigil(["config", "apply", file.path])
            for host in lab.hosts { try lab.startAgent(host.name) }
            let names = lab.hosts.map(\.name)
            try await eventually("three clustered nodes", timeout: .seconds(180), every: .seconds(1)) {
                Self.clustered(lab, names, count: 3)
            }
            let publisher = QuorumPublisher(
                brokers: lab.hosts.map { QuorumPublisher.Broker(host: $0.address, port: 5672) }, namespace: lab.client)
            publisher.start()
            try await RabbitMQAgentTests.confirmsFlow(publisher, beyond: 0)

            // n1 is cut off: its agent loses etcd (a minority) and stops its node before its
            // lease can expire; pause_minority would pause it too. It is 503 and takes nothing.
            try lab.isolate("n1")
            try await eventually("n1's health to be 503", timeout: .seconds(30), every: .milliseconds(500)) {
                Self.health(lab, "n1") == 503
            }
            let during = publisher.confirmedCount
            try await RabbitMQAgentTests.confirmsFlow(publisher, beyond: during, within: .seconds(60))
            #expect(Self.health(lab, "n2") == 200 || Self.health(lab, "n3") == 200)

            // The link comes back: one cluster again.
            try lab.heal("n1")
            try await eventually("three clustered nodes again", timeout: .seconds(180), every: .seconds(1)) {
                Self.clustered(lab, names, count: 3)
            }
            try await eventually("every node healthy", timeout: .seconds(30), every: .milliseconds(500)) {
                names.allSatisfy { Self.health(lab, $0) == 200 }
            }
            try await RabbitMQAgentTests.confirmsFlow(publisher, beyond: publisher.confirmedCount)
            await publisher.stop()
            let problems = await publisher.verify()
            #expect(problems.isEmpty, "\(problems)")
            // The client ran in the lab's namespace on threads of this process: none of
            // them may stay there (later tests' servers and connections would follow).
            let strays = ProcessThreads.outsideOwnNetworkNamespace()
            #expect(strays.isEmpty, "threads left in another network namespace: \(strays)")
        } catch {
            let logs = lab.hosts.map { "--- \($0.name)\n" + lab.agentLog($0.name).split(separator: "\n").suffix(30).joined(separator: "\n") }.joined(separator: "\n")
            await lab.destroy()
            throw TestFailure("\(error)\n\(logs)")
        }
        await lab.destroy()
    }
}
