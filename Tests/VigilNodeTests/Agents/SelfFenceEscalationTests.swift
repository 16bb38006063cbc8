import Foundation
import Glibc
import Synchronization
import Testing
import VigilNode
import VigilStore

/// Never two actives when a stop hangs (issue: "never two actives"): 3 etcd members and 3
/// `vigil agent`s in their own PID and UTS namespaces; n1's agent knows only the first etcd
/// member, the others the other two. `ocf:vigiltest:Stubborn` runs on n1: its daemon leaves
/// its session and ignores SIGTERM, and its stop hangs. The fault: SIGSTOP that etcd member,
/// so n1 loses its lease while everyone else carries on.
///
/// Exactly one Stubborn daemon may exist at any moment, counted from the host's process
/// table every 20 ms (not from what Vigil reports).
@Suite("Real agents: self-fence with a stop that hangs", .etcd(members: 3), .serialized)
struct SelfFenceEscalationTests {
    /// The most daemons seen at once.
    final class Peak: Sendable {
        private let value = Mutex(0)
        func see(_ count: Int) { value.withLock { $0 = max($0, count) } }
        var most: Int { value.withLock { $0 } }
    }

    struct Scenario: Sendable {
        let nodes: AgentNodes
        let keyspace: Keyspace
        let directory: URL
        let store: EtcdStore
        var stateDirectory: String { directory.appendingPathComponent("stubborn").path }

        /// Host PIDs of live Stubborn daemons of this test (zombies excluded).
        func daemons() -> [pid_t] {
            let marker = stateDirectory + "/stubborn-"
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
            return entries.compactMap { pid_t($0) }.filter { pid in
                let cmdline = (try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/cmdline"))) ?? Data()
                guard String(decoding: cmdline, as: UTF8.self).contains(marker) else { return false }
                let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
                guard let close = stat.lastIndex(of: ")") else { return false }
                let state = stat[stat.index(after: close)...].split(separator: " ").first
                return state != "Z" && state != "X"
            }
        }

        func view() async throws -> ClusterView {
            ClusterView(keyspace: keyspace, range: try await store.range(.prefix(keyspace.prefix)))
        }

        /// The nodes whose agents report the resource started.
        func holders() async throws -> [String] {
            try await view().status.filter { $0.value["stubborn"]?.state == .started }.keys.sorted()
        }

        func cli(_ arguments: [String], endpoints: [String]) throws -> VigilBinary.Result {
            let cluster = String(keyspace.prefix.split(separator: "/").last ?? "")
            return try VigilBinary.run(arguments + ["--etcd", endpoints.joined(separator: ","), "--cluster", cluster], in: directory)
        }
    }

    static func config(cluster: String, stateDirectory: String) -> String {
        """
        cluster:
          name: \(cluster)
          node-loss-timeout: 2s
        nodes: [{name: n1}, {name: n2}, {name: n3}]
        resources:
          - name: stubborn
            agent: ocf:vigiltest:Stubborn
            params: {statedir: \(stateDirectory), stop: hang}
            monitor: {interval: 1s, timeout: 5s}
        constraints:
          - location: {resource: stubborn, node: n1, score: 100}
        """
    }

