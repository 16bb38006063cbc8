import Foundation
import Testing
import VigilModel
import VigilCluster

/// What `--wait` waits for (``ClusterClient/settlement(of:now:condition:)``), on views built
/// by hand: settled only when a coordinator is elected, the scheduler plans nothing on the
/// view, nothing is starting or stopping, and the caller's condition holds.
@Suite("Settlement: what --wait waits for")
struct SettlementTests {
    static let now = Timestamp(millisecondsSinceEpoch: 1_795_000_000_000)

    static func running(coordinator: Bool = true) throws -> ViewFixtures.Builder {
        var b = ViewFixtures.Builder()
        try b.config()
        for node in ["n1", "n2", "n3"] { try b.member(node) }
        if coordinator { b.add(ViewFixtures.keyspace.coordinator, Array("n1".utf8), lease: 7) }
        try b.status("web", on: "n1", .started)
        try b.status("vip", on: "n2", .started)
        try b.status("db", on: "n2", .promoted, score: 10)
        try b.status("db", on: "n3", .unpromoted, score: 5)
        return b
    }

    @Test func aClusterThatRunsItsPlanIsSettled() throws {
        let settlement = ClusterClient.settlement(of: try Self.running().view, now: Self.now)
        #expect(settlement.settled, "\(settlement.summary)")
        #expect(settlement.summary == "settled")
    }

    @Test func withoutACoordinatorNothingIsSettled() throws {
        let settlement = ClusterClient.settlement(of: try Self.running(coordinator: false).view, now: Self.now)
        #expect(!settlement.settled)
        #expect(settlement.blockers == ["no coordinator is elected"])
    }

    @Test func plannedActionsAndInstancesUnderWayAreWhatIsLeft() throws {
        var b = try Self.running()
        // web was moved to n2 (INFINITY): the plan stops it on n1 and starts it on n2.
        try b.resourceAdmin("web", ResourceAdminRecord(prefer: "n2", bans: [], stopped: false))
        try b.status("vip", on: "n2", .starting)
        let settlement = ClusterClient.settlement(of: b.view, now: Self.now)
        #expect(!settlement.settled)
        #expect(settlement.pending.contains("stop web n1") && settlement.pending.contains("start web n2"), "\(settlement.pending)")
        #expect(settlement.busy == ["vip on n2: starting"])
        #expect(settlement.summary.contains("actions left (") && settlement.summary.contains("vip on n2: starting"), "\(settlement.summary)")
    }

    @Test func theCallersConditionIsABlocker() throws {
        let view = try Self.running().view
        let waiting = ClusterClient.settlement(of: view, now: Self.now) { _ in "web does not run on n3 yet" }
        #expect(!waiting.settled && waiting.summary == "web does not run on n3 yet")
        let met = ClusterClient.settlement(of: view, now: Self.now) { _ in nil }
        #expect(met.settled)
    }
}

/// The status fields the status page reads besides the DESIGN contract's.
@Suite("ClusterStatus: cluster, order, health")
struct ClusterStatusPageFieldsTests {
    @Test func theClusterTheOrderAndEachInstancesVerdictAreInTheJSON() throws {
        var b = try SettlementTests.running()
        let report = HealthReport(healthy: false, probes: ["http: unhealthy (connection refused)"])
        b.add(
            ViewFixtures.keyspace.status("web", on: "n1"),
            try ViewFixtures.json(StatusRecord(state: .started, since: "2026-11-25T10:00:00Z", health: report)), lease: 7)
        // A stopped instance's old verdict is not shown.
        b.add(
            ViewFixtures.keyspace.status("vip", on: "n3"),
            try ViewFixtures.json(StatusRecord(state: .stopped, since: "2026-11-25T10:00:00Z", health: HealthReport(healthy: true, probes: []))),
            lease: 7)
        let status = ClusterStatus(view: b.view)
        #expect(status.cluster == "t")
        #expect(status.health == ["web": ["n1": report]])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(status.json.utf8)) as? [String: Any])
        #expect(json["cluster"] == nil, "the contract's JSON starts with coordinator")
        #expect(status.json.hasPrefix(#"{"coordinator":"#))
        let order = try #require(json["order"] as? [String: [String]])
        #expect(order["nodes"] == ["n1", "n2", "n3"] && order["resources"] == ["web", "db", "vip"])
        let health = try #require(json["health"] as? [String: [String: [String: Any]]])
        #expect(health["web"]?["n1"]?["healthy"] as? Bool == false)
        #expect(health["vip"] == nil)
    }
}
