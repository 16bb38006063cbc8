import Foundation
import Glibc
import Synchronization
import Testing
import VigilNode
import VigilCluster
import VigilStore

/// Never two actives when a stop hangs or is slow (issue: "never two actives"): 3 etcd
/// members and 3 `vigil agent`s in their own PID and UTS namespaces; n1's agent knows only
/// the first etcd member, the others the other two. An exclusive resource runs on n1; the
/// fault: SIGSTOP that etcd member, so n1 loses its lease while everyone else carries on.
///
/// Three workloads (``Workload``): `ocf:vigiltest:Stubborn` (its daemon leaves its session and
/// ignores SIGTERM, and its stop hangs), a `process` that forks such a daemon, and a real
/// MariaDB server whose shutdown takes longer than the self-fence budget. At most one
/// instance may exist at any moment, counted from the host's process table every 20 ms
/// (not from what Vigil reports).
@Suite("Real agents: self-fence with a stop that hangs", .etcd(members: 3), .serialized)
struct SelfFenceEscalationTests {
    /// What runs on n1.
    enum Workload: String, CaseIterable, Sendable {
        /// ocf:vigiltest:Stubborn with a stop that hangs: the self-fence cannot confirm it.
        case stubborn
        /// A `process` resource whose command forks a daemon into its own session.
        case forker
        /// A MariaDB server (`process`, one datadir as on shared storage) whose shutdown
        /// takes longer than the self-fence budget.
        case mariadb

        /// Whether n1's self-fence can confirm its stop (else only a reset or an operator can).
        var confirmable: Bool { self != .stubborn }
    }

    struct Scenario: Sendable {
        let nodes: AgentNodes
        let keyspace: Keyspace
        let directory: URL
        let store: EtcdStore
        let workload: Workload
        let mariadbPort: Int
        var stateDirectory: String { directory.appendingPathComponent("stubborn").path }

        /// What marks the workload's processes in the process table.
        var marker: String {
            switch workload {
            case .stubborn: stateDirectory + "/stubborn-"
            // The daemon alone (the script that forks it names the path without ".running").
            case .forker: stateDirectory + "/forker-daemon.running"
            case .mariadb: "--datadir=" + directory.appendingPathComponent("mysql").path
            }
        }

        /// Host PIDs of live instances of this test's workload (zombies excluded; a daemon's
        /// child that has not yet exec'd its `sleep` is the same instance).
        func daemons() -> [pid_t] { ProcessTable.instances(containing: marker) }

        func view() async throws -> ClusterView {
            ClusterView(keyspace: keyspace, range: try await store.range(.prefix(keyspace.prefix)))
        }

        /// The nodes whose agents report the resource started.
        func holders() async throws -> [String] {
            try await view().status.filter { $0.value["guarded"]?.state == .started }.keys.sorted()
        }

        func cli(_ arguments: [String], endpoints: [String]) throws -> VigilBinary.Result {
            let cluster = String(keyspace.prefix.split(separator: "/").last ?? "")
            return try VigilBinary.run(arguments + ["--etcd", endpoints.joined(separator: ","), "--cluster", cluster], in: directory)
        }
    }

    static func config(cluster: String, scenario: Scenario) -> String {
        let resource: String
        switch scenario.workload {
        case .stubborn:
            resource = """
                    agent: ocf:vigiltest:Stubborn
                    params: {statedir: \(scenario.stateDirectory), stop: hang}
                """
        case .forker:
            resource = """
                    agent: process
                    params: {command: [\(TestOCFRoot.labDirectory)/test-agents/forking-daemon.sh, \(scenario.stateDirectory)/forker-daemon]}
                """
        case .mariadb:
            resource = """
                    agent: process
                    params: {command: [/usr/sbin/mariadbd, --defaults-file=\(scenario.directory.appendingPathComponent("my.cnf").path), \(scenario.marker)]}
                    stop-timeout: 2m
                    health:
                      - tcp: {host: 127.0.0.1, port: \(scenario.mariadbPort)}
                        interval: 500ms
                        timeout: 1s
                """
        }
        return """
            cluster:
              name: \(cluster)
              node-loss-timeout: 2s
            nodes: [{name: n1}, {name: n2}, {name: n3}]
            resources:
              - name: guarded
            \(resource)
                monitor: {interval: 1s, timeout: 5s}
            constraints:
              - location: {resource: guarded, node: n1, score: 100}
            """
    }