    /// Runs `body` with the cluster up and Stubborn running on n1; counts daemons all along
    /// and returns the most seen at once. Resumes the etcd member and removes everything.
    static func withScenario(_ name: String, watchdog: Duration?, _ body: (Scenario) async throws -> Void) async throws -> Int {
        let etcd = try EtcdFixture.current()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-stubborn-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("stubborn"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let endpoints = await etcd.endpoints
        let nodes = try AgentNodes(names: ["n1", "n2", "n3"], endpoints: endpoints, cluster: name, directory: directory)
        nodes.endpointsOf = ["n1": [endpoints[0]], "n2": Array(endpoints[1...]), "n3": Array(endpoints[1...])]
        nodes.extraArguments = ["--ocf-root", try TestOCFRoot.make(in: directory)]
        nodes.watchdogTimeout = watchdog
        let peak = Peak()
        return try await withEtcdStore(EtcdConfiguration(endpoints: Array(endpoints[1...]))) { store in
            let scenario = Scenario(nodes: nodes, keyspace: Keyspace(cluster: name), directory: directory, store: store)
            let counting = Task {
                while !Task.isCancelled {
                    let count = scenario.daemons().count
                    peak.see(count)
                    try? await Task.sleep(for: .milliseconds(20))
                }
            }
            do {
                let file = directory.appendingPathComponent("cluster.yaml")
                try config(cluster: name, stateDirectory: scenario.stateDirectory).write(to: file, atomically: true, encoding: .utf8)
                let applied = try scenario.cli(["config", "apply", file.path], endpoints: endpoints)
                guard applied.status == 0 else { throw TestFailure("config apply: \(applied.stderr)") }
                for node in ["n1", "n2", "n3"] { try await nodes.start(node) }
                try await eventually("stubborn started on n1", timeout: .seconds(30)) {
                    try await scenario.holders() == ["n1"] && scenario.daemons().count == 1
                }
                try await body(scenario)
            } catch {
                await etcd.resume(0)
                counting.cancel()
                await nodes.stop()
                throw TestFailure("\(error)\n\(nodes.logs(last: 40))")
            }
            await etcd.resume(0)
            counting.cancel()
            await counting.value
            await nodes.stop()
            return peak.most
        }
    }

    @Test func withAWatchdogTheHostIsResetAndOnlyThenTheResourceMoves() async throws {
        let most = try await Self.withScenario("stubborn-watchdog", watchdog: .seconds(1)) { scenario in
            let clock = ContinuousClock()
            let start = clock.now
            await (try EtcdFixture.current()).pause(0)
            // n1's watchdog is starved (its stop could not be confirmed) and resets it.
            try await eventually("n1 reset by its watchdog", timeout: .seconds(20)) {
                scenario.nodes.watchdogLog("n1").contains("reset")
            }
            let resetAfter = clock.now - start
            try await eventually("stubborn to run on another node", timeout: .seconds(30)) {
                let holders = try await scenario.holders()
                return holders.count == 1 && holders[0] != "n1" && scenario.daemons().count == 1
            }
            let movedAfter = clock.now - start
            let view = try await scenario.view()
            #expect(view.nodeDown["n1"]?.reason == .watchdog, "\(String(describing: view.nodeDown["n1"]))")
            #expect(scenario.nodes.logs(last: 400).contains("stop NOT confirmed"))
            print("stubborn (watchdog): n1 reset \(resetAfter) after the SIGSTOP, moved after \(movedAfter)")
        }
        #expect(most == 1, "two Stubborn daemons ran at once")
    }

    @Test func withoutAWatchdogTheResourceWaitsUncleanUntilConfirmDown() async throws {
        let most = try await Self.withScenario("stubborn-confirm", watchdog: nil) { scenario in
            let clock = ContinuousClock()
            let etcd = try EtcdFixture.current()
            let live = Array(await etcd.endpoints[1...])
            await etcd.pause(0)
            try await eventually("n1 to lose its membership", timeout: .seconds(20)) {
                try await scenario.view().members["n1"] == nil
            }
            // n1's self-fence escalates to the cgroup kill: its daemon is gone, but its agent's
            // stop never answered, so nobody can say n1 is clean.
            try await eventually("n1's daemon killed by its cgroup", timeout: .seconds(10)) { scenario.daemons().isEmpty }
            let lost = clock.now
            while clock.now - lost < .seconds(6) {
                #expect(try await scenario.holders().isEmpty, "stubborn must not start elsewhere while n1 is unclean")
                try await Task.sleep(for: .milliseconds(200))
            }
            let status = try scenario.cli(["status"], endpoints: live)
            #expect(status.stdout.contains("UNCLEAN"), "\(status.stdout)")
            #expect(status.stdout.contains("confirm-down"), "\(status.stdout)")
            let confirm = try scenario.cli(["node", "confirm-down", "n1"], endpoints: live)
            #expect(confirm.status == 0, "\(confirm.stderr)")
            try await eventually("stubborn to run on another node after confirm-down", timeout: .seconds(20)) {
                let holders = try await scenario.holders()
                return holders.count == 1 && holders[0] != "n1" && scenario.daemons().count == 1
            }
            let view = try await scenario.view()
            #expect(view.nodeDown["n1"]?.reason == .confirmed)
            #expect(view.nodeDown["n1"]?.by.contains("@") == true, "who: \(String(describing: view.nodeDown["n1"]?.by))")
            // A node that is a member cannot be confirmed down.
            let refused = try scenario.cli(["node", "confirm-down", "n2"], endpoints: live)
            #expect(refused.status != 0)
        }
        #expect(most == 1, "two Stubborn daemons ran at once")
    }
}
