import Foundation
import Glibc
import Synchronization
import Testing
import VigilNode
import VigilCluster
import VigilStore

/// Only the agent dies (a crash, an OOM kill), its service runs on. Restarted, the agent
/// finds what its previous life left in the resource's cgroup and stops it before anything
/// starts: there is never a second copy, counted from the host's process table.
@Suite("Real agents: an agent-only crash", .etcd(members: 3), .serialized)
struct AgentCrashTests {
    /// Host PIDs of live web servers of this test (their command line holds its pid file).
    static func webServers(_ pidFile: String) -> [pid_t] { ProcessTable.live(containing: pidFile) }

    /// The PID the web server on `port` says it is (demo-web.py answers "served by pid N"):
    /// proof that the answer comes from this test's server, not a stranger on the port.
    static func servedBy(port: Int) -> pid_t? {
        guard let body = httpBody(port: port, path: "/"), let last = body.split(separator: " ").last else { return nil }
        return pid_t(last.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    @Test func aRestartedAgentStopsWhatItsCrashedPredecessorLeftBeforeAnythingStarts() async throws {
        let etcd = try EtcdFixture.current()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-crash-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let endpoints = await etcd.endpoints
        let nodes = try AgentNodes(names: ["n1", "n2", "n3"], endpoints: endpoints, cluster: "agentcrash", directory: directory)
        nodes.pidNamespace = false
        nodes.watchdogTimeout = .seconds(1)
        let port = try FreePorts.take(1)[0]
        let pidFile = directory.appendingPathComponent("web.pid").path
        let peak = ProcessTable.Peak()
        try await withEtcdStore(EtcdConfiguration(endpoints: endpoints)) { store in
            let keyspace = Keyspace(cluster: "agentcrash")
            func holders() async throws -> [String] {
                let view = ClusterView(keyspace: keyspace, range: try await store.range(.prefix(keyspace.prefix)))
                return view.status.filter { $0.value["web"]?.state == .started }.keys.sorted()
            }
            let counting = Task {
                while !Task.isCancelled {
                    peak.see(Self.webServers(pidFile).count)
                    try? await Task.sleep(for: .milliseconds(10))
                }
            }
            do {
                let yaml = """
                    cluster: {name: agentcrash, node-loss-timeout: 2s}
                    nodes: [{name: n1}, {name: n2}, {name: n3}]
                    resources:
                      - name: web
                        agent: process
                        params: {command: [/usr/bin/python3, \(AgentNodes.webServerScript), "\(port)", \(pidFile)]}
                        monitor: {interval: 1s, timeout: 5s}
                        stickiness: 100
                    """
                let file = directory.appendingPathComponent("cluster.yaml")
                try yaml.write(to: file, atomically: true, encoding: .utf8)
                let applied = try VigilBinary.run(
                    ["config", "apply", file.path, "--etcd", endpoints.joined(separator: ","), "--cluster", "agentcrash"], in: directory)
                guard applied.status == 0 else { throw TestFailure("config apply: \(applied.stderr)") }
                for node in ["n1", "n2", "n3"] { try await nodes.start(node) }
                var holder = ""
                try await eventually("web to serve from one node", timeout: .seconds(30)) {
                    let now = try await holders()
                    let servers = Self.webServers(pidFile)
                    guard now.count == 1, servers.count == 1, Self.servedBy(port: port) == servers[0] else { return false }
                    holder = now[0]
                    return true
                }
                let orphan = try #require(Self.webServers(pidFile).first)
                try await nodes.killAgentOnly(holder)
                #expect(Self.webServers(pidFile) == [orphan], "the service outlives its agent")
                #expect(Self.servedBy(port: port) == orphan)
                try await nodes.start(holder)
                try await eventually("web to serve again, once", timeout: .seconds(30)) {
                    let now = try await holders()
                    let servers = Self.webServers(pidFile)
                    return now.count == 1 && servers.count == 1 && servers[0] != orphan && Self.servedBy(port: port) == servers[0]
                }
                #expect(nodes.logs(last: 400).contains("killed leftover processes"), "\(nodes.logs(last: 60))")
            } catch {
                counting.cancel()
                await nodes.stop()
                throw TestFailure("\(error)\n\(nodes.logs(last: 40))")
            }
            counting.cancel()
            await counting.value
            await nodes.stop()
        }
        #expect(peak.most == 1, "two web servers ran at once")
        #expect(Self.webServers(pidFile).isEmpty, "cleaned up")
    }
}
