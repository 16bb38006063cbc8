import Foundation
import Testing
import VigilNode
import VigilCluster

/// `node-params` for real (issue 11): a clone of a `process` runs on all three agents, each
/// with the command line its node's `node-params` gives it.
@Suite("Real agents: node-params", .etcd(members: 3), .serialized)
struct NodeParamsAgentTests {
    @Test func eachAgentRunsItsNodesParameters() async throws {
        try await RealAgentTests.withHarness("nodeparams", etcd: try EtcdFixture.current()) { harness, store in
            _ = try await RealAgentTests.servingFrom(harness, store)
            let yaml = harness.config() + """

                  - name: marker
                    agent: process
                    clone: {}
                    params: {command: [/bin/sleep, "3600"]}
                    node-params:
                      n1: {command: [/bin/sleep, "3601"]}
                      n2: {command: [/bin/sleep, "3602"]}
                """
            try await RealAgentTests.apply(yaml, harness: harness, store: store)
            let expected = ["n1": "3601", "n2": "3602", "n3": "3600"]
            try await eventually("each node runs its own command line", timeout: .seconds(30), every: .milliseconds(200)) {
                expected.allSatisfy { node, argument in
                    harness.nodes.childPIDs(of: node, containing: "/bin/sleep\u{0}\(argument)").count == 1
                }
            }
            // And nothing else: no node runs another node's command line.
            for (node, argument) in expected {
                for other in expected.values where other != argument {
                    #expect(harness.nodes.childPIDs(of: node, containing: "/bin/sleep\u{0}\(other)").isEmpty, "\(node) runs sleep \(other)")
                }
            }
        }
    }
}
