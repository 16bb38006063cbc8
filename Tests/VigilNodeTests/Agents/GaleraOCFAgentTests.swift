import Foundation
import Glibc
import Testing
import VigilCluster
import VigilHealth
import VigilStore

/// `ocf:heartbeat:galera`, unchanged from Debian's resource-agents 4.12, as a promotable
/// clone (`promoted-max: 3`) on three MariaDB Galera nodes (SERVICES.md: one option file,
/// datadir and ports each on 127.0.0.1) run by three real agents on a 3-member etcd (issue
/// 15). The agent keeps its state in node attributes (`crm_attribute -N … -l reboot`: each
/// node's last committed seqno, the bootstrap flag), sets other nodes' promotion scores
/// (`crm_attribute -p -N …`), and asks `crm_mon` whether a promoted instance runs — all
/// answered by Vigil. A cold start forms one cluster of three; a node killed whole rejoins;
/// a full restart bootstraps from the node with the highest seqno and loses no row.
@Suite("Real agents: ocf:heartbeat:galera unchanged", .etcd(members: 3), .serialized)
struct GaleraOCFAgentTests {
    static func config(_ lab: GaleraLab) -> String {
        let address = lab.names.map { "127.0.0.1:\(lab.groupPorts[$0] ?? 0)" }.joined(separator: ",")
        let map = lab.names.map { "\($0):127.0.0.1:\(lab.groupPorts[$0] ?? 0)" }.joined(separator: ";")
        let nodeParams = lab.names.map { node in
            let home = lab.directory.appendingPathComponent(node).path
            return """
                      \(node): {config: \(lab.optionFile(node).path), datadir: \(home)/data, socket: \(home)/mysqld.sock, pid: \(home)/mysqld.pid, log: \(home)/error.log, client_binary: \(home)/mysql-client}
                """
        }.joined(separator: "\n")
        return """
            cluster: {name: \(lab.cluster), node-loss-timeout: 3s}
            nodes: [{name: n1}, {name: n2}, {name: n3}]
            resources:
              - name: galera
                agent: ocf:heartbeat:galera
                promotable: {max: 3, promoted-max: 3}
                params:
                  wsrep_cluster_address: "gcomm://\(address)"
                  cluster_host_map: "\(map)"
                  user: mysql
                  binary: /usr/bin/mysqld_safe
                node-params:
            \(nodeParams)
                monitor: {interval: 2s, timeout: 120s}
                stop-timeout: 2m
            """
    }

