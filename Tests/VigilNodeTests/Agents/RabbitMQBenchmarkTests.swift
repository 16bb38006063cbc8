import Foundation
import Testing
import VigilNode
import VigilCluster
import VigilStore

/// The RabbitMQ benchmarks of docs/benchmarks.md (issue 12), run on demand:
///
///     swift build -c release --product vigil
///     VIGIL_BINARY=.build/release/vigil VIGIL_RABBITMQ_TRIALS=10 swift test --filter RabbitMQBenchmarkTests
///
/// One lab (three nodes, a client publishing with confirms to a durable quorum queue through
/// a list of all three brokers, as OpenStack services do): each node killed in turn N times
/// (agent and server: a host crash), then restarted; N power losses; every confirmed message
/// consumed exactly once at the end.
@Suite(
    "RabbitMQ benchmarks", .etcd(members: 3), .serialized,
    .enabled(if: ProcessInfo.processInfo.environment["VIGIL_RABBITMQ_TRIALS"] != nil, "set VIGIL_RABBITMQ_TRIALS to run"))
struct RabbitMQBenchmarkTests {
    static var trials: Int { Int(ProcessInfo.processInfo.environment["VIGIL_RABBITMQ_TRIALS"] ?? "") ?? 10 }

    @Test func nodeKillRejoinAndPowerLoss() async throws {
        try await RabbitMQAgentTests.withLab("rmqbench") { lab, store in
            try await RabbitMQAgentTests.form(lab, store)
            let publisher = RabbitMQAgentTests.publisher(lab)
            publisher.start()
            try await RabbitMQAgentTests.confirmsFlow(publisher, beyond: 0)
            // The queue is established before anything is killed (see the power-loss test).
            try await Task.sleep(for: .seconds(RabbitMQAgentTests.powerLossQueueAge))
            var gaps: [Double] = []
            var leaderGaps: [Double] = []
            var trialsText: [String] = []
            var rejoins: [Double] = []
            var powerServing: [Double] = []
            var powerRabbit: [Double] = []
            for trial in 0..<Self.trials {
                let victim = lab.names[trial % lab.names.count]
                // Whether the victim leads the client's quorum queue (a leader election on top).
                let leader = (try? lab.ctl(lab.names.first { $0 != victim } ?? "n1", ["list_queues", "name", "leader", "--formatter", "json"]).output) ?? ""
                let leads = leader.contains("\"vigil-test-orders\",\"leader\":\"\(lab.nodename(victim))\"")
                    || leader.range(of: "\"leader\":\"\(lab.nodename(victim))\",\"name\":\"vigil-test-orders\"") != nil
                let count = publisher.confirmedCount
                let killed = ContinuousClock.now
                try await lab.nodes.killNode(victim)
                try await eventually("confirms again", timeout: .seconds(60), every: .milliseconds(20)) { publisher.confirmedCount > count + 3 }
                try await eventually("\(victim)'s membership to expire", timeout: .seconds(20), every: .milliseconds(100)) {
                    try await lab.view(store).members[victim] == nil
                }
                let restarted = ContinuousClock.now
                try await lab.nodes.start(victim)
                try await eventually("\(victim) back in the cluster", timeout: .seconds(180), every: .milliseconds(100)) {
                    try await lab.clustered(store).count == 3
                }
                rejoins.append(GaleraBenchmarkTests.seconds(ContinuousClock.now - restarted))
                // The outage a publishing client saw: the longest time without a confirm
                // from the kill until the node was back.
                let gap = GaleraBenchmarkTests.seconds(publisher.longestGap(after: killed))
                if leads { leaderGaps.append(gap) } else { gaps.append(gap) }
                trialsText.append(String(format: "%@%@ %.2f s", victim, leads ? " (leader)" : "", gap))
            }
            for _ in 0..<max(1, Self.trials / 2) {
                for node in lab.names { try await lab.nodes.killNode(node) }
                try await eventually("every membership to expire", timeout: .seconds(20), every: .milliseconds(100)) {
                    let view = try await lab.view(store)
                    return lab.names.allSatisfy { view.members[$0] == nil }
                }
                let restarted = ContinuousClock.now
                for node in lab.names { try await lab.nodes.start(node) }
                try await eventually("confirms again", timeout: .seconds(180), every: .milliseconds(20)) {
                    publisher.firstConfirm(after: restarted) != nil
                }
                powerServing.append(GaleraBenchmarkTests.seconds((publisher.firstConfirm(after: restarted) ?? restarted) - restarted))
                try await eventually("three clustered", timeout: .seconds(180), every: .milliseconds(200)) { try await lab.clustered(store).count == 3 }
                powerRabbit.append(Self.fastestServerStart(lab) ?? .nan)
            }
            await publisher.stop()
            let problems = await publisher.verify(timeout: .seconds(120))
            let lines = [
                GaleraBenchmarkTests.summary("node killed (not the queue's leader) → longest time without a confirm", gaps),
                GaleraBenchmarkTests.summary("node killed (the queue's leader) → longest time without a confirm", leaderGaps),
                "trials: " + trialsText.joined(separator: ", "),
                GaleraBenchmarkTests.summary("killed node's agent restarted → clustered, AMQP proof passing", rejoins),
                GaleraBenchmarkTests.summary("power loss, agents restarted → first confirmed publish", powerServing),
                GaleraBenchmarkTests.summary("… RabbitMQ's own start (fastest node: launch → application running)", powerRabbit.filter { !$0.isNaN }),
                "confirmed messages: \(publisher.confirmedCount); lost or duplicated: \(problems.isEmpty ? "none" : problems.joined(separator: "; "))",
            ]
            print("RABBITMQ BENCHMARK\n" + lines.joined(separator: "\n"))
            #expect(problems.isEmpty, "\(problems)")
        }
    }

    /// Seconds from "starting rabbitmq-server" to the next "start done", fastest of the three
    /// nodes' current agent logs (the first node up is what a client needs).
    static func fastestServerStart(_ lab: RabbitMQLab) -> Double? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        var fastest: Double?
        for node in lab.names {
            let text = (try? String(contentsOf: lab.directory.appendingPathComponent("\(node).log"), encoding: .utf8)) ?? ""
            let lines = text.split(separator: "\n")
            guard let launch = lines.lastIndex(where: { $0.contains("starting rabbitmq-server") }),
                let done = lines[launch...].firstIndex(where: { $0.contains("start done") }),
                let from = formatter.date(from: String(lines[launch].prefix(24))), let to = formatter.date(from: String(lines[done].prefix(24)))
            else { continue }
            fastest = min(fastest ?? .infinity, to.timeIntervalSince(from))
        }
        return fastest
    }
}
