import Foundation
import Glibc
import Testing
import VigilCluster
import VigilStore

/// `ocf:heartbeat:rabbitmq-cluster`, unchanged from Debian's resource-agents 4.12, as a
/// clone with `notify: true, ordered: true` (how TripleO and the OpenStack HA guide
/// configure it) on three RabbitMQ nodes, run by three real agents on a 3-member etcd
/// (issue 15).
///
/// The agent hard-codes its paths (`/var/lib/rabbitmq/mnesia`, `/var/log/rabbitmq`,
/// `/var/run/rabbitmq`) and calls `/usr/sbin/rabbitmqctl`, which reads
/// `/etc/rabbitmq/rabbitmq-env.conf`: each node's agent runs in a mount namespace where
/// those four directories are the node's own, as on a host of its own. The servers share
/// 127.0.0.1 as in SERVICES.md (node names `rabbitN@localhost`, a private epmd, listeners
/// and distribution on 127.0.0.1).
///
/// What it proves: the agent's state goes through Vigil's attribute tools (its node name
/// `-l reboot` and `-l forever`, read back with `cibadmin --xpath` and `crm_attribute
/// --query`); ordered starts form one cluster (the first node bootstraps, the others
/// join the list they read); a node killed whole is forgotten by the others in the
/// post-stop notification (`rmq_notify` runs `forget_cluster_node` for
/// `notify_stop_uname`), and joins again when it comes back.
@Suite("Real agents: ocf:heartbeat:rabbitmq-cluster unchanged", .etcd(members: 3), .serialized)
struct RabbitMQOCFAgentTests {
    /// The directories each node's agent sees as its own.
    static let fixedPaths = ["etc": "/etc/rabbitmq", "lib": "/var/lib/rabbitmq", "log": "/var/log/rabbitmq", "run": "/run/rabbitmq"]

    /// Sets up node `node`'s own copies of the agent's fixed directories, owned by rabbitmq.
    static func prepare(_ lab: RabbitMQLab, _ node: String) throws {
        let fm = FileManager.default
        let home = lab.directory.appendingPathComponent("\(node)-host")
        for name in fixedPaths.keys.sorted() {
            try fm.createDirectory(at: home.appendingPathComponent(name), withIntermediateDirectories: true)
        }
        let env = lab.environment(node)
        let exported = [
            "RABBITMQ_NODENAME": lab.nodename(node), "RABBITMQ_NODE_IP_ADDRESS": "127.0.0.1",
            "RABBITMQ_NODE_PORT": env["RABBITMQ_NODE_PORT"] ?? "", "RABBITMQ_DIST_PORT": env["RABBITMQ_DIST_PORT"] ?? "",
            "ERL_EPMD_PORT": env["ERL_EPMD_PORT"] ?? "", "ERL_EPMD_ADDRESS": "127.0.0.1", "ERL_INETRC": env["ERL_INETRC"] ?? "",
            "RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS": env["RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS"] ?? "",
            "RABBITMQ_CTL_ERL_ARGS": env["RABBITMQ_CTL_ERL_ARGS"] ?? "",
        ]
        let conf = exported.sorted { $0.key < $1.key }.map { "export \($0.key)=\"\($0.value)\"" }.joined(separator: "\n") + "\n"
        try conf.write(to: home.appendingPathComponent("etc/rabbitmq-env.conf"), atomically: true, encoding: .utf8)
        try fm.copyItem(at: lab.directory.appendingPathComponent("\(node).conf"), to: home.appendingPathComponent("etc/rabbitmq.conf"))
        try "[].\n".write(to: home.appendingPathComponent("etc/enabled_plugins"), atomically: true, encoding: .utf8)
        let cookie = try String(contentsOfFile: lab.cookieFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        _ = fm.createFile(atPath: home.appendingPathComponent("lib/.erlang.cookie").path, contents: Data(cookie.utf8), attributes: [.posixPermissions: 0o400])
        guard let account = getpwnam("rabbitmq") else { throw TestFailure("no rabbitmq user (the rabbitmq-server package)") }
        let (uid, gid) = (account.pointee.pw_uid, account.pointee.pw_gid)
        for name in fixedPaths.keys.sorted() {
            let directory = home.appendingPathComponent(name).path
            chown(directory, uid, gid)
            for entry in (try? fm.contentsOfDirectory(atPath: directory)) ?? [] { chown(directory + "/" + entry, uid, gid) }
        }
        lab.nodes.mounts[node] = fixedPaths.keys.sorted().map { (source: home.appendingPathComponent($0).path, target: fixedPaths[$0] ?? "") }
    }

    static func config(_ lab: RabbitMQLab) -> String {
        """
        cluster: {name: \(lab.cluster), node-loss-timeout: 2s}
        nodes: [{name: n1}, {name: n2}, {name: n3}]
        resources:
          - name: rabbitmq
            agent: ocf:heartbeat:rabbitmq-cluster
            clone: {max: 3, notify: true, ordered: true}
            params:
              set_policy: 'vigil-test ^vigil\\. {"max-length":1000}'
            monitor: {interval: 5s, timeout: 100s}
            stop-timeout: 90s
        """
    }

    /// The running nodes that node `node`'s server reports (empty when it does not answer).
    static func runningNodes(_ lab: RabbitMQLab, _ node: String) -> [String] {
        guard let (status, output) = try? lab.ctl(node, ["cluster_status", "--formatter", "json"]), status == 0,
            let object = try? JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any]
        else { return [] }
        return ((object["running_nodes"] as? [String]) ?? []).sorted()
    }