    /// `mariadb-install-db` for `node`, wsrep off, its output in the lab directory.
    static func initialise(_ lab: GaleraLab, _ node: String) async throws {
        let install = Process()
        install.executableURL = URL(fileURLWithPath: "/usr/bin/mariadb-install-db")
        install.arguments = ["--defaults-file=\(lab.optionFile(node).path)", "--user=mysql", "--skip-test-db", "--wsrep-on=OFF"]
        let log = lab.directory.appendingPathComponent("install-\(node).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        defer { try? handle.close() }
        install.standardOutput = handle
        install.standardError = handle
        try install.run()
        try await eventually("mariadb-install-db \(node)", timeout: .seconds(120), every: .milliseconds(100)) { !install.isRunning }
        guard install.terminationStatus == 0 else {
            throw TestFailure("mariadb-install-db \(node) exited \(install.terminationStatus): \((try? String(contentsOf: log, encoding: .utf8)) ?? "")")
        }
    }

    /// Nodes where `galera` is promoted, by their agents' reports.
    static func promoted(_ lab: GaleraLab, _ store: EtcdStore) async throws -> [String] {
        let view = try await lab.view(store)
        return lab.names.filter { view.members[$0] != nil && view.status[$0]?["galera"]?.state == .promoted }
    }

    /// The cluster size each node's server reports (nil where it does not answer).
    static func sizes(_ lab: GaleraLab) async -> [String: Int] {
        var sizes: [String: Int] = [:]
        for node in lab.names {
            if case .success(let rows) = await lab.sql(node, "SHOW STATUS LIKE 'wsrep_cluster_size'"), let value = rows.first?[1].flatMap({ Int($0 ?? "") }) {
                sizes[node] = value
            }
        }
        return sizes
    }

    @Test func coldStartAKilledNodeRejoinsAndAFullRestartBootstrapsTheHighestSeqno() async throws {
        let etcd = try EtcdFixture.current()
        let lab = try GaleraLab(cluster: "galera-ocf", endpoints: await etcd.endpoints)
        try await withEtcdStore(EtcdConfiguration(endpoints: await etcd.endpoints)) { store in
            do {
                // Each datadir initialised with wsrep off (SERVICES.md): the agent's own
                // enable_creation runs mysql_install_db with the option file's wsrep
                // settings, which failed on one of three nodes started at once.
                for node in lab.names {
                    try await Self.initialise(lab, node)
                    // The agent's status queries use the client's default socket, as on a
                    // host with one server; here three share a host, so each node's client
                    // reads its node's socket from a file of its own.
                    let home = lab.directory.appendingPathComponent(node)
                    try "[client]\nsocket=\(home.path)/mysqld.sock\n".write(to: home.appendingPathComponent("client.cnf"), atomically: true, encoding: .utf8)
                    let wrapper = home.appendingPathComponent("mysql-client").path
                    try "#!/bin/sh\nexec /usr/bin/mysql --defaults-extra-file=\(home.path)/client.cnf \"$@\"\n".write(toFile: wrapper, atomically: true, encoding: .utf8)
                    chmod(wrapper, 0o755)
                }
                let file = lab.directory.appendingPathComponent("cluster.yaml")
                try Self.config(lab).write(to: file, atomically: true, encoding: .utf8)
                let applied = try VigilBinary.run(["config", "apply", file.path, "--etcd", (await etcd.endpoints).joined(separator: ","), "--cluster", lab.cluster], in: lab.directory)
                guard applied.status == 0 else { throw TestFailure("config apply: \(applied.stderr)") }
                let clock = ContinuousClock()
                let start = clock.now
                for node in lab.names { try await lab.nodes.start(node) }
                try await eventually("galera promoted on the three nodes, one cluster of three", timeout: .seconds(150), every: .seconds(1)) {
                    let promoted = try await Self.promoted(lab, store)
                    let sizes = await Self.sizes(lab)
                    return promoted == lab.names && sizes.count == 3 && sizes.values.allSatisfy { $0 == 3 }
                }
                print("ocf:heartbeat:galera: cold start → 3 promoted, cluster size 3, after \(clock.now - start)")
                // The agent's state went through Vigil's attribute tools.
                let view = try await lab.view(store)
                #expect(lab.names.allSatisfy { view.transientAttributes[$0]?["galera-last-committed"] == nil }, "cleared once promoted")
                let events = try VigilBinary.run(["events", "--etcd", (await etcd.endpoints).joined(separator: ","), "--cluster", lab.cluster], in: lab.directory)
                #expect(events.stdout.contains("promote"), "\(events.stdout)")
                for statement in ["CREATE DATABASE IF NOT EXISTS vigil", "CREATE TABLE IF NOT EXISTS vigil.t (id INT PRIMARY KEY)", "INSERT INTO vigil.t VALUES (1)"] {
                    guard case .success = await lab.sql("n1", statement) else { throw TestFailure("\(statement) failed on n1") }
                }

                // n2 is killed whole (agent and server); the other two keep their cluster.
                try await lab.nodes.killNode("n2")
                try await lab.waitGone(store, ["n2"])
                try await eventually("n1 and n3 in a cluster of two", timeout: .seconds(60), every: .seconds(1)) {
                    let sizes = await Self.sizes(lab)
                    return sizes["n1"] == 2 && sizes["n3"] == 2
                }
                let back = clock.now
                try await lab.nodes.start("n2")
                try await eventually("n2 promoted again, one cluster of three", timeout: .seconds(180), every: .seconds(1)) {
                    let promoted = try await Self.promoted(lab, store)
                    let sizes = await Self.sizes(lab)
                    return promoted == lab.names && sizes["n2"] == 3
                }
                print("ocf:heartbeat:galera: n2 killed and restarted → promoted and joined after \(clock.now - back)")
                guard case .success(let rows) = await lab.sql("n2", "SELECT COUNT(*) FROM vigil.t"), rows.first?.first == "1" else {
                    throw TestFailure("n2 does not have the row written before it was killed")
                }

                // A full restart: the nodes stop one after another with writes in between, so
                // n1, the last out, has the highest seqno; started again together, the agent
                // must bootstrap from n1 (anything else loses rows 2 and 3).
                try await lab.nodes.stopGracefully("n3")
                guard case .success = await lab.sql("n1", "INSERT INTO vigil.t VALUES (2)") else { throw TestFailure("insert 2") }
                try await lab.nodes.stopGracefully("n2")
                guard case .success = await lab.sql("n1", "INSERT INTO vigil.t VALUES (3)") else { throw TestFailure("insert 3") }
                try await lab.nodes.stopGracefully("n1")
                try await lab.waitGone(store, lab.names)
                let restart = clock.now
                for node in lab.names { try await lab.nodes.start(node) }
                try await eventually("galera promoted on the three nodes again, one cluster of three", timeout: .seconds(150), every: .seconds(1)) {
                    let promoted = try await Self.promoted(lab, store)
                    let sizes = await Self.sizes(lab)
                    return promoted == lab.names && sizes.count == 3 && sizes.values.allSatisfy { $0 == 3 }
                }
                print("ocf:heartbeat:galera: full restart → 3 promoted, cluster size 3, after \(clock.now - restart)")
                for node in lab.names {
                    guard case .success(let rows) = await lab.sql(node, "SELECT COUNT(*) FROM vigil.t"), rows.first?.first == "3" else {
                        throw TestFailure("\(node) lost rows in the full restart: \(await lab.sql(node, "SELECT id FROM vigil.t"))")
                    }
                }
            } catch {
                let summary = "\(error)\n\(lab.nodes.logs(last: 30))\n--- n1 error log\n\(lab.errorLog("n1").suffix(3000))"
                await lab.stop()
                throw TestFailure(summary)
            }
            await lab.stop()
        }
    }
}
