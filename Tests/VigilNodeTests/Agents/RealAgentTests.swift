import Foundation
import Glibc
import Testing
import VigilNode
import VigilCluster
import VigilStore

/// Real `vigil agent` processes (each in its own PID namespace) on a real 3-member etcd:
/// a `process` resource (an HTTP server) with an HTTP health probe, through node loss,
/// process crashes, standby, a graceful stop, a configuration change and coordinator loss.
@Suite("Real agents on real etcd", .etcd(members: 3), .serialized)
struct RealAgentTests {
    /// One test's cluster: its own keyspace, web port and agents.
    struct Harness {
        let nodes: AgentNodes
        let keyspace: Keyspace
        let port: Int
        let directory: URL
        /// With a power switch: `fencing: devices` through `fence_vigiltest` on this port.
        var fenceSwitchPort: Int? = nil
        /// The configuration's node-loss-timeout.
        var nodeLossTimeout = "2s"
        /// More `cluster:` lines (each starting with a newline and two spaces).
        var clusterExtra = ""

        var pidFile: String { directory.appendingPathComponent("web.pid").path }

        func config(port: Int? = nil, threshold: Int = 3) -> String {
            let script = AgentNodes.webServerScript
            let fencing = fenceSwitchPort.map { _ in "\n  fencing: devices" } ?? ""
            let devices =
                fenceSwitchPort.map {
                    """
                    fence-devices:
                      - name: switch
                        agent: fence_vigiltest
                        params: {ipaddr: 127.0.0.1, ipport: "\($0)"}
                        nodes: [n1, n2, n3]
                        timeout: 20s

                    """
                } ?? ""
            return """
                cluster:
                  name: \(keyspace.prefix.split(separator: "/").last ?? "t")
                  node-loss-timeout: \(nodeLossTimeout)\(fencing)\(clusterExtra)
                nodes:
                  - {name: n1}
                  - {name: n2}
                  - {name: n3}
                resources:
                  - name: web
                    agent: process
                    params: {command: [/usr/bin/python3, \(script), "\(port ?? self.port)", \(pidFile)]}
                    monitor: {interval: 1s, timeout: 5s}
                    migration-threshold: \(threshold)
                    health:
                      - http: {url: "http://127.0.0.1:\(port ?? self.port)/", expect-status: 200}
                        interval: 500ms
                        timeout: 1s
                        rise: 1
                        fall: 2
                \(devices)
                """
        }
    }

    static func withHarness(_ name: String, threshold: Int = 3, _ body: (Harness, EtcdStore) async throws -> Void) async throws {
        try await withHarness(name, etcd: try EtcdFixture.current(), threshold: threshold, body)
    }

