import Foundation
import Glibc
import VigilHealth
import VigilNode
import VigilCluster
import VigilStore

/// Three MariaDB Galera nodes on 127.0.0.1 (SERVICES.md: one option file, datadir, socket
/// and four ports each), run by three real `vigil agent`s in PID namespaces of their own:
/// killing a node kills its agent and its mariadbd at once, as a power cut would.
final class GaleraLab: @unchecked Sendable {
    let directory: URL
    let nodes: AgentNodes
    let keyspace: Keyspace
    let names = ["n1", "n2", "n3"]
    /// Node → SQL port.
    let sqlPorts: [String: Int]
    /// Node → Galera group port (`gmcast.listen_addr`), in node order.
    let groupPorts: [String: Int]
    let cluster: String

    init(cluster: String, endpoints: [String]) throws {
        self.cluster = cluster
        directory = URL(fileURLWithPath: "/tmp/vigil-galera-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        chmod(directory.path, 0o755)
        nodes = try AgentNodes(names: names, endpoints: endpoints, cluster: cluster, directory: directory)
        nodes.watchdogTimeout = .seconds(1)
        keyspace = Keyspace(cluster: cluster)
        let ports = try FreePorts.take(12)
        var sql: [String: Int] = [:]
        let group = (0..<3).map { ports[3 + $0] }
        for (index, name) in names.enumerated() {
            sql[name] = ports[index]
            let home = directory.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
            chmod(home.path, 0o755)
            // The server (as mysql) writes its socket, pid file and error log here.
            if let mysql = getpwnam("mysql") { chown(home.path, mysql.pointee.pw_uid, mysql.pointee.pw_gid) }
            let text = """
                [mysqld]
                datadir=\(home.path)/data
                socket=\(home.path)/mysqld.sock
                pid-file=\(home.path)/mysqld.pid
                log-error=\(home.path)/error.log
                port=\(ports[index])
                bind-address=127.0.0.1
                binlog_format=ROW
                innodb_autoinc_lock_mode=2
                innodb_buffer_pool_size=32M
                innodb_log_file_size=16M
                skip-name-resolve
                [galera]
                wsrep_on=ON
                wsrep_provider=/usr/lib/galera/libgalera_smm.so
                wsrep_cluster_name=vigiltest
                wsrep_cluster_address=gcomm://\(group.map { "127.0.0.1:\($0)" }.joined(separator: ","))
                wsrep_node_address=127.0.0.1
                wsrep_node_name=\(name)
                wsrep_provider_options="gmcast.listen_addr=tcp://127.0.0.1:\(group[index]);ist.recv_addr=127.0.0.1:\(ports[6 + index]);gcache.size=64M;pc.recovery=TRUE;evs.keepalive_period=PT0.3S;evs.suspect_timeout=PT1S;evs.inactive_check_period=PT0.3S;evs.inactive_timeout=PT3S;evs.install_timeout=PT3S"
                wsrep_sst_method=rsync
                wsrep_sst_receive_address=127.0.0.1:\(ports[9 + index])

                """
            try text.write(to: directory.appendingPathComponent("\(name).cnf"), atomically: true, encoding: .utf8)
        }
        sqlPorts = sql
        groupPorts = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($0.element, group[$0.offset]) })
    }

    func optionFile(_ node: String) -> URL { directory.appendingPathComponent("\(node).cnf") }
    func socket(_ node: String) -> String { directory.appendingPathComponent(node).appendingPathComponent("mysqld.sock").path }
    func datadir(_ node: String) -> String { directory.appendingPathComponent(node).appendingPathComponent("data").path }
    func errorLog(_ node: String) -> String {
        (try? String(contentsOfFile: directory.appendingPathComponent(node).appendingPathComponent("error.log").path, encoding: .utf8)) ?? ""
    }

    /// The cluster configuration: one galera clone over the three option files.
    func config(extra: String = "") -> String {
        """
        cluster: {name: \(cluster), node-loss-timeout: 2s}
        nodes: [{name: n1}, {name: n2}, {name: n3}]
        resources:
          - name: db
            agent: galera
            clone: {max: 3}
            params: {start-timeout: 3m, stop-timeout: 1m}
            node-params:
              n1: {config: \(optionFile("n1").path)}
              n2: {config: \(optionFile("n2").path)}
              n3: {config: \(optionFile("n3").path)}
            monitor: {interval: 2s, timeout: 20s}
        \(extra)
        """
    }

    /// Runs `sql` as root over node's socket.
    func sql(_ node: String, _ sql: String, timeout: Duration = .seconds(5)) async -> Result<[[String?]], HealthError> {
        await MySQLQuery.run(MySQLConnection(socket: socket(node), user: "root"), sql: sql, timeout: timeout)
    }

    /// The view of the lab's keyspace now.
    func view(_ store: EtcdStore) async throws -> ClusterView {
        ClusterView(keyspace: keyspace, range: try await store.range(.prefix(keyspace.prefix)))
    }

    /// Nodes whose agent reports `db` Synced in the Primary component.
    func synced(_ store: EtcdStore) async throws -> [String] {
        let view = try await view(store)
        return names.filter { view.members[$0] != nil && view.status[$0]?["db"]?.galera?.synced == true && view.status[$0]?["db"]?.galera?.primary == true }
    }

    /// The lab's state on one line, for a failure's first line (CI shows little more): per
    /// node its membership, resource state and wsrep view; the writer and any bootstrap.
    func summary(_ store: EtcdStore) async -> String {
        guard let view = try? await view(store) else { return "view unreadable" }
        let nodes = names.map { node -> String in
            guard view.members[node] != nil else { return "\(node): not a member" }
            guard let status = view.status[node]?["db"] else { return "\(node): no status" }
            var text = "\(node): \(status.state.rawValue)"
            if let galera = status.galera { text += " \(galera.state)\(galera.primary ? "" : " non-Primary") size \(galera.size) seqno \(galera.seqno)" }
            if status.waiting == true { text += " waiting" }
            if let message = status.message { text += " (\(message.prefix(120)))" }
            return text
        }
        let writer = view.galeraWriter["db"]?.record.node ?? "none"
        let bootstrap = view.galeraBootstrap["db"].map { " bootstrap \($0.record.node)" } ?? ""
        return nodes.joined(separator: "; ") + "; writer \(writer)" + bootstrap
    }

    /// Waits until `nodes` have left the membership (their leases expired): until then a
    /// killed node's last status ("Synced") is still in the view, and a node restarted
    /// before would count as Synced at once, on its old incarnation's word.
    func waitGone(_ store: EtcdStore, _ nodes: [String]) async throws {
        try await eventually("\(nodes) to leave the membership", timeout: .seconds(20), every: .milliseconds(100)) {
            let view = try await self.view(store)
            return nodes.allSatisfy { view.members[$0] == nil }
        }
    }

    /// HAProxy from docs/examples/galera-haproxy.cfg, its example ports replaced by the
    /// lab's: writer listener, reader listener, then the processes' PID.
    private(set) var haproxy: Process?
    private(set) var writerPort = 0
    private(set) var readerPort = 0
    private(set) var statsPort = 0

    static var haproxyExample: URL {
        URL(fileURLWithPath: AgentNodes.webServerScript).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/examples/galera-haproxy.cfg")
    }

    /// Starts HAProxy with the documented configuration.
    func startHAProxy() throws {
        let ports = try FreePorts.take(3)
        (writerPort, readerPort, statsPort) = (ports[0], ports[1], ports[2])
        var text = try String(contentsOf: Self.haproxyExample, encoding: .utf8)
        text = text.replacingOccurrences(of: "127.0.0.1:3306", with: "127.0.0.1:\(writerPort)")
            .replacingOccurrences(of: "127.0.0.1:3305", with: "127.0.0.1:\(readerPort)")
        for (index, node) in names.enumerated() {
            text = text.replacingOccurrences(of: "127.0.0.1:\(3307 + index) port \(7951 + index)", with: "127.0.0.1:\(sqlPorts[node] ?? 0) port \(nodes.apiPorts[node] ?? 0)")
        }
        text += "\nlisten stats\n    mode http\n    bind 127.0.0.1:\(statsPort)\n    stats enable\n    stats uri /stats\n"
        let file = directory.appendingPathComponent("haproxy.cfg")
        try text.write(to: file, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/sbin/haproxy")
        process.arguments = ["-db", "-f", file.path]
        let log = directory.appendingPathComponent("haproxy.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        haproxy = process
    }

    /// HAProxy's view of a listener's servers: server name → status (`UP`, `DOWN`, …).
    func haproxyStatus(_ listener: String) async throws -> [String: String] {
        let csv = try await RawHTTP.get("/stats;csv", port: statsPort).body
        let lines = csv.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        guard let header = lines.first, let column = header.firstIndex(of: "status") else { return [:] }
        var result: [String: String] = [:]
        for line in lines where line.count > column && line[0] == listener && line[1] != "FRONTEND" && line[1] != "BACKEND" {
            result[line[1]] = line[column]
        }
        return result
    }

    /// The agents' and servers' logs (for failure messages).
    func logs() -> String {
        nodes.logs(last: 40) + "\n" + names.map { "--- \($0) error.log\n" + errorLog($0).split(separator: "\n").suffix(15).joined(separator: "\n") }.joined(separator: "\n")
    }

    /// Stops every agent (their namespaces take mariadbd along) and removes the lab.
    func stop() async {
        if let haproxy, haproxy.isRunning {
            kill(haproxy.processIdentifier, SIGTERM)
            haproxy.waitUntilExit()
        }
        await nodes.stop()
        // VIGIL_LAB_KEEP=1 keeps the datadirs and logs for a look after a failure.
        if ProcessInfo.processInfo.environment["VIGIL_LAB_KEEP"] != "1" { try? FileManager.default.removeItem(at: directory) }
    }
}
