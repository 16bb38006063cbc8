import Foundation
import Testing
import VigilModel
import VigilNode
import VigilCluster
import VigilStore

/// Issue 10 §3: a canary secret never leaves Vigil. Three real agents run an OCF agent that
/// prints the password it is given (from `param-files`) in every action and fails to start
/// (ocf:vigiltest:Leaky), an exec probe that prints it, and an HTTP probe that sends it as a
/// header (`header-files`). After the failures
/// have gone round (start failures on every node, monitors, events), neither canary may
/// appear in `/v1/status`, `/health`, `/metrics`, `vigil events`, `vigil status`, `vigil
/// config show`, the keyspace, or any agent's log line — while "[redacted]" shows that the
/// agents' output did travel there.
@Suite("Real agents: no secret leaks", .etcd(members: 3), .serialized)
struct SecretCanaryTests {
    @Test func aCanarySecretAppearsNowhere() async throws {
        let canary = "VigilCanary" + UUID().uuidString.prefix(8).replacingOccurrences(of: "-", with: "")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-canary-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let secretFile = directory.appendingPathComponent("db.password")
        try "\(canary)\n".write(to: secretFile, atomically: true, encoding: .utf8)
        let tokenFile = directory.appendingPathComponent("token")
        try "Bearer \(canary)Token\n".write(to: tokenFile, atomically: true, encoding: .utf8)
        let ocfRoot = try TestOCFRoot.make(in: directory)
        try await RealAgentTests.withHarness(
            "canary", etcd: try EtcdFixture.current(), agentArguments: ["--ocf-root", ocfRoot]
        ) { harness, store in
            _ = try await RealAgentTests.servingFrom(harness, store)
            var yaml = harness.config()
            yaml += """

                  - name: leaky
                    agent: ocf:vigiltest:Leaky
                    param-files: {password: \(secretFile.path)}
                    monitor: {interval: 1s, timeout: 5s}
                    migration-threshold: 1
                  - name: probed
                    agent: process
                    params: {command: [/bin/sleep, "3600"]}
                    health:
                      - exec: {command: [/bin/cat, \(secretFile.path), /nonexistent]}
                        interval: 500ms
                        timeout: 2s
                      - http: {url: "http://127.0.0.1:\(harness.port)/", header-files: {Authorization: \(tokenFile.path)}}
                        interval: 500ms
                        timeout: 1s
                """
            try await RealAgentTests.apply(yaml, harness: harness, store: store)
            // Every node's start of leaky fails once (migration-threshold 1), and probed's
            // exec probe keeps failing: output with the secret goes round.
            try await eventually("leaky failed on every node", timeout: .seconds(60), every: .milliseconds(500)) {
                let view = try await RealAgentTests.view(harness, store)
                return (view.failcounts["leaky"]?.count ?? 0) == 3
            }
            // The exec probe's output (the secret, redacted) reaches probed's status record.
            try await eventually("probed's status to carry its probes' results", timeout: .seconds(30), every: .milliseconds(200)) {
                let view = try await RealAgentTests.view(harness, store)
                return view.status.values.contains { $0["probed"]?.health?.probes.contains { $0.contains("exec") } == true }
            }
            var places: [(String, String)] = []
            for (node, port) in harness.nodes.apiPorts.sorted(by: { $0.key < $1.key }) {
                places.append(("\(node) /v1/status", httpBody(port: port, path: "/v1/status") ?? ""))
                places.append(("\(node) /metrics", httpBody(port: port, path: "/metrics") ?? ""))
                for resource in ["leaky", "probed", "web"] {
                    places.append(("\(node) /health/\(resource)", httpBody(port: port, path: "/health/\(resource)") ?? ""))
                }
            }
            places.append(("vigil events", try RealAgentTests.cli(harness, ["events"])))
            places.append(("vigil status", try RealAgentTests.cli(harness, ["status", "--json"])))
            places.append(("vigil config show", try RealAgentTests.cli(harness, ["config", "show"])))
            let keyspace = try await store.range(.prefix(harness.keyspace.prefix))
            places.append(("etcd keyspace", keyspace.kvs.map { $0.key + "=" + String(decoding: $0.value, as: UTF8.self) }.joined(separator: "\n")))
            places.append(("agent logs", harness.nodes.logs(last: 100_000)))
            for (place, text) in places {
                #expect(!text.isEmpty, "\(place) answered nothing")
                #expect(!text.contains(canary), "the canary leaked into \(place)")
            }
            let events = places.first { $0.0 == "vigil events" }?.1 ?? ""
            #expect(events.contains(Redactor.mark), "the agents' output must have reached the events, redacted:\n\(events.suffix(2000))")
        }
    }
}
