import Foundation
import Glibc
import Testing
import VigilNode
import VigilCluster
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
                let summary = await lab.summary(store)
                let logs = lab.logs()
                await lab.stop()
                throw TestFailure("\(error) [lab: \(summary)]\n\(logs)")
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
            // The two others joined one after the other (a join turn each, never overlapping).
            let turns = Self.joinTurns(lab)
            #expect(turns.count == 2, "\(turns)")
            if turns.count == 2 { #expect(turns[0].end <= turns[1].start, "joins overlapped: \(turns)") }
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

    /// Each agent's join turns from its log: when it took the turn, when it gave it back
    /// (RFC 3339 times in UTC, which sort as text), ordered by start.
    static func joinTurns(_ lab: RabbitMQLab) -> [(node: String, start: String, end: String)] {
        var turns: [(node: String, start: String, end: String)] = []
        for node in lab.nodes.nodes {
            let lines = ((try? String(contentsOf: node.log, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
            for (index, line) in lines.enumerated() where line.contains("rabbitmq join turn taken") {
                let end = lines[(index + 1)...].first { $0.contains("rabbitmq join turn released") }
                turns.append((node.name, String(line.prefix(24)), end.map { String($0.prefix(24)) } ?? "(still joining)"))
            }
        }
        return turns.sorted { $0.start < $1.start }
    }

    /// How old the test queue is when the power goes (see the power-loss test).
    static let powerLossQueueAge = 10

    static func publisher(_ lab: RabbitMQLab) -> QuorumPublisher {
        QuorumPublisher(ports: lab.names.compactMap { lab.amqpPorts[$0] })
    }

    static func confirmsFlow(_ publisher: QuorumPublisher, beyond count: Int, within timeout: Duration = .seconds(60)) async throws {
        try await eventually("confirms beyond \(count)", timeout: timeout, every: .milliseconds(100)) {
            publisher.confirmedCount > count + 20
        }
    }

    @Test func aKilledServerIsRestartedByItsAgentAndAKilledNodeRejoinsWhilePublishingGoesOn() async throws {
        try await Self.withLab("rmqkill1") { lab, store in
            try await Self.form(lab, store)
            let publisher = Self.publisher(lab)
            publisher.start()
            try await Self.confirmsFlow(publisher, beyond: 0)
            // kill -9 of n2's RabbitMQ VM; its agent stays: the crash is counted and the
            // node restarts as a member.
            let pids = lab.serverPIDs("n2")
            try #require(!pids.isEmpty, "no beam process found for n2")
            let killed = ContinuousClock.now
            for pid in pids { kill(pid, SIGKILL) }
            try await Self.confirmsFlow(publisher, beyond: publisher.confirmedCount, within: .seconds(30))
            try await eventually("n2 back in the cluster", timeout: .seconds(120), every: .milliseconds(500)) {
                try await lab.clustered(store).count == 3 && lab.serverPIDs("n2").first.map { !pids.contains($0) } == true
            }
            let view = try await lab.view(store)
            #expect((view.failcounts["mq"]?["n2"]?.count ?? 0) >= 1)
            // kill -9 of the whole node n3 (agent and server), then its agent is started again.
            try await lab.killNode("n3", store)
            try await Self.confirmsFlow(publisher, beyond: publisher.confirmedCount, within: .seconds(30))
            #expect(publisher.longestGap(after: killed) < .seconds(10), "publishing stalled for \(publisher.longestGap(after: killed))")
            try await lab.nodes.start("n3")
            try await eventually("n3 back in the cluster", timeout: .seconds(120), every: .milliseconds(500)) {
                try await lab.clustered(store).count == 3
            }
            try await Self.confirmsFlow(publisher, beyond: publisher.confirmedCount)
            await publisher.stop()
            let problems = await publisher.verify()
            #expect(problems.isEmpty, "\(problems)")
            #expect(publisher.confirmedCount > 100)
        }
    }

    @Test func aSurvivorOfTwoKillsIsUnhealthyAndTheClusterReformsWhenTheOthersReturn() async throws {
        try await Self.withLab("rmqkill2") { lab, store in
            try await Self.form(lab, store)
            let publisher = Self.publisher(lab)
            publisher.start()
            try await Self.confirmsFlow(publisher, beyond: 0)
            try await lab.killNode("n2", store)
            try await lab.killNode("n3", store)
            // The survivor lost quorum: `ping` would still say 0; Vigil's health is 503.
            try await eventually("n1's health to be 503", timeout: .seconds(20), every: .milliseconds(200)) {
                await lab.health("n1") == 503
            }
            let stalled = publisher.confirmedCount
            try await lab.nodes.start("n2")
            try await lab.nodes.start("n3")
            try await eventually("three clustered nodes again", timeout: .seconds(150), every: .milliseconds(500)) {
                try await lab.clustered(store).count == 3
            }
            try await eventually("every /health/mq to be 200", timeout: .seconds(30), every: .milliseconds(250)) {
                var codes: [Int] = []
                for node in lab.names { codes.append(await lab.health(node)) }
                return codes == [200, 200, 200]
            }
            try await Self.confirmsFlow(publisher, beyond: stalled)
            await publisher.stop()
            let problems = await publisher.verify()
            #expect(problems.isEmpty, "\(problems)")
        }
    }

    @Test func afterAPowerLossTheRestartedAgentsReformTheClusterWithNoConfirmedMessageLost() async throws {
        try await Self.withLab("rmqpower") { lab, store in
            try await Self.form(lab, store)
            let publisher = Self.publisher(lab)
            publisher.start()
            try await Self.confirmsFlow(publisher, beyond: 200)
            // RabbitMQ 3.10 (Ra) can lose a quorum queue declared seconds before every one
            // of its members is killed at once (its registration is not on disk yet; seen
            // here 3 s after the declaration): the power loss comes once the queue is
            // established (docs/rabbitmq.md).
            try await Task.sleep(for: .seconds(Self.powerLossQueueAge))
            for node in lab.names { try await lab.nodes.killNode(node) }
            for node in lab.names { try await lab.killNode(node, store) }
            await publisher.stop()
            let before = publisher.confirmedCount
            for node in lab.names { try await lab.nodes.start(node) }
            try await eventually("three clustered nodes again", timeout: .seconds(180), every: .milliseconds(500)) {
                try await lab.clustered(store).count == 3
            }
            let problems = await publisher.verify()
            let queues = (try? lab.ctl("n1", ["list_queues", "name", "type", "leader", "members", "online", "messages", "state"]).output) ?? ""
            let quorum = (try? lab.ctl("n1", ["quorum_status", "vigil-test-orders"], tool: "rabbitmq-queues").output) ?? ""
            #expect(problems.isEmpty, "\(problems)\n\(queues)\n\(quorum)")
            #expect(before > 200)
            let events = try Self.events(lab)
            #expect(!events.contains("starts a new RabbitMQ cluster") || events.components(separatedBy: "starts a new RabbitMQ cluster").count == 2,
                    "a second new cluster was formed after the power loss:\n\(events)")
        }
    }

    @Test func aNodeReplacedWithAnEmptyDataDirIsForgottenAndJoinsAgain() async throws {
        try await Self.withLab("rmqreplace") { lab, store in
            try await Self.form(lab, store)
            let publisher = Self.publisher(lab)
            publisher.start()
            try await Self.confirmsFlow(publisher, beyond: 100)
            try await lab.killNode("n3", store)
            try FileManager.default.removeItem(atPath: lab.dataDirectory("n3"))
            try await lab.nodes.start("n3")
            try await eventually("three clustered nodes again", timeout: .seconds(150), every: .milliseconds(500)) {
                try await lab.clustered(store).count == 3
            }
            let events = try Self.events(lab)
            #expect(events.contains("joins through") && events.contains("forgotten first"), "\(events)")
            try await Self.confirmsFlow(publisher, beyond: publisher.confirmedCount)
            await publisher.stop()
            let problems = await publisher.verify()
            #expect(problems.isEmpty, "\(problems)")
            // The new n3 is a member of the test queue again (grown back).
            let queues = try lab.ctl("n1", ["list_queues", "name", "members", "--formatter", "json"]).output
            #expect(queues.contains(lab.nodename("n3")), "\(queues)")
        }
    }

    @Test func whenTheLastNodeToStopIsGoneTheLatestOfTheOthersIsForceBooted() async throws {
        try await Self.withLab("rmqforce") { lab, store in
            try await Self.form(lab, store)
            let publisher = Self.publisher(lab)
            publisher.start()
            try await Self.confirmsFlow(publisher, beyond: 100)
            await publisher.stop()
            // A clean stop, one node after the other: n3 stops last, and its host is then lost.
            for node in lab.names { try await lab.nodes.stopGracefully(node) }
            let records = try await lab.view(store).rabbitmqNodes["mq"] ?? [:]
            #expect(lab.names.allSatisfy { records[$0]?.record.running == false && records[$0]?.record.clean == true }, "\(records)")
            #expect(RabbitMQStopOrder.lastStoppers(records) == ["n3"])
            // n1, which stopped first, is back first and waits; n2 (which stopped after it)
            // is still away: n1 must not be force-booted (n2 would then wait for n3 forever).
            try await lab.nodes.start("n1")
            try await eventually("n1 waiting", timeout: .seconds(60), every: .milliseconds(250)) {
                try await lab.view(store).status["n1"]?["mq"]?.waiting == true
            }
            try await Task.sleep(for: .seconds(3))  // the coordinator's chance to choose wrongly
            #expect(try await lab.view(store).rabbitmqBoot["mq"] == nil, "a node chosen while n2, which stopped later, is away")
            try await lab.nodes.start("n2")
            // Longer than the 3-minute start-timeout: once in a CI run the force-booted
            // broker stopped logging right after its log handlers came up and never opened
            // its listener (RabbitMQ itself, CPU-starved); the start is then abandoned at the
            // timeout and the node force-booted again, which is what an operator relies on.
            try await eventually("n1 and n2 running as one cluster without n3", timeout: .seconds(300), every: .milliseconds(500)) {
                try await lab.clustered(store, count: 2).count == 2
            }
            let events = try Self.events(lab)
            #expect(events.contains("n2 chosen to force_boot") && events.contains("rabbit2@localhost is force-booted"), "\(events)")
            try await eventually("n1 and n2 healthy (two of three members run)", timeout: .seconds(30), every: .milliseconds(250)) {
                let codes = [await lab.health("n1"), await lab.health("n2")]
                return codes == [200, 200]
            }
            // n3 returns: it joins the running cluster as a member.
            try await lab.nodes.start("n3")
            try await eventually("three clustered nodes again", timeout: .seconds(150), every: .milliseconds(500)) {
                try await lab.clustered(store).count == 3
            }
            let problems = await publisher.verify()
            #expect(problems.isEmpty, "\(problems)")
        }
    }

    @Test func aNodeRemovedFromTheConfigurationIsForgottenByTheRunningCluster() async throws {
        try await Self.withLab("rmqghost") { lab, store in
            try await Self.form(lab, store)
            // n3 leaves the RabbitMQ cluster's configuration (banned by name): its node stops,
            // and the others must not wait on it as a member. The same change drops the
            // policies, which restarts no broker (policies are applied to the running cluster).
            let servers = ["n1", "n2"].map { lab.serverPIDs($0) }
            #expect(servers.allSatisfy { $0.count == 1 }, "\(servers)")
            try Self.apply(lab, lab.config(policies: false, extra: "constraints:\n  - location: {resource: mq, node: n3, score: -INFINITY}\n"))
            try await eventually("rabbit3 forgotten", timeout: .seconds(90), every: .seconds(1)) {
                let view = try await lab.view(store)
                return ["n1", "n2"].allSatisfy { node in
                    view.status[node]?["mq"]?.rabbitmq.map { $0.members == [lab.nodename("n1"), lab.nodename("n2")] && $0.clustered.count == 2 } ?? false
                }
            }
            let events = try Self.events(lab)
            #expect(events.contains("forgot \(lab.nodename("n3"))"), "\(events)")
            try await eventually("n1 and n2 healthy", timeout: .seconds(20), every: .milliseconds(250)) {
                let codes = [await lab.health("n1"), await lab.health("n2")]
                return codes == [200, 200]
            }
            #expect(["n1", "n2"].map { lab.serverPIDs($0) } == servers, "n1's and n2's brokers were restarted")
        }
    }
}
