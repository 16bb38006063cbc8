import Foundation
import Testing
import VigilAgents
import VigilModel
import VigilNode
import VigilCluster
import VigilStore

/// The RabbitMQ decisions as pure functions of a view (issue 12): how a stopped node
/// starts, which node may start alone, what the stop order says. Hand-made cases for each
/// rule, then thousands of random clusters checked against the safety rules stated
/// independently.
@Suite("RabbitMQ rules")
struct RabbitMQRulesTests {
    static let now = "2026-12-06T12:00:00Z"
    static let all = ["n1", "n2", "n3"]

    /// A view of `members` on the RabbitMQ configuration, `banned` nodes banned from `mq`.
    static func base(members: [String] = all, banned: [String] = []) throws -> ViewFixtures.Builder {
        var builder = ViewFixtures.Builder()
        try builder.config(ViewFixtures.rabbitmqYAML + banned.map { "\n  - location: {resource: mq, node: \($0), score: -INFINITY}" }.joined())
        for node in members { try builder.member(node) }
        return builder
    }

    static func plan(_ builder: ViewFixtures.Builder) throws -> RabbitMQPlan {
        let view = builder.view
        let config = try #require(view.config)
        return RabbitMQPlanner.plan(resource: try #require(config.resource(named: "mq")), config: config, view: view, now: now, by: "n1")
    }

    static func decide(_ builder: ViewFixtures.Builder, _ node: String, _ local: RabbitMQLocalData) throws -> RabbitMQStartDecision {
        let view = builder.view
        let config = try #require(view.config)
        return RabbitMQStartRule.decide(
            resource: try #require(config.resource(named: "mq")), node: node, nodename: ViewFixtures.rabbit(node), local: local, view: view,
            config: config)
    }

    static func data(_ members: [String]) -> RabbitMQLocalData {
        RabbitMQLocalData(initialised: true, members: members.map(ViewFixtures.rabbit))
    }

    @Test func theNodesAreTheAllowedOnesWithTheirErlangNames() throws {
        let config = try ConfigDecoder.decode(yaml: ViewFixtures.rabbitmqYAML, file: "t.yaml")
        #expect(RabbitMQNodes.of(try #require(config.resource(named: "mq")), in: config) == ["n1": "rabbit@n1", "n2": "rabbit@n2", "n3": "rabbit@n3"])
    }

    @Test func formationFromNothingChoosesOneNodeAndTheOthersWaitThenJoin() throws {
        var builder = try Self.base()
        for node in Self.all {
            try builder.rabbitmqStatus(on: node, nil, state: .stopped, waiting: true)
            try builder.rabbitmqRecord(on: node, running: false, members: [], initialised: false)
        }
        for node in Self.all {
            guard case .wait(let reason) = try Self.decide(builder, node, .empty) else {
                Issue.record("\(node) must wait for the choice")
                continue
            }
            #expect(reason.contains("coordinator to choose"))
        }
        let plan = try Self.plan(builder)
        #expect(plan.boot?.node == "n1" && plan.boot?.mode == .newCluster)
        try builder.rabbitmqBoot("n1", .newCluster)
        #expect(try Self.decide(builder, "n1", .empty) == .start(.newCluster))
        #expect(try Self.decide(builder, "n2", .empty) == .wait("waiting for n1 to start the cluster (test)"))
        #expect(try Self.plan(builder).isEmpty)
        // n1 runs: the others join it; the choice is deleted.
        try builder.rabbitmqStatus(on: "n1", ViewFixtures.running(clustered: ["n1"], members: ["n1"]))
        #expect(try Self.decide(builder, "n2", .empty) == .start(.join(peer: "rabbit@n1", forgetFirst: false, discardLocal: false)))
        #expect(try Self.plan(builder).deleteBoot)
    }

    @Test func oneNodeJoinsAtATime() throws {
        var builder = try Self.base()
        try builder.rabbitmqStatus(on: "n1", ViewFixtures.running(clustered: ["n1"], members: ["n1"]))
        try builder.rabbitmqStatus(on: "n2", nil, state: .stopped)
        try builder.rabbitmqStatus(on: "n3", nil, state: .stopped)
        // n2 holds the turn: n3 waits, n2 itself goes on (its gate runs again after taking it).
        try builder.rabbitmqJoining("n2", through: "n1")
        #expect(try Self.decide(builder, "n3", .empty) == .wait("n2 is joining the cluster through rabbit@n1: one node joins at a time"))
        #expect(try Self.decide(builder, "n2", .empty) == .start(.join(peer: "rabbit@n1", forgetFirst: false, discardLocal: false)))
        // A node the cluster counts restarts as a member: that is no join, and needs no turn.
        var counted = try Self.base()
        try counted.rabbitmqStatus(on: "n1", ViewFixtures.running(clustered: ["n1"]))
        try counted.rabbitmqJoining("n2", through: "n1")
        #expect(try Self.decide(counted, "n3", Self.data(["n1", "n2", "n3"])) == .start(.member))
        // A holder that is no longer a member (its lease, and with it the key, is going)
        // does not hold anyone back.
        var gone = try Self.base(members: ["n1", "n3"])
        try gone.rabbitmqStatus(on: "n1", ViewFixtures.running(clustered: ["n1"], members: ["n1"]))
        try gone.rabbitmqJoining("n2", through: "n1")
        #expect(try Self.decide(gone, "n3", .empty) == .start(.join(peer: "rabbit@n1", forgetFirst: false, discardLocal: false)))
    }

    @Test func aStandaloneNodeWithDataIsPreferredForANewCluster() throws {
        var builder = try Self.base()
        for node in Self.all { try builder.rabbitmqStatus(on: node, nil, state: .stopped, waiting: true) }
        try builder.rabbitmqRecord(on: "n3", running: false, members: ["n3"])
        #expect(try Self.plan(builder).boot?.node == "n3")
        // A node whose record names a cluster of several: no new cluster is ever formed.
        try builder.rabbitmqRecord(on: "n2", running: false, members: ["n2", "n3"])
        #expect(try Self.plan(builder).boot?.mode != .newCluster)
    }

    @Test func withAPeerRunningEachKindOfLocalDataStartsItsOwnWay() throws {
        var builder = try Self.base()
        try builder.rabbitmqStatus(on: "n1", ViewFixtures.running(clustered: ["n1", "n2"]))
        // A member whose data names the peer, and whom the peer counts: just starts.
        #expect(try Self.decide(builder, "n3", Self.data(Self.all)) == .start(.member))
        // A replaced node (empty data, the peer still counts its name): forgotten first.
        #expect(try Self.decide(builder, "n3", .empty) == .start(.join(peer: "rabbit@n1", forgetFirst: true, discardLocal: false)))
        // Data from a cluster that does not count it (standalone): moved aside, then join.
        #expect(try Self.decide(builder, "n3", Self.data(["n3"])) == .start(.join(peer: "rabbit@n1", forgetFirst: true, discardLocal: true)))
        var other = try Self.base()
        try other.rabbitmqStatus(on: "n1", ViewFixtures.running(clustered: ["n1"], members: ["n1", "n2"]))
        #expect(try Self.decide(other, "n3", Self.data(["n3"])) == .start(.join(peer: "rabbit@n1", forgetFirst: false, discardLocal: true)))
        #expect(try Self.decide(other, "n3", .empty) == .start(.join(peer: "rabbit@n1", forgetFirst: false, discardLocal: false)))
        // A node that runs but whose application does not (paused, booting) is no peer.
        var paused = try Self.base()
        var status = ViewFixtures.running(clustered: [])
        status.running = false
        try paused.rabbitmqStatus(on: "n1", status)
        guard case .wait = try Self.decide(paused, "n3", .empty) else {
            Issue.record("a paused node is not a peer to join")
            return
        }
    }

    @Test func theStopOrderIsTheRecordsRevisionAndAnUnrecordedStopMayBeLast() throws {
        var builder = try Self.base()
        try builder.rabbitmqRecord(on: "n2", running: false, members: Self.all)
        try builder.rabbitmqRecord(on: "n3", running: false, members: Self.all)
        try builder.rabbitmqRecord(on: "n1", running: false, members: Self.all)
        #expect(RabbitMQStopOrder.lastStoppers(builder.view.rabbitmqNodes["mq"] ?? [:]) == ["n1"])
        try builder.rabbitmqRecord(on: "n3", running: true, members: Self.all)
        try builder.rabbitmqRecord(on: "n2", running: true, members: Self.all)
        #expect(RabbitMQStopOrder.lastStoppers(builder.view.rabbitmqNodes["mq"] ?? [:]) == ["n2", "n3"])
        #expect(RabbitMQStopOrder.lastStoppers([:]) == nil)
    }

    @Test func afterAFullStopTheNodesStartTogetherWhileTheLastToStopIsHere() throws {
        var builder = try Self.base()
        try builder.rabbitmqRecord(on: "n1", running: false, members: Self.all)
        try builder.rabbitmqRecord(on: "n2", running: false, members: Self.all)
        try builder.rabbitmqRecord(on: "n3", running: false, members: Self.all)
        for node in Self.all { #expect(try Self.decide(builder, node, Self.data(Self.all)) == .start(.member)) }
        #expect(try Self.plan(builder).isEmpty)
    }

    @Test func whenTheLastToStopIsGoneTheLatestOfTheOthersIsForceBooted() throws {
        var builder = try Self.base(members: ["n1", "n2"])
        try builder.rabbitmqRecord(on: "n1", running: false, members: Self.all)
        try builder.rabbitmqRecord(on: "n2", running: false, members: Self.all)
        try builder.rabbitmqRecord(on: "n3", running: false, members: Self.all)
        for node in ["n1", "n2"] {
            guard case .wait(let reason) = try Self.decide(builder, node, Self.data(Self.all)) else {
                Issue.record("\(node) must wait for n3 or a force_boot choice")
                continue
            }
            #expect(reason.contains("(n3) is offline"))
            try builder.rabbitmqStatus(on: node, nil, state: .stopped, waiting: true)
        }
        // Only n1 has reported waiting so far: n2 stopped later and is online, so nothing
        // is chosen until it waits too (booting n1 would lose what only n2 saw).
        var early = try Self.base(members: ["n1", "n2"])
        for node in Self.all { try early.rabbitmqRecord(on: node, running: false, members: Self.all) }
        try early.rabbitmqStatus(on: "n1", nil, state: .stopped, waiting: true)
        #expect(try Self.plan(early).isEmpty)
        // n2 is not even back yet (its host boots slower): n1 alone waits, and is not chosen.
        var slow = try Self.base(members: ["n1"])
        for node in Self.all { try slow.rabbitmqRecord(on: node, running: false, members: Self.all) }
        try slow.rabbitmqStatus(on: "n1", nil, state: .stopped, waiting: true)
        #expect(try Self.plan(slow).isEmpty, "n1 force-booted while n2, which stopped later, is away")
        // n2 is banned from the resource (an operator gives it up): n1 is then the latest.
        var banned = try Self.base(members: ["n1"], banned: ["n2"])
        for node in Self.all { try banned.rabbitmqRecord(on: node, running: false, members: Self.all) }
        try banned.rabbitmqStatus(on: "n1", nil, state: .stopped, waiting: true)
        #expect(try Self.plan(banned).boot?.node == "n1")
        // The last to stop is online but banned from the resource (a node being removed; the
        // others restarted with the change): it never starts it, so it counts as gone.
        var lastBanned = try Self.base(members: Self.all, banned: ["n3"])
        for node in Self.all { try lastBanned.rabbitmqRecord(on: node, running: false, members: Self.all) }
        for node in ["n1", "n2"] {
            guard case .wait = try Self.decide(lastBanned, node, Self.data(Self.all)) else {
                Issue.record("\(node) must not start as a member waiting on the banned n3")
                continue
            }
            try lastBanned.rabbitmqStatus(on: node, nil, state: .stopped, waiting: true)
        }
        #expect(try Self.plan(lastBanned).boot.map { "\($0.node) \($0.mode)" } == "n2 forceBoot")
        let plan = try Self.plan(builder)
        #expect(plan.boot?.node == "n2" && plan.boot?.mode == .forceBoot, "\(plan)")
        try builder.rabbitmqBoot("n2", .forceBoot)
        #expect(try Self.decide(builder, "n2", Self.data(Self.all)) == .start(.forceBoot))
        // n3 returns before the choice is used: it was the last; the choice stands until
        // an instance runs (n2 boots; n1 and n3 follow as members of its cluster).
        #expect(try Self.decide(builder, "n1", Self.data(Self.all)) == .wait("waiting for n2 to start the cluster (test)"))
        // The chosen node leaves: the choice is withdrawn.
        var gone = try Self.base(members: ["n1"])
        try gone.rabbitmqBoot("n2", .forceBoot)
        #expect(try Self.plan(gone).deleteBoot)
    }

    @Test func afterAPowerLossEveryUnrecordedStopMayBeLastSoAnyOfThemHereStartsThemAll() throws {
        var builder = try Self.base(members: ["n2"])
        for node in Self.all { try builder.rabbitmqRecord(on: node, running: true, members: Self.all) }
        #expect(try Self.decide(builder, "n2", Self.data(Self.all)) == .start(.member))
        try builder.rabbitmqStatus(on: "n2", nil, state: .stopped, waiting: true)
        #expect(try Self.plan(builder).isEmpty)
    }

    /// Random clusters: members, statuses, records and boot choices drawn at random; the
    /// rules must never (1) form a new cluster while a node's record names a cluster of
    /// several, (2) force-boot while a node that may have stopped last is online, or over a
    /// node (online or not) that stopped later than the chosen one, (3) start
    /// a node alone without a boot choice naming it, (4) start a node with no data as a
    /// member, (5) join through a node whose application does not run, (6) join while
    /// another online node holds the join turn.
    @Test func randomClustersKeepTheSafetyRules() throws {
        var rng = SplitMix64(seed: 12)
        for seed in 0..<3000 {
            var builder = try Self.base(members: Self.all.filter { _ in Bool.random(using: &rng) })
            var runningApps: Set<String> = []
            for node in Self.all {
                switch Int.random(in: 0..<4, using: &rng) {
                case 0:
                    try builder.rabbitmqStatus(on: node, nil, state: .stopped, waiting: Bool.random(using: &rng))
                case 1:
                    var status = ViewFixtures.running(clustered: Self.all.filter { _ in Bool.random(using: &rng) })
                    status.running = Bool.random(using: &rng)
                    if status.running { runningApps.insert(node) }
                    try builder.rabbitmqStatus(on: node, status)
                default:
                    break
                }
            }
            for node in Self.all.shuffled(using: &rng) where Bool.random(using: &rng) {
                let members = Self.all.filter { _ in Bool.random(using: &rng) }
                try builder.rabbitmqRecord(on: node, running: Bool.random(using: &rng), members: members, initialised: !members.isEmpty)
            }
            if Int.random(in: 0..<4, using: &rng) == 0 {
                try builder.rabbitmqBoot(Self.all.randomElement(using: &rng) ?? "n1", Bool.random(using: &rng) ? .newCluster : .forceBoot)
            }
            if Bool.random(using: &rng) {
                try builder.rabbitmqJoining(Self.all.randomElement(using: &rng) ?? "n1", through: Self.all.randomElement(using: &rng) ?? "n1")
            }
            let view = builder.view
            let onlineApps = runningApps.filter { view.members[$0] != nil }
            let plan = try Self.plan(builder)
            let records = view.rabbitmqNodes["mq"] ?? [:]
            if let boot = plan.boot {
                #expect(onlineApps.isEmpty, "seed \(seed): a boot choice while \(onlineApps) runs")
                #expect(view.rabbitmqBoot["mq"] == nil, "seed \(seed): a second choice over one in force")
                switch boot.mode {
                case .newCluster:
                    #expect(!records.values.contains { $0.record.members.count > 1 }, "seed \(seed): a new cluster over cluster data")
                case .forceBoot:
                    let last = RabbitMQStopOrder.lastStoppers(records) ?? []
                    #expect(!last.contains { view.members[$0] != nil }, "seed \(seed): force_boot while \(last) may be online")
                    let later = records.filter { node, record in
                        !last.contains(node) && record.record.initialised && record.record.members.count > 1
                            && record.modRevision > (records[boot.node]?.modRevision ?? 0)
                    }
                    #expect(later.isEmpty, "seed \(seed): force_boot of \(boot.node) while \(later.keys.sorted()) stopped later")
                }
            }
            for node in Self.all {
                let local: RabbitMQLocalData = Bool.random(using: &rng) ? .empty : Self.data(Self.all.filter { _ in Bool.random(using: &rng) } + [node])
                let decision = try Self.decide(builder, node, local)
                switch decision {
                case .start(.newCluster), .start(.forceBoot):
                    #expect(view.rabbitmqBoot["mq"]?.record.node == node, "seed \(seed): \(node) starts alone without a choice")
                case .start(.member):
                    #expect(local.initialised, "seed \(seed): \(node) without data starts as a member")
                case .start(.join(let peer, _, _)):
                    let peerNode = String(peer.dropFirst("rabbit@".count))
                    #expect(onlineApps.contains(peerNode) && peerNode != node, "seed \(seed): \(node) joins \(peer), whose application does not run")
                    let holder = view.rabbitmqJoining["mq"]?.record.node
                    #expect(holder == nil || holder == node || view.members[holder ?? ""] == nil, "seed \(seed): \(node) joins while \(holder ?? "") does")
                case .wait:
                    break
                }
            }
        }
    }
}