    /// Runs `body` with the cluster up and Stubborn running on n1; counts daemons all along
    /// and returns the sampler (the most seen at once, and which). Resumes the etcd member and removes everything.
    static func withScenario(
        _ name: String, workload: Workload, watchdog: Duration?, _ body: (Scenario) async throws -> Void
    ) async throws -> ProcessTable.Peak {
        let etcd = try EtcdFixture.current()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-stubborn-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("stubborn"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let endpoints = await etcd.endpoints
        let nodes = try AgentNodes(names: ["n1", "n2", "n3"], endpoints: endpoints, cluster: name, directory: directory)
        nodes.endpointsOf = ["n1": [endpoints[0]], "n2": Array(endpoints[1...]), "n3": Array(endpoints[1...])]
        nodes.extraArguments = ["--ocf-root", try TestOCFRoot.make(in: directory)]
        nodes.watchdogTimeout = watchdog
        let peak = ProcessTable.Peak()
        let mariadbPort = try FreePorts.take(1)[0]
        if workload == .mariadb { try await Self.initialiseMariaDB(in: directory, port: mariadbPort) }
        return try await withEtcdStore(EtcdConfiguration(endpoints: Array(endpoints[1...]))) { store in
            let scenario = Scenario(
                nodes: nodes, keyspace: Keyspace(cluster: name), directory: directory, store: store, workload: workload,
                mariadbPort: mariadbPort)
            let counting = Task {
                while !Task.isCancelled {
                    peak.see(scenario.daemons())
                    try? await Task.sleep(for: .milliseconds(20))
                }
            }
            do {
                let file = directory.appendingPathComponent("cluster.yaml")
                try config(cluster: name, scenario: scenario).write(to: file, atomically: true, encoding: .utf8)
                let applied = try scenario.cli(["config", "apply", file.path], endpoints: endpoints)
                guard applied.status == 0 else { throw TestFailure("config apply: \(applied.stderr)") }
                for node in ["n1", "n2", "n3"] { try await nodes.start(node) }
                try await eventually("\(workload) started on n1", timeout: .seconds(60)) {
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
            return peak
        }
    }

    /// A MariaDB datadir and option file in `directory` (run as root; shutdown made slow with
    /// `innodb_fast_shutdown=0`, a full purge).
    static func initialiseMariaDB(in directory: URL, port: Int) async throws {
        let data = directory.appendingPathComponent("mysql").path
        let options = """
            [mysqld]
            user=root
            datadir=\(data)
            socket=\(directory.appendingPathComponent("mysqld.sock").path)
            pid-file=\(directory.appendingPathComponent("mysqld.pid").path)
            log-error=\(directory.appendingPathComponent("mysqld.err").path)
            port=\(port)
            bind-address=127.0.0.1
            skip-name-resolve
            innodb_buffer_pool_size=32M
            innodb_log_file_size=16M
            innodb_fast_shutdown=0
            performance_schema=OFF

            """
        try options.write(to: directory.appendingPathComponent("my.cnf"), atomically: true, encoding: .utf8)
        let install = Process()
        install.executableURL = URL(fileURLWithPath: "/usr/bin/mariadb-install-db")
        install.arguments = ["--defaults-file=\(directory.appendingPathComponent("my.cnf").path)", "--user=root", "--skip-test-db"]
        let log = directory.appendingPathComponent("install.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        install.standardOutput = handle
        install.standardError = handle
        try install.run()
        try await eventually("mariadb-install-db", timeout: .seconds(300), every: .milliseconds(100)) { !install.isRunning }
        guard install.terminationStatus == 0 else {
            throw TestFailure("mariadb-install-db exited \(install.terminationStatus): \((try? String(contentsOf: log, encoding: .utf8)) ?? "")")
        }
    }

    /// With a watchdog: n1 self-fences. A stop it cannot confirm (Stubborn) starves its
    /// watchdog and the host is reset; a stop it confirms (escalated to the cgroup, or cut
    /// short and killed) keeps it fed. Either way the resource moves only once n1's lease
    /// has expired (its watchdog fires before that: `release-after` 0) — never while n1's
    /// instance runs.
    @Test(arguments: Workload.allCases)
    func withAWatchdogTheResourceMovesOnlyOnceTheNodeIsKnownStopped(workload: Workload) async throws {
        let peak = try await Self.withScenario("esc-wd-\(workload.rawValue)", workload: workload, watchdog: .seconds(1)) { scenario in
            let clock = ContinuousClock()
            let start = clock.now
            await (try EtcdFixture.current()).pause(0)
            if !workload.confirmable {
                // n1's watchdog is starved (its stop could not be confirmed) and resets it.
                try await eventually("n1 reset by its watchdog", timeout: .seconds(20)) {
                    scenario.nodes.watchdogLog("n1").contains("reset")
                }
            }
            let stoppedAfter = clock.now - start
            try await eventually("\(workload) to run on another node", timeout: .seconds(60)) {
                let holders = try await scenario.holders()
                return holders.count == 1 && holders[0] != "n1" && scenario.daemons().count == 1
            }
            let movedAfter = clock.now - start
            let view = try await scenario.view()
            #expect(view.nodeDown["n1"]?.reason == .watchdog, "\(String(describing: view.nodeDown["n1"]))")
            let logs = scenario.nodes.logs(last: 400)
            if workload.confirmable {
                #expect(logs.contains("self-fence: every stop confirmed"), "\(logs)")
                #expect(!scenario.nodes.watchdogLog("n1").contains("reset"), "a confirmed stop keeps the watchdog fed")
            } else {
                // The reset comes when the self-fence's budget ends (its watchdog is starved
                // a timeout and a fifth of the margin before the lease can expire), so n1
                // may die before it logs that the stop was not confirmed.
                #expect(logs.contains("self-fence: stopping resources"), "\(logs)")
            }
            print("\(workload) (watchdog): \(workload.confirmable ? "" : "n1 reset \(stoppedAfter) after the SIGSTOP, ")moved after \(movedAfter)")
        }
        #expect(peak.most == 1, "two instances of \(workload) ran at once:\n\(peak.detail)")
    }

    /// Without a watchdog or fence device, nobody can tell that n1 stopped: the resource
    /// waits, n1 shown UNCLEAN, until an operator confirms n1 down.
    @Test(arguments: Workload.allCases)
    func withoutAWatchdogTheResourceWaitsUncleanUntilConfirmDown(workload: Workload) async throws {
        let peak = try await Self.withScenario("esc-cd-\(workload.rawValue)", workload: workload, watchdog: nil) { scenario in
            let clock = ContinuousClock()
            let etcd = try EtcdFixture.current()
            let live = Array(await etcd.endpoints[1...])
            await etcd.pause(0)
            try await eventually("n1 to lose its membership", timeout: .seconds(20)) {
                try await scenario.view().members["n1"] == nil
            }
            // n1's self-fence ends its instance (escalated to the cgroup where the stop hangs
            // or leaves a daemon), whether or not it can confirm that.
            try await eventually("n1's instance gone", timeout: .seconds(10)) { scenario.daemons().isEmpty }
            let lost = clock.now
            while clock.now - lost < .seconds(5) {
                #expect(try await scenario.holders().isEmpty, "\(workload) must not start elsewhere while n1 is unclean")
                try await Task.sleep(for: .milliseconds(200))
            }
            let status = try scenario.cli(["status"], endpoints: live)
            #expect(status.stdout.contains("UNCLEAN"), "\(status.stdout)")
            #expect(status.stdout.contains("confirm-down"), "\(status.stdout)")
            let confirm = try scenario.cli(["node", "confirm-down", "n1"], endpoints: live)
            #expect(confirm.status == 0, "\(confirm.stderr)")
            try await eventually("\(workload) to run on another node after confirm-down", timeout: .seconds(60)) {
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
        #expect(peak.most == 1, "two instances of \(workload) ran at once:\n\(peak.detail)")
    }
}
