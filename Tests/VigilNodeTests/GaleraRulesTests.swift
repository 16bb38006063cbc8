import Foundation
import Testing
import VigilAgents
import VigilModel
import VigilNode
import VigilCluster
import VigilStore

/// The Galera decisions as pure functions of a view (issue 11): who bootstraps, who writes,
/// when a stopped node may start. Hand-made cases for each rule, then thousands of random
/// clusters checked against the safety rules stated independently.
@Suite("Galera rules")
struct GaleraRulesTests {
    static let now = "2026-12-06T12:00:00Z"

    static func plan(_ builder: ViewFixtures.Builder) throws -> GaleraPlan {
        let view = builder.view
        let config = try #require(view.config)
        let resource = try #require(config.resource(named: "db"))
        return GaleraPlanner.plan(resource: resource, config: config, view: view, now: now, by: "n1")
    }

    static func base(members: [String] = ["n1", "n2", "n3"]) throws -> ViewFixtures.Builder {
        var builder = ViewFixtures.Builder()
        try builder.config(ViewFixtures.galeraYAML)
        for node in members { try builder.member(node) }
        return builder
    }

    @Test func theGaleraNodesAreTheNodeParamsNodesLessTheBanned() throws {
        let config = try ConfigDecoder.decode(yaml: ViewFixtures.galeraYAML, file: "t.yaml")
        #expect(GaleraNodes.of(try #require(config.resource(named: "db")), in: config) == ["n1", "n2", "n3"])
    }

    @Test func coldStartWaitsForEveryPositionThenPicksTheFirstEmptyNode() throws {
        var builder = try Self.base()
        try builder.galeraStatus(on: "n1", nil, state: .stopped)
        try builder.galeraPosition(on: "n1", seqno: -1)
        #expect(try Self.plan(builder).bootstrap == nil)
        #expect(try Self.plan(builder).waiting?.contains("n2 has not reported") == true)
        try builder.galeraPosition(on: "n2", seqno: -1)
        try builder.galeraPosition(on: "n3", seqno: -1)
        let plan = try Self.plan(builder)
        #expect(plan.bootstrap?.node == "n1")
        #expect(plan.bootstrap?.mode == .newCluster)
    }

    @Test func theHighestSeqnoWinsThenSafeToBootstrap() throws {
        var builder = try Self.base()
        try builder.galeraPosition(on: "n1", seqno: 100)
        try builder.galeraPosition(on: "n2", seqno: 130)
        try builder.galeraPosition(on: "n3", seqno: 120)
        #expect(try Self.plan(builder).bootstrap?.node == "n2")
        #expect(try Self.plan(builder).bootstrap?.seqno == 130)

        var tie = try Self.base()
        try tie.galeraPosition(on: "n1", seqno: 130)
        tie.add(
            ViewFixtures.keyspace.galeraPosition("db", on: "n3"),
            try ViewFixtures.json(GaleraPositionRecord(
                uuid: ViewFixtures.galeraUUID, seqno: 130, safeToBootstrap: true, empty: false, running: false, since: Self.now)))
        try tie.galeraPosition(on: "n2", seqno: 90)
        #expect(try Self.plan(tie).bootstrap?.node == "n3")
    }

    @Test func aLostNodeBlocksEveryChoice() throws {
        var builder = try Self.base(members: ["n1", "n2"])
        try builder.galeraPosition(on: "n1", seqno: 100)
        try builder.galeraPosition(on: "n2", seqno: 100)
        try builder.galeraPosition(on: "n3", seqno: 50)
        // n3's last incarnation had db assigned and is not known down.
        try builder.assignment("db", ["n3": AssignmentRecord.Entry(role: .started, member: 999)])
        let plan = try Self.plan(builder)
        #expect(plan.bootstrap == nil)
        #expect(plan.waiting?.contains("n3 is lost") == true)
    }

