import Foundation
import Testing
import VigilHealth
import VigilNode
import VigilStore

/// `agent: galera` for real (issue 11): MariaDB 10.11 + galera-4 from Debian, three nodes on
/// 127.0.0.1, three `vigil agent`s in PID namespaces, 3 etcd members.
@Suite("Real agents: Galera", .etcd(members: 3), .serialized)
struct GaleraAgentTests {
    static func withLab(_ name: String, _ body: (GaleraLab, EtcdStore) async throws -> Void) async throws {
        let etcd = try EtcdFixture.current()
        let endpoints = await etcd.endpoints
        let lab = try GaleraLab(cluster: name, endpoints: endpoints)
        try await withEtcdStore(EtcdConfiguration(endpoints: endpoints)) { store in
            do {
                try await body(lab, store)
            } catch {
                let logs = lab.logs()
                await lab.stop()
                throw TestFailure("\(error)\n\(logs)")
            }
            await lab.stop()
        }
    }

    static func apply(_ lab: GaleraLab, _ yaml: String) throws {
        let file = lab.directory.appendingPathComponent("cluster-\(UUID().uuidString).yaml")
        try yaml.write(to: file, atomically: true, encoding: .utf8)
        let result = try VigilBinary.run(
            ["config", "apply", file.path, "--etcd", lab.nodes.endpoints.joined(separator: ","), "--cluster", lab.cluster], in: lab.directory)
        guard result.status == 0 else { throw TestFailure("config apply: \(result.stderr)") }
    }

    @Test func coldStartFromEmptyDatadirsFormsOneClusterWithOneWriter() async throws {
        try await Self.withLab("galeracold") { lab, store in
            try Self.apply(lab, lab.config())
            for node in lab.names { try await lab.nodes.start(node) }
            try await eventually("three Synced nodes", timeout: .seconds(120), every: .milliseconds(500)) {
                try await lab.synced(store).count == 3
            }
            let view = try await lab.view(store)
            let writer = try #require(view.galeraWriter["db"]?.record.node)
            #expect(lab.names.contains(writer))
            // Only the bootstrap node's datadir was initialised; the others got an SST.
            let bootstraps = lab.names.filter { lab.errorLog($0).contains("wsrep-new-cluster") || lab.errorLog($0).contains("Bootstrapping a new cluster") }
            #expect(bootstraps.count <= 1, "\(bootstraps)")
            for node in lab.names {
                guard case .success(let rows) = await lab.sql(node, "SHOW GLOBAL STATUS LIKE 'wsrep_cluster_size'") else {
                    Issue.record("\(node) does not answer")
                    continue
                }
                #expect(rows.first?[1] == "3")
            }
        }
    }
}
