import Foundation
import Testing
import VigilModel
import VigilNode
import VigilCluster
import VigilStore

/// Issue 10 §2: bounded etcd history. 100 MiB of events are written into a cluster's
/// keyspace (more than one etcd range may answer: Vigil caps a response at 64 MiB); then
/// three agents start with `events-keep: 100` and `history-retention: 5s`. They must start
/// and serve, `vigil status` and `vigil events` must work, the coordinator must delete the
/// events beyond 100 and compact etcd's history, so that the space etcd uses shrinks.
@Suite("Real agents: bounded etcd history", .serialized)
struct EventHistoryTests {
    /// etcd's `dbSizeInUse` (bytes) of the only member.
    static func sizeInUse(_ etcd: EtcdCluster) async throws -> Int {
        let endpoints = await etcd.endpoints
        let result = try HostLab.run(["/usr/bin/etcdctl", "--endpoints", endpoints[0], "endpoint", "status", "-w", "json"])
        guard let range = result.range(of: "\"dbSizeInUse\":") else { throw TestFailure("no dbSizeInUse in \(result)") }
        return Int(result[range.upperBound...].prefix(while: \.isNumber)) ?? 0
    }

    @Test func aHundredMebibytesOfEventsNeitherStopTheAgentsNorStay() async throws {
        try await EtcdCluster.with(members: 1, extraArguments: ["--quota-backend-bytes", "\(1 << 30)"]) { etcd in
            let endpoints = await etcd.endpoints
            let keyspace = Keyspace(cluster: "history")
            // 1,024 events of 100 KiB, ten per transaction (etcd takes requests up to 1.5 MiB).
            let message = String(repeating: "x", count: 100 * 1024)
            let now = Int64(Date().timeIntervalSince1970 * 1000)
            try await withEtcdStore(EtcdConfiguration(endpoints: endpoints)) { store in
                for batch in 0..<103 {
                    var ops: [TxnOp] = []
                    for index in 0..<10 {
                        let sequence = batch * 10 + index
                        let record = EventRecord(
                            time: Timestamp(millisecondsSinceEpoch: now - 60_000 + Int64(sequence)).description, node: "seed",
                            resource: "web", kind: "failed", message: message)
                        ops.append(keyspace.eventPut(record, at: now - 60_000 + Int64(sequence), counter: 0, writer: "seed"))
                    }
                    _ = try await store.txn(Txn(success: ops))
                }
                // What agents and `vigil status` read before: the whole prefix in one range.
                await #expect(throws: VigilStoreError.self) { _ = try await store.range(.prefix(keyspace.prefix)) }
            }
            let seeded = try await Self.sizeInUse(etcd)
            #expect(seeded > 100 << 20, "seeded \(seeded) bytes")
            try await RealAgentTests.withHarness(
                "history", etcd: etcd, clusterExtra: "\n  events-keep: 100\n  history-retention: 5s"
            ) { harness, store in
                _ = try await RealAgentTests.servingFrom(harness, store, timeout: .seconds(60))
                let status = try RealAgentTests.cli(harness, ["status"])
                #expect(status.contains("web"), "vigil status: \(status)")
                let events = try RealAgentTests.cli(harness, ["events", "--limit", "5"])
                #expect(events.split(separator: "\n").count >= 1, "vigil events: \(events)")
                try await eventually("old events deleted", timeout: .seconds(60), every: .milliseconds(500)) {
                    try await store.keysFromLast(1000, of: .prefix(keyspace.events)).count <= 100 + 50
                }
                var shrunk = seeded
                try await eventually("etcd's space in use shrinks after compaction", timeout: .seconds(90), every: .seconds(1)) {
                    shrunk = try await Self.sizeInUse(etcd)
                    return shrunk < seeded / 4
                }
                print("bounded history: \(seeded >> 20) MiB of events seeded; \(shrunk >> 20) MiB in use after deletion and compaction")
            }
        }
    }
}