    @Test func aNodeThatCrashedWhileRunningIsUnknownUnlessASurvivorRuns() throws {
        // The stale-node case: n1 left cleanly at 100; n2 and n3 crashed while running.
        var stale = try Self.base(members: ["n1"])
        try stale.galeraPosition(on: "n1", seqno: 100)
        try stale.galeraPosition(on: "n2", seqno: 100, running: true)
        try stale.galeraPosition(on: "n3", seqno: 100, running: true)
        let waiting = try Self.plan(stale)
        #expect(waiting.bootstrap == nil)
        #expect(waiting.waiting?.contains("n2 stopped while running") == true)

        // Two of three died, n3 survives non-Primary: it holds all they held.
        var majorityLost = try Self.base(members: ["n3"])
        try majorityLost.galeraPosition(on: "n1", seqno: 100, running: true)
        try majorityLost.galeraPosition(on: "n2", seqno: 100, running: true)
        try majorityLost.galeraStatus(on: "n3", ViewFixtures.nonPrimary(seqno: 140))
        let plan = try Self.plan(majorityLost)
        #expect(plan.bootstrap?.node == "n3")
        #expect(plan.bootstrap?.mode == .pcBootstrap)
    }

    @Test func theMostAdvancedNodeDownIsWaitedFor() throws {
        var builder = try Self.base(members: ["n1", "n2"])
        try builder.galeraPosition(on: "n1", seqno: 100)
        try builder.galeraPosition(on: "n2", seqno: 110)
        try builder.galeraPosition(on: "n3", seqno: 150)   // stopped cleanly, then its host died
        let plan = try Self.plan(builder)
        #expect(plan.bootstrap == nil)
        #expect(plan.waiting?.contains("n3 holds the most advanced position") == true)
    }

    @Test func differentHistoriesAreNeverCompared() throws {
        var builder = try Self.base()
        try builder.galeraPosition(on: "n1", seqno: 100)
        try builder.galeraPosition(on: "n2", seqno: 100)
        builder.add(
            ViewFixtures.keyspace.galeraPosition("db", on: "n3"),
            try ViewFixtures.json(GaleraPositionRecord(
                uuid: "11111111-2222-3333-4444-555555555555", seqno: 900, safeToBootstrap: false, empty: false, running: false, since: Self.now)))
        let plan = try Self.plan(builder)
        #expect(plan.bootstrap == nil)
        #expect(plan.waiting?.contains("different cluster histories") == true)
    }

    @Test func withAPrimaryTheChoiceGoesAndTheWriterIsKept() throws {
        var builder = try Self.base()
        try builder.galeraStatus(on: "n1", ViewFixtures.synced())
        try builder.galeraStatus(on: "n2", ViewFixtures.synced())
        try builder.galeraBootstrap(ViewFixtures.bootstrap("n1"))
        var plan = try Self.plan(builder)
        #expect(plan.deleteBootstrap)
        #expect(plan.writer?.node == "n1")
        try builder.galeraWriter("n2")
        plan = try Self.plan(builder)
        #expect(plan.writer == nil, "n2 is Synced and Primary: it stays the writer")
        // The writer no longer Synced: the first Synced node takes over.
        try builder.galeraStatus(on: "n2", GaleraInstanceStatus(
            state: "Donor", primary: true, synced: false, donor: true, size: 2, seqno: 1, uuid: ViewFixtures.galeraUUID))
        #expect(try Self.plan(builder).writer?.node == "n1")
    }

    // MARK: - Start rule

    static let position = GaleraPosition(uuid: ViewFixtures.galeraUUID, seqno: 100)

    @Test func aStoppedNodeJoinsAPrimaryOnceItsPreviousIncarnationIsEvicted() throws {
        var builder = try Self.base()
        try builder.galeraStatus(on: "n2", ViewFixtures.synced(size: 3))
        try builder.galeraStatus(on: "n3", ViewFixtures.synced(size: 3))
        var decision = GaleraStartRule.decide(resource: "db", node: "n1", position: Self.position, view: builder.view)
        guard case .wait(let reason) = decision else { Issue.record("joined a component that still counts it: \(decision)"); return }
        #expect(reason.contains("evict"))
        try builder.galeraStatus(on: "n2", ViewFixtures.synced(size: 2))
        try builder.galeraStatus(on: "n3", ViewFixtures.synced(size: 2))
        decision = GaleraStartRule.decide(resource: "db", node: "n1", position: Self.position, view: builder.view)
        #expect(decision == .join(Self.position))
    }

