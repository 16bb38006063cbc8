import Foundation
import Glibc
import Testing
import VigilNode
import VigilStore

/// `agent: rabbitmq` for real (issue 12): rabbitmq-server 3.10 from Debian, three nodes on
/// 127.0.0.1 with a private epmd, three `vigil agent`s in PID namespaces, 3 etcd members.
/// A client publishes with confirms to a durable quorum queue through every broker; after
/// each scenario every confirmed message is consumed exactly once.
@Suite("Real agents: RabbitMQ", .etcd(members: 3), .serialized)
struct RabbitMQAgentTests {
    static func withLab(_ name: String, _ body: (RabbitMQLab, EtcdStore) async throws -> Void) async throws {
        let etcd = try EtcdFixture.current()
        let endpoints = await etcd.endpoints
        let lab = try RabbitMQLab(cluster: name, endpoints: endpoints)
        try await withEtcdStore(EtcdConfiguration(endpoints: endpoints)) { store in
            do {
                try await lab.startEPMD()
                try await body(lab, store)
            } catch {
                let logs = lab.logs()
                await lab.stop()
                throw TestFailure("\(error)\n\(logs)")
            }
            await lab.stop()
        }
    }

    static func apply(_ lab: RabbitMQLab, _ yaml: String) throws {
        let file = lab.directory.appendingPathComponent("cluster-\(UUID().uuidString).yaml")
        try yaml.write(to: file, atomically: true, encoding: .utf8)
        let result = try VigilBinary.run(
            ["config", "apply", file.path, "--etcd", lab.nodes.endpoints.joined(separator: ","), "--cluster", lab.cluster], in: lab.directory)
        guard result.status == 0 else { throw TestFailure("config apply: \(result.stderr)") }
    }

    static func cliOutput(_ lab: RabbitMQLab, _ arguments: [String]) throws -> String {
        let result = try VigilBinary.run(
            arguments + ["--etcd", lab.nodes.endpoints.joined(separator: ","), "--cluster", lab.cluster], in: lab.directory)
        guard result.status == 0 else { throw TestFailure("vigil \(arguments.joined(separator: " ")): \(result.stderr)") }
        return result.stdout
    }

    /// Applies the configuration, starts the three agents and waits for one cluster of three.
    static func form(_ lab: RabbitMQLab, _ store: EtcdStore) async throws {
        try apply(lab, lab.config())
        for node in lab.names { try await lab.nodes.start(node) }
        try await eventually("three clustered nodes", timeout: .seconds(150), every: .milliseconds(500)) {
            try await lab.clustered(store).count == 3
        }
    }

    static func events(_ lab: RabbitMQLab) throws -> String {
        try cliOutput(lab, ["events", "--limit", "400"])
    }

    @Test func formationFromNothingMakesOneClusterOfThreeWithThePoliciesApplied() async throws {
        try await Self.withLab("rmqform") { lab, store in
            try await Self.form(lab, store)
            // Exactly one node started a new cluster; the others joined it.
            let view = try await lab.view(store)
            let members = Set(lab.names.compactMap { view.status[$0]?["mq"]?.rabbitmq?.members }.flatMap { $0 })
            #expect(members == Set(lab.names.map(lab.nodename)))
            let events = try Self.events(lab)
            #expect(events.components(separatedBy: "starts a new RabbitMQ cluster").count - 1 == 1, "\(events)")
            // Every node is healthy: running, clustered, no alarm, the AMQP proof passes.
            try await eventually("every /health/mq to be 200", timeout: .seconds(20), every: .milliseconds(250)) {
                var codes: [Int] = []
                for node in lab.names { codes.append(await lab.health(node)) }
                return codes == [200, 200, 200]
            }
            // The policies are applied once the three run.
            try await eventually("the policy to be set", timeout: .seconds(60), every: .seconds(1)) {
                let policies = try lab.ctl("n2", ["list_policies", "--formatter", "json"]).output
                return policies.contains("vigil-test-lazy") && policies.contains("max-length")
            }
            // `vigil status --json` shows membership, partitions, alarms and leaders.
            try await eventually("status to show the RabbitMQ cluster", timeout: .seconds(30), every: .milliseconds(500)) {
                let json = try Self.cliOutput(lab, ["status", "--json"])
                guard let document = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any],
                    let mq = (document["rabbitmq"] as? [String: Any])?["mq"] as? [String: Any],
                    let nodes = mq["nodes"] as? [String: [String: Any]]
                else { return false }
                return lab.names.allSatisfy { node in
                    guard let entry = nodes[node] else { return false }
                    return entry["state"] as? String == "running" && (entry["clustered"] as? [String])?.count == 3
                        && (entry["partitions"] as? [String])?.isEmpty == true && (entry["alarms"] as? [String])?.isEmpty == true
                        && entry["leaders"] is Int && entry["amqp"] as? Bool == true
                }
            }
            let text = try Self.cliOutput(lab, ["status"])
            #expect(text.contains("RabbitMQ:") && text.contains("clustered 3/3"), "\(text)")
        }
    }
}
