import Foundation
import Testing

/// `vigil config validate` on `galera` resources (issue 11, "bad input"): each node's
/// MariaDB option file is checked where this host can see it, every problem an error with
/// the configuration's file, line and field and the option file's name and line.
@Suite("vigil config validate: Galera option files")
struct GaleraValidateCLITests {
    /// Node `n` of SERVICES.md's "three nodes on 127.0.0.1": group ports 4567, 4568, 4569.
    /// Line 7 is `wsrep_cluster_address`.
    static func optionFile(_ n: Int, clusterAddress: String? = "gcomm://127.0.0.1:4567,127.0.0.1:4568,127.0.0.1:4569",
                           provider: String? = "/usr/lib/galera/libgalera_smm.so") -> String {
        """
        [mysqld]
        datadir=/srv/galera/n\(n)
        socket=/run/galera/n\(n).sock
        port=\(3305 + n)
        wsrep_on=ON
        \(provider.map { "wsrep_provider=\($0)" } ?? "# no provider")
        \(clusterAddress.map { "wsrep_cluster_address=\($0)" } ?? "# no cluster address")
        wsrep_node_address=127.0.0.1
        wsrep_provider_options="gmcast.listen_addr=tcp://127.0.0.1:\(4566 + n);ist.recv_addr=127.0.0.1:\(4576 + n)"
        wsrep_sst_receive_address=127.0.0.1:\(4586 + n)

        """
    }

    /// Three nodes, each with its own option file in `directory` (line 9 + i names node i's).
    static func config(_ directory: URL, max: Int = 3) -> String {
        """
        cluster: {name: t}
        nodes: [{name: n1}, {name: n2}, {name: n3}]
        resources:
          - name: db
            agent: galera
            clone: {max: \(max)}
            params: {monitor-user: monitor}
            node-params:
              n1: {config: \(directory.path)/n1.cnf}
              n2: {config: \(directory.path)/n2.cnf}
              n3: {config: \(directory.path)/n3.cnf}

        """
    }

    /// Column of the option file's path in `config`'s node-params lines.
    static let column = 20

    static func write(_ text: String, _ url: URL) throws {
        try text.write(to: url, atomically: true, encoding: .utf8)
    }

    @Test func threeGoodNodesOnOneHostValidate() throws {
        try CLIRunner.withTemporaryDirectory { directory in
            for n in 1...3 { try Self.write(Self.optionFile(n), directory.appendingPathComponent("n\(n).cnf")) }
            let file = directory.appendingPathComponent("c.yaml")
            try Self.write(Self.config(directory), file)
            let result = try CLIRunner.run(["config", "validate", file.path])
            #expect(result.status == 0, "stdout: \(result.stdout) stderr: \(result.stderr)")
            #expect(result.stdout.contains("valid — 3 nodes, 1 resources (1 clones)"), "\(result.stdout)")
            #expect(result.stderr == "", "\(result.stderr)")
        }
    }

