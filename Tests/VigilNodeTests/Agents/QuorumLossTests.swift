import Foundation
import Testing
import VigilNode
import VigilCluster
import VigilStore

/// etcd itself fails: with two of three members gone no agent can renew its lease, so each
/// self-fences and stops its exclusive resources (no-quorum-policy stop) before its lease
/// could expire; when etcd returns, the agents re-join and the service runs again — with
/// no operator action.
@Suite("Real agents: etcd quorum loss", .etcd(members: 3))
struct QuorumLossTests {
    @Test func exclusiveResourcesStopWithoutQuorumAndComeBackWithIt() async throws {
        let etcd = try EtcdFixture.current()
        try await RealAgentTests.withHarness("quorum", etcd: etcd) { harness, store in
            let holder = try await RealAgentTests.servingFrom(harness, store)
            let clock = ContinuousClock()
            let start = clock.now
            try await etcd.kill(1)
            try await etcd.kill(2)
            try await eventually("the service to stop on \(holder)", timeout: .seconds(15)) { !httpOK(port: harness.port) }
            let stoppedAfter = clock.now - start
            // Self-fence deadline: last confirmed renewal + TTL (2 s) − margin (0.5 s); the
            // lease-renewal interval (~0.5 s) and the stop come on top.
            #expect(stoppedAfter < .seconds(6), "stopped after \(stoppedAfter)")
            #expect(harness.nodes.logs(last: 200).contains("self-fenc"))
            try await etcd.restart(1)
            try await etcd.restart(2)
            _ = try await RealAgentTests.servingFrom(harness, store, timeout: .seconds(60))
            print("quorum loss: service stopped after \(stoppedAfter); back \(clock.now - start) after the loss")
        }
    }
}
