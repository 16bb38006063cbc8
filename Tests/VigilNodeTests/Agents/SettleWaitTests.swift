import Foundation
import Testing
import VigilNode
import VigilCluster

/// `--wait` on real agents (issue 16): `config apply --wait` and `resource move --wait`
/// follow the cluster until it has carried out the plan and end with one line; a goal that
/// cannot be reached ends, after `--timeout`, with exit 1 and the scheduler's reason.
@Suite("Real agents: config apply and resource move --wait", .etcd(members: 3), .serialized)
struct SettleWaitTests {
    static func run(_ harness: RealAgentTests.Harness, _ arguments: [String]) throws -> VigilBinary.Result {
        let cluster = String(harness.keyspace.prefix.split(separator: "/").last ?? "")
        return try VigilBinary.run(
            arguments + ["--etcd", harness.nodes.endpoints.joined(separator: ","), "--cluster", cluster], in: harness.directory, timeout: 90)
    }

    @Test func applyAndMoveWaitUntilTheClusterHasDoneItAndSayWhy() async throws {
        try await RealAgentTests.withHarness("settle") { harness, store in
            let file = harness.directory.appendingPathComponent("cluster.yaml")
            try harness.config().write(to: file, atomically: true, encoding: .utf8)
            let applied = try Self.run(harness, ["config", "apply", file.path, "--wait", "--timeout", "60"])
            #expect(applied.status == 0, "\(applied.stderr)")
            let holder = try #require(try await RealAgentTests.holders(harness, store).first)
            #expect(applied.stdout.contains("settled in ") && applied.stdout.contains("web on \(holder)"), "\(applied.stdout)")

            let target = ["n1", "n2", "n3"].first { $0 != holder } ?? "n1"
            let moved = try Self.run(harness, ["resource", "move", "web", "--node", target, "--wait", "--timeout", "60"])
            #expect(moved.status == 0, "\(moved.stderr)")
            let outcome = moved.stdout.split(separator: "\n").last.map(String.init) ?? ""
            #expect(outcome.hasPrefix("web moved to \(target) in ") && outcome.hasSuffix(": web on \(target)"), "\(moved.stdout)")
            // Not on a terminal: progress is one line per change on standard error.
            #expect(moved.stderr.contains("] "), "progress lines: \(moved.stderr)")
            #expect(try await RealAgentTests.holders(harness, store) == [target])

            // A goal the scheduler will not reach: the node is in standby.
            let third = ["n1", "n2", "n3"].first { $0 != holder && $0 != target } ?? "n3"
            try RealAgentTests.cli(harness, ["node", "standby", third])
            let refused = try Self.run(harness, ["resource", "move", "web", "--node", third, "--wait", "--timeout", "3"])
            #expect(refused.status == 1)
            #expect(refused.stderr.contains("not settled after 3 s: web does not run on \(third) yet"), "\(refused.stderr)")
            #expect(refused.stderr.contains("standby"), "the scheduler's reason: \(refused.stderr)")
            #expect(try await RealAgentTests.holders(harness, store) == [target], "web stays where it can run")
            try RealAgentTests.cli(harness, ["resource", "clear", "web"])
            try RealAgentTests.cli(harness, ["node", "online", third])
        }
    }
}