    /// The disc nodes node `node`'s cluster knows of (running or not).
    static func discNodes(_ lab: RabbitMQLab, _ node: String) -> [String] {
        guard let (status, output) = try? lab.ctl(node, ["cluster_status", "--formatter", "json"]), status == 0,
            let object = try? JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any]
        else { return [] }
        return ((object["disk_nodes"] as? [String]) ?? []).sorted()
    }

    static func started(_ lab: RabbitMQLab, _ store: EtcdStore) async throws -> [String] {
        let view = try await lab.view(store)
        return lab.names.filter { view.members[$0] != nil && view.status[$0]?["rabbitmq"]?.state == .started }
    }

    @Test func formsOneClusterForgetsAKilledNodeAndTakesItBack() async throws {
        let etcd = try EtcdFixture.current()
        let lab = try RabbitMQLab(cluster: "rabbitmq-ocf", endpoints: await etcd.endpoints)
        // The mount point of /run/rabbitmq (the package's unit creates it when it runs).
        var madeRunDirectory = false
        if !FileManager.default.fileExists(atPath: "/run/rabbitmq") {
            try FileManager.default.createDirectory(atPath: "/run/rabbitmq", withIntermediateDirectories: false)
            madeRunDirectory = true
        }
        defer { if madeRunDirectory { rmdir("/run/rabbitmq") } }
        try await withEtcdStore(EtcdConfiguration(endpoints: await etcd.endpoints)) { store in
            do {
                try await lab.startEPMD()
                for node in lab.names { try Self.prepare(lab, node) }
                let all = lab.names.map(lab.nodename).sorted()
                let file = lab.directory.appendingPathComponent("cluster.yaml")
                try Self.config(lab).write(to: file, atomically: true, encoding: .utf8)
                let endpoints = (await etcd.endpoints).joined(separator: ",")
                let applied = try VigilBinary.run(["config", "apply", file.path, "--etcd", endpoints, "--cluster", lab.cluster], in: lab.directory)
                guard applied.status == 0 else { throw TestFailure("config apply: \(applied.stderr)") }
                let clock = ContinuousClock()
                let start = clock.now
                for node in lab.names { try await lab.nodes.start(node) }
                try await eventually("rabbitmq started on the three nodes, one cluster of three", timeout: .seconds(240), every: .seconds(1)) {
                    try await Self.started(lab, store) == lab.names && lab.names.allSatisfy { Self.runningNodes(lab, $0) == all }
                }
                print("ocf:heartbeat:rabbitmq-cluster: formation (ordered starts) → one cluster of 3 after \(clock.now - start)")
                // Each node's monitor publishes its RabbitMQ node name (a joining node's first
                // monitor comes a few seconds after its start).
                try await eventually("each node's RabbitMQ name in its attributes", timeout: .seconds(30), every: .milliseconds(500)) {
                    let view = try await lab.view(store)
                    return lab.names.allSatisfy { node in
                        view.transientAttributes[node]?["rmq-node-attr-rabbitmq"]?.record.value == lab.nodename(node)
                            && view.permanentAttributes[node]?["rmq-node-attr-last-known-rabbitmq"]?.record.value == lab.nodename(node)
                    }
                }
                let policies = try lab.ctl("n2", ["list_policies", "--formatter", "json"])
                #expect(policies.output.contains("vigil-test"), "set_policy reached the agent: \(policies.output)")
                let logs = lab.nodes.logs(last: 400)
                #expect(logs.contains("notification=post-start"), "the agents ran their post-start notifications")

                // n3 killed whole (agent and server): once it is known gone, the others get
                // the post-stop notification naming n3 and forget its RabbitMQ node.
                try await lab.killNode("n3", store)
                let killed = clock.now
                try await eventually("rabbit3 forgotten by n1 and n2", timeout: .seconds(60), every: .seconds(1)) {
                    let others = all.filter { $0 != lab.nodename("n3") }
                    return Self.discNodes(lab, "n1") == others && Self.discNodes(lab, "n2") == others
                }
                print("ocf:heartbeat:rabbitmq-cluster: n3 killed → forgotten by the others (post-stop notify) after \(clock.now - killed)")
                let view = try await lab.view(store)
                let record = try #require(view.notifications["rabbitmq"]?.record)
                #expect(record.operation == .stop && record.implied == ["n3"] && record.variables["stop_uname"] == "n3", "\(record)")
                #expect(lab.nodes.logs(last: 400).contains("notification=post-stop"), "the agents logged the notify they ran")

                let back = clock.now
                try await lab.nodes.start("n3")
                try await eventually("n3 joined again, one cluster of three", timeout: .seconds(180), every: .seconds(1)) {
                    try await Self.started(lab, store) == lab.names && lab.names.allSatisfy { Self.runningNodes(lab, $0) == all }
                }
                print("ocf:heartbeat:rabbitmq-cluster: n3 restarted → joined again after \(clock.now - back)")
            } catch {
                let summary = "\(error)\n\(lab.nodes.logs(last: 40))\n" + lab.names.map { node in
                    let log = lab.directory.appendingPathComponent("\(node)-host/log/\(lab.nodename(node)).log")
                    return "--- \(node) rabbit log\n" + ((try? String(contentsOf: log, encoding: .utf8)) ?? "").split(separator: "\n").suffix(15).joined(separator: "\n")
                }.joined(separator: "\n")
                await lab.stop()
                throw TestFailure(summary)
            }
            await lab.stop()
        }
    }
}