    @Test func onlyTheChosenNodeBootstrapsFromExactlyItsPositionAndOnce() throws {
        var builder = try Self.base()
        #expect(GaleraStartRule.decide(resource: "db", node: "n1", position: Self.position, view: builder.view).isWait)
        try builder.galeraBootstrap(ViewFixtures.bootstrap("n1"))
        let revision = builder.revision
        let view = builder.view
        #expect(GaleraStartRule.decide(resource: "db", node: "n1", position: Self.position, view: view) == .bootstrap(Self.position, revision: revision))
        #expect(GaleraStartRule.decide(resource: "db", node: "n2", position: Self.position, view: view).isWait)
        let moved = GaleraPosition(uuid: ViewFixtures.galeraUUID, seqno: 101)
        #expect(GaleraStartRule.decide(resource: "db", node: "n1", position: moved, view: view).isWait, "chosen at 100, now at 101")
        try builder.galeraPosition(on: "n1", seqno: 100, bootstrapRevision: revision)
        #expect(GaleraStartRule.decide(resource: "db", node: "n1", position: Self.position, view: builder.view).isWait, "used once")
    }

    // MARK: - Random clusters

    /// Thousands of random three-node situations: whenever the planner chooses a node to
    /// bootstrap, every Galera node's position is known (by the rules written out here
    /// again, independently), the chosen node is a live member, and none holds more.
    @Test func aBootstrapChoiceNeverSkipsAnUnknownOrMoreAdvancedNode() throws {
        var random = SplitMix64(seed: 0x6A1E_2A)
        var chosen = 0
        for _ in 0..<3000 {
            var builder = ViewFixtures.Builder()
            try builder.config(ViewFixtures.galeraYAML)
            struct Node { var member: Bool; var lost: Bool; var state: Int; var seqno: Int64; var position: Int }
            var nodes: [String: Node] = [:]
            var lostEntries: [String: AssignmentRecord.Entry] = [:]
            for name in ["n1", "n2", "n3"] {
                let member = random.next() % 3 != 0
                let node = Node(
                    member: member, lost: !member && random.next() % 3 == 0, state: Int(random.next() % 5),
                    seqno: Int64(random.next() % 4) * 10, position: Int(random.next() % 3))
                nodes[name] = node
                if member { try builder.member(name) }
                if node.lost { lostEntries[name] = AssignmentRecord.Entry(role: .started, member: 999) }
                // position: 0 none, 1 stopped, 2 running (a start began since)
                if node.position > 0 { try builder.galeraPosition(on: name, seqno: node.seqno, running: node.position == 2) }
                if member {
                    switch node.state {
                    case 0: break
                    case 1: try builder.galeraStatus(on: name, nil, state: .stopped)
                    case 2: try builder.galeraStatus(on: name, ViewFixtures.nonPrimary(seqno: node.seqno))
                    case 3: try builder.galeraStatus(on: name, nil, state: .starting)
                    default: try builder.galeraStatus(on: name, nil, state: .failed)
                    }
                }
            }
            if !lostEntries.isEmpty { try builder.assignment("db", lostEntries) }
            let plan = try Self.plan(builder)
            guard let bootstrap = plan.bootstrap else { continue }
            chosen += 1
            let survivors = nodes.filter { $0.value.member && $0.value.state == 2 }
            var known: [String: Int64] = [:]
            for (name, node) in nodes {
                if node.member {
                    switch node.state {
                    case 2: known[name] = node.seqno
                    case 0, 1:
                        #expect(node.position == 1, "\(name) is stopped without a recovered position, yet \(bootstrap.node) was chosen")
                        known[name] = node.seqno
                    default:
                        Issue.record("\(name) is starting or failed, yet \(bootstrap.node) was chosen")
                    }
                } else {
                    #expect(!node.lost, "\(name) is lost, yet \(bootstrap.node) was chosen")
                    if node.position == 1 { known[name] = node.seqno }
                    if node.position == 2 { #expect(!survivors.isEmpty, "\(name) crashed running and nothing survived") }
                }
            }
            #expect(nodes[bootstrap.node]?.member == true)
            #expect(known.values.allSatisfy { $0 <= bootstrap.seqno }, "\(bootstrap.node) at \(bootstrap.seqno) chosen over \(known)")
            #expect(bootstrap.mode == (nodes[bootstrap.node]?.state == 2 ? .pcBootstrap : .newCluster))
        }
        #expect(chosen > 100, "the generator must reach choices (\(chosen))")
    }
}

extension GaleraStartDecision {
    var isWait: Bool {
        if case .wait = self { return true }
        return false
    }
}