    @Test func eachBadOptionFileIsAnErrorAtItsNodesField() throws {
        try CLIRunner.withTemporaryDirectory { directory in
            let dir = directory.path
            try Self.write(Self.optionFile(1, provider: nil), directory.appendingPathComponent("n1.cnf"))
            try Self.write(Self.optionFile(2, clusterAddress: "gcomm://127.0.0.1:4567,127.0.0.1:4569"), directory.appendingPathComponent("n2.cnf"))
            try Self.write(Self.optionFile(3, clusterAddress: "gcomm://127.0.0.1:4567,127.0.0.1:4568,127.0.0.1:4569"), directory.appendingPathComponent("n3.cnf"))
            let file = directory.appendingPathComponent("c.yaml")
            try Self.write(Self.config(directory, max: 4).replacingOccurrences(of: "[{name: n1}, {name: n2}, {name: n3}]", with: "[{name: n1}, {name: n2}, {name: n3}, {name: n4}]")
                .replacingOccurrences(of: "      n3: {config: \(dir)/n3.cnf}\n", with: "      n3: {config: \(dir)/n3.cnf}\n      n4: {config: \(dir)/n3.cnf}\n"), file)
            let result = try CLIRunner.run(["config", "validate", file.path])
            #expect(result.status == 1, "stdout: \(result.stdout) stderr: \(result.stderr)")
            #expect(result.stderr == """
                6 errors:
                  \(file.path):9:\(Self.column): resources[0].node-params.n1.config: \(dir)/n1.cnf: no wsrep_provider is set; expected the Galera library (wsrep_provider=/usr/lib/galera/libgalera_smm.so)
                  \(file.path):9:\(Self.column): resources[0].node-params.n1.config: \(dir)/n1.cnf:7: wsrep_cluster_address lists 3 members (127.0.0.1:4567, 127.0.0.1:4568, 127.0.0.1:4569) but the clone may run 4 instances; expected every instance's group address
                  \(file.path):10:\(Self.column): resources[0].node-params.n2.config: \(dir)/n2.cnf:7: wsrep_cluster_address does not list this node's own group address 127.0.0.1:4568 (wsrep_node_address, gmcast.listen_addr); it lists 127.0.0.1:4567, 127.0.0.1:4569
                  \(file.path):10:\(Self.column): resources[0].node-params.n2.config: \(dir)/n2.cnf:7: wsrep_cluster_address lists 2 members (127.0.0.1:4567, 127.0.0.1:4569) but the clone may run 4 instances; expected every instance's group address
                  \(file.path):11:\(Self.column): resources[0].node-params.n3.config: \(dir)/n3.cnf:7: wsrep_cluster_address lists 3 members (127.0.0.1:4567, 127.0.0.1:4568, 127.0.0.1:4569) but the clone may run 4 instances; expected every instance's group address
                  \(file.path):12:\(Self.column): resources[0].node-params.n4.config: \(dir)/n3.cnf:7: wsrep_cluster_address lists 3 members (127.0.0.1:4567, 127.0.0.1:4568, 127.0.0.1:4569) but the clone may run 4 instances; expected every instance's group address

                """)
        }
    }

    @Test(arguments: [
        (nil as String?, "no wsrep_cluster_address is set; expected gcomm://HOST:PORT,HOST:PORT,... listing every node's group address"),
        ("gcomm://", ":7: wsrep_cluster_address lists no member ('gcomm://' would make every start a new cluster); expected gcomm://HOST:PORT,HOST:PORT,... listing every node's group address"),
        ("127.0.0.1:4567", ":7: wsrep_cluster_address is '127.0.0.1:4567'; expected gcomm://HOST:PORT,HOST:PORT,... listing every node's group address"),
    ])
    func aClusterAddressThatIsNotAGcommListIsAnError(address: String?, message: String) throws {
        try CLIRunner.withTemporaryDirectory { directory in
            let dir = directory.path
            try Self.write(Self.optionFile(1), directory.appendingPathComponent("n1.cnf"))
            try Self.write(Self.optionFile(2, clusterAddress: address), directory.appendingPathComponent("n2.cnf"))
            try Self.write(Self.optionFile(3), directory.appendingPathComponent("n3.cnf"))
            let file = directory.appendingPathComponent("c.yaml")
            try Self.write(Self.config(directory), file)
            let result = try CLIRunner.run(["config", "validate", file.path])
            #expect(result.status == 1, "stdout: \(result.stdout) stderr: \(result.stderr)")
            let separator = message.hasPrefix(":") ? "" : ": "
            #expect(result.stderr == "1 error:\n  \(file.path):10:\(Self.column): resources[0].node-params.n2.config: \(dir)/n2.cnf\(separator)\(message)\n")
        }
    }

    /// A file shared by every node (`params.config`) is checked only for this host's node
    /// (seen from elsewhere it is that host's file), and reported once, at `params.config`;
    /// a directory where the file should be cannot be read.
    @Test func aSharedFileIsCheckedForThisHostsNodeOnlyAndReportedOnce() throws {
        try CLIRunner.withTemporaryDirectory { directory in
            let file = directory.appendingPathComponent("c.yaml")
            try Self.write("""
                cluster: {name: t}
                nodes: [{name: n1}, {name: n2}, {name: n3}]
                resources:
                  - name: db
                    agent: galera
                    clone: {max: 3}
                    params: {config: \(directory.path)}

                """, file)
            let elsewhere = try CLIRunner.run(["config", "validate", file.path])
            #expect(elsewhere.status == 0, "stdout: \(elsewhere.stdout) stderr: \(elsewhere.stderr)")
            #expect(elsewhere.stderr == "note: db: the option file \(directory.path) of nodes n1, n2, n3 was not checked: this host is none of them (--node NAME says which node it is)\n")
            let result = try CLIRunner.run(["config", "validate", "--node", "n2", file.path])
            #expect(result.status == 1, "stdout: \(result.stdout) stderr: \(result.stderr)")
            #expect(result.stderr == "1 error:\n  \(file.path):7:22: resources[0].params.config: \(directory.path): cannot read the option file: Is a directory\n")
        }
    }

    /// A file this host cannot see is another node's business (a note), unless it is this
    /// host's own node's: `--node`, or the only node of a one-node configuration.
    @Test func aMissingFileIsAnErrorOnlyForThisHostsNode() throws {
        try CLIRunner.withTemporaryDirectory { directory in
            let dir = directory.path
            try Self.write(Self.optionFile(1), directory.appendingPathComponent("n1.cnf"))
            try Self.write(Self.optionFile(3), directory.appendingPathComponent("n3.cnf"))
            let file = directory.appendingPathComponent("c.yaml")
            try Self.write(Self.config(directory), file)

            let elsewhere = try CLIRunner.run(["config", "validate", file.path])
            #expect(elsewhere.status == 0, "stdout: \(elsewhere.stdout) stderr: \(elsewhere.stderr)")
            #expect(elsewhere.stderr == "note: db: the option file \(dir)/n2.cnf of node n2 is not on this host; it was not checked\n")

            let here = try CLIRunner.run(["config", "validate", "--node", "n2", file.path])
            #expect(here.status == 1, "stdout: \(here.stdout) stderr: \(here.stderr)")
            #expect(here.stderr == "1 error:\n  \(file.path):10:\(Self.column): resources[0].node-params.n2.config: \(dir)/n2.cnf: cannot read the option file: No such file or directory\n")

            let unknown = try CLIRunner.run(["config", "validate", "--node", "n9", file.path])
            #expect(unknown.status == 1)
            #expect(unknown.stderr == "--node n9: no such node in \(file.path) (n1, n2, n3)\n")

            try Self.write("""
                cluster: {name: t}
                nodes: [{name: solo}]
                resources:
                  - {name: db, agent: galera, clone: {}, params: {config: \(dir)/solo.cnf}}

                """, file)
            let alone = try CLIRunner.run(["config", "validate", file.path])
            #expect(alone.status == 1, "stdout: \(alone.stdout) stderr: \(alone.stderr)")
            #expect(alone.stderr == "1 error:\n  \(file.path):4:59: resources[0].params.config: \(dir)/solo.cnf: cannot read the option file: No such file or directory\n")
        }
    }

    /// What the file alone says is wrong is refused before any option file is read, by
    /// `config validate` and `config apply` alike.
    @Test func aPrimitiveOrANodeWithoutAFileIsRefused() throws {
        try CLIRunner.withTemporaryDirectory { directory in
            let file = directory.appendingPathComponent("c.yaml")
            try Self.write("""
                cluster: {name: t}
                nodes: [{name: n1}, {name: n2}, {name: n3}]
                resources:
                  - name: db
                    agent: galera
                    params: {monitor-user: monitor}
                    node-params:
                      n1: {config: /etc/mysql/n1.cnf}
                      n2: {config: /etc/mysql/n2.cnf}

                """, file)
            let expected = """
                2 errors:
                  \(file.path):4:5: resources[0]: a galera resource is a clone, one instance per node; expected clone: {max: N} (N: the number of Galera nodes)
                  \(file.path):6:13: resources[0].params.config: missing; expected the node's MariaDB option file (params.config, or node-params.n3.config for node n3)

                """
            let validate = try CLIRunner.run(["config", "validate", file.path])
            #expect(validate.status == 1)
            #expect(validate.stderr == expected)
            let apply = try CLIRunner.run(["config", "apply", "--dry-run", "--etcd", "http://127.0.0.1:1", file.path])
            #expect(apply.status == 1)
            #expect(apply.stderr == expected)
        }
    }
}