    static func withHarness(
        _ name: String, etcd: EtcdCluster, threshold: Int = 3, fenceSwitchPort: Int? = nil, agentArguments: [String] = [],
        nodeLossTimeout: String = "2s", firstEndpoint: Int? = nil, clusterExtra: String = "",
        _ body: (Harness, EtcdStore) async throws -> Void
    ) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-agents-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let port = try FreePorts.take(1)[0]
        let endpoints = await etcd.endpoints
        let nodes = try AgentNodes(names: ["n1", "n2", "n3"], endpoints: endpoints, cluster: name, directory: directory)
        if let firstEndpoint {
            // Every agent is given this member first (with --etcd-order given, it talks to it).
            let ordered = [endpoints[firstEndpoint]] + endpoints.indices.filter { $0 != firstEndpoint }.map { endpoints[$0] }
            for node in ["n1", "n2", "n3"] { nodes.endpointsOf[node] = ordered }
        }
        if fenceSwitchPort != nil {
            nodes.extraArguments = ["--fence-agent-path", PowerSwitch.agentDirectory]
        } else {
            // fencing: self — a lost node counts as stopped once its lease expired and its
            // watchdog timeout passed.
            nodes.watchdogTimeout = .seconds(1)
        }
        nodes.extraArguments += agentArguments
        let harness = Harness(
            nodes: nodes, keyspace: Keyspace(cluster: name), port: port, directory: directory, fenceSwitchPort: fenceSwitchPort,
            nodeLossTimeout: nodeLossTimeout, clusterExtra: clusterExtra)
        try await withEtcdStore(EtcdConfiguration(endpoints: endpoints)) { store in
            do {
                try await Self.apply(harness.config(threshold: threshold), harness: harness, store: store)
                for node in ["n1", "n2", "n3"] { try await nodes.start(node) }
                try await body(harness, store)
            } catch {
                await nodes.stop()
                await Self.killWeb(harness)
                throw TestFailure("\(error)\n\(nodes.logs())")
            }
            await nodes.stop()
            await Self.killWeb(harness)
        }
    }

    /// Every service process dies with its node's namespace: nothing else to clean up.
    static func killWeb(_ harness: Harness) async {}

    /// `vigil config apply` of `yaml` (the operator's way in).
    static func apply(_ yaml: String, harness: Harness, store: EtcdStore) async throws {
        let file = harness.directory.appendingPathComponent("cluster-\(UUID().uuidString).yaml")
        try yaml.write(to: file, atomically: true, encoding: .utf8)
        try cli(harness, ["config", "apply", file.path])
    }

    /// Runs the `vigil` CLI against the harness's cluster; fails on a non-zero exit.
    @discardableResult
    static func cli(_ harness: Harness, _ arguments: [String]) throws -> String {
        let cluster = String(harness.keyspace.prefix.split(separator: "/").last ?? "")
        let result = try VigilBinary.run(
            arguments + ["--etcd", harness.nodes.endpoints.joined(separator: ","), "--cluster", cluster], in: harness.directory)
        guard result.status == 0 else {
            throw TestFailure("vigil \(arguments.joined(separator: " ")) exited \(result.status): \(result.stderr)")
        }
        return result.stdout
    }

    static func view(_ harness: Harness, _ store: EtcdStore) async throws -> ClusterView {
        ClusterView(keyspace: harness.keyspace, range: try await store.range(.prefix(harness.keyspace.prefix)))
    }

    /// The nodes whose agents report `web` started.
    static func holders(_ harness: Harness, _ store: EtcdStore) async throws -> [String] {
        let view = try await view(harness, store)
        return view.status.filter { $0.value["web"]?.state == .started }.keys.sorted()
    }

    static func servingFrom(_ harness: Harness, _ store: EtcdStore, timeout: Duration = .seconds(30)) async throws -> String {
        var holder = ""
        try await eventually("web to serve from one node", timeout: timeout, every: .milliseconds(20)) {
            let holders = try await holders(harness, store)
            guard holders.count == 1, httpOK(port: harness.port) else { return false }
            holder = holders[0]
            return true
        }
        return holder
    }

    /// The host PID of the web server on `node` (the pid file holds its PID inside the
    /// node's namespace, which must never be signalled from outside).
    static func webPID(_ harness: Harness, on node: String) -> pid_t? {
        harness.nodes.childPIDs(of: node, containing: "demo-web.py").first
    }

    @Test func nodeLossFailsOverToAnotherNode() async throws {
        try await Self.withHarness("nodeloss") { harness, store in
            let first = try await Self.servingFrom(harness, store)
            // The holder's HTTP API says healthy (HAProxy's httpchk target); the others 503.
            try await eventually("GET /health/web: 200 on \(first), 503 elsewhere", timeout: .seconds(10)) {
                harness.nodes.apiPorts.allSatisfy { node, port in
                    httpStatus(port: port, path: "/health/web") == (node == first ? 200 : 503)
                }
            }
            let clock = ContinuousClock()
            let start = clock.now
            try await harness.nodes.killNode(first)
            let second = try await Self.servingFrom(harness, store)
            let elapsed = clock.now - start
            #expect(second != first)
            // node-loss-timeout 2 s: the survivors wait for the lease (and so the lost node's
            // self-fence deadline), then start the service; generous bound for a loaded CI.
            #expect(elapsed < .seconds(15), "failover took \(elapsed)")
            print("node loss → serving again from \(second) in \(elapsed)")
        }
    }

    @Test func crashedProcessRestartsLocallyThenMovesAtTheThreshold() async throws {
        try await Self.withHarness("crash", threshold: 2) { harness, store in
            let holder = try await Self.servingFrom(harness, store)
            let pid = try #require(Self.webPID(harness, on: holder))
            Glibc.kill(pid, SIGKILL)
            try await eventually("a new web process on \(holder)", timeout: .seconds(20)) {
                guard let now = Self.webPID(harness, on: holder), now != pid, httpOK(port: harness.port) else { return false }
                return try await Self.holders(harness, store) == [holder]
            }
            let view = try await Self.view(harness, store)
            #expect(view.failcounts["web"]?[holder]?.count == 1)
            let second = try #require(Self.webPID(harness, on: holder))
            Glibc.kill(second, SIGKILL)
            let moved = try await Self.servingFrom(harness, store)
            #expect(moved != holder, "migration-threshold 2 reached on \(holder): it must move")
            #expect(try await Self.view(harness, store).failcounts["web"]?[holder]?.count == 2)
        }
    }

    @Test func standbyMovesTheServiceAndOnlineTakesResourcesAgain() async throws {
        try await Self.withHarness("standby") { harness, store in
            let holder = try await Self.servingFrom(harness, store)
            try Self.cli(harness, ["node", "standby", holder])
            try await eventually("web to leave \(holder)", timeout: .seconds(20)) {
                let holders = try await Self.holders(harness, store)
                return holders.count == 1 && holders[0] != holder && httpOK(port: harness.port)
            }
            try Self.cli(harness, ["node", "online", holder])
            let view = try await Self.view(harness, store)
            #expect(view.nodeAdmin[holder]?.standby != true)
            let status = try Self.cli(harness, ["status", "--json"])
            #expect(status.contains("\"\(holder)\":{\"maintenance\":false,\"online\":true,\"standby\":false,\"unclean\":false}"), "\(status)")
        }
    }

    @Test func gracefulStopHandsOverWithoutWaitingForTheLease() async throws {
        try await Self.withHarness("graceful") { harness, store in
            let holder = try await Self.servingFrom(harness, store)
            try await harness.nodes.stopGracefully(holder)
            // The member key is revoked at once (not after the 2 s TTL).
            let view = try await Self.view(harness, store)
            #expect(view.members[holder] == nil)
            let next = try await Self.servingFrom(harness, store, timeout: .seconds(10))
            #expect(next != holder)
        }
    }

    @Test func configurationChangeRestartsTheServiceWithItsNewParameters() async throws {
        try await Self.withHarness("apply") { harness, store in
            _ = try await Self.servingFrom(harness, store)
            let newPort = try FreePorts.take(1)[0]
            try await Self.apply(harness.config(port: newPort), harness: harness, store: store)
            try await eventually("web to serve on the new port", timeout: .seconds(30)) {
                httpOK(port: newPort) && !httpOK(port: harness.port)
            }
        }
    }

    @Test func aNewCoordinatorTakesOverWhenTheCoordinatorsNodeDies() async throws {
        try await Self.withHarness("coordinator") { harness, store in
            _ = try await Self.servingFrom(harness, store)
            let coordinator = try #require(try await Self.view(harness, store).coordinator)
            try await harness.nodes.killNode(coordinator.node)
            try await eventually("a new coordinator", timeout: .seconds(20)) {
                guard let next = try await Self.view(harness, store).coordinator else { return false }
                return next.node != coordinator.node && next.term > coordinator.term
            }
            // Whatever ran on the dead node is recovered by the new coordinator.
            let holder = try await Self.servingFrom(harness, store)
            #expect(holder != coordinator.node)
        }
    }
}
