import Testing
import VigilModel
import VigilNode
import VigilCluster
import VigilScheduler
import VigilStore

@Suite("StateBuilder")
struct StateBuilderTests {
    @Test
    func nodesAreOnlineWhenMembersAndCarryTheirAdminSettings() throws {
        var b = ViewFixtures.Builder()
        try b.member("n1")
        try b.member("n2")
        try b.member("stranger")
        try b.nodeAdmin("n2", NodeAdminRecord(standby: true))
        try b.nodeAdmin("n3", NodeAdminRecord(maintenance: true))
        let state = StateBuilder.state(from: b.view, config: try ViewFixtures.config(), now: nil)
        #expect(state.nodes["n1"] == NodeStatus(online: true))
        #expect(state.nodes["n2"] == NodeStatus(online: true, standby: true))
        #expect(state.nodes["n3"] == NodeStatus(online: false, maintenance: true))
        #expect(state.nodes["stranger"] == nil)
        #expect(state.quorum)
    }

    @Test
    func resourcesComeFromLiveMembersStatusRecords() throws {
        var b = ViewFixtures.Builder()
        try b.member("n1")
        try b.member("n2")
        try b.member("stranger")
        try b.status("web", on: "n1", .starting)
        try b.status("web", on: "n2", .failed)
        try b.status("web", on: "n3", .started)  // n3 is not a member: stale
        try b.status("web", on: "stranger", .started)  // not a configured node
        try b.status("vip", on: "n2", .stopped)
        try b.status("vip", on: "n1", .stopping)
        try b.status("db", on: "n1", .promoted, score: 10)
        try b.status("db", on: "n2", .started, score: 5)
        try b.status("ghost", on: "n1", .started)  // not configured
        let state = StateBuilder.state(from: b.view, config: try ViewFixtures.config(), now: nil)
        #expect(state.resources["web"] == ["n1": [.started], "n2": [.failed]])
        #expect(state.resources["vip"] == ["n1": [.started]])
        #expect(state.resources["db"] == ["n1": [.promoted], "n2": [.unpromoted]])
        #expect(state.resources["ghost"] == nil)
        #expect(state.promotionScores["db"] == ["n1": Score(10), "n2": Score(5)])
    }

    @Test(arguments: [
        (ResourceStatusState.started, false, InstanceState?.some(.started)),
        (.starting, false, .started), (.stopping, false, .started), (.starting, true, .unpromoted),
        (.stopping, true, .unpromoted), (.started, true, .unpromoted), (.promoted, true, .promoted),
        (.unpromoted, true, .unpromoted), (.failed, false, .failed), (.failed, true, .failed), (.stopped, false, nil),
    ])
    func instanceStates(reported: ResourceStatusState, promotable: Bool, expected: InstanceState?) {
        #expect(StateBuilder.instanceState(reported, promotable: promotable) == expected)
    }

    @Test
    func failcountsOfConfiguredNodesWithTheirTimes() throws {
        var b = ViewFixtures.Builder()
        try b.failcount("web", on: "n1", 2, at: "2026-11-25T09:00:00Z")
        try b.failcount("web", on: "n2", 1_000_000, at: "garbage")
        try b.failcount("web", on: "stranger", 3)
        let now = Timestamp.parse("2026-11-25T10:00:00Z")
        let state = StateBuilder.state(from: b.view, config: try ViewFixtures.config(), now: now)
        #expect(state.failcounts["web"] == ["n1": Score(2), "n2": .infinity])
        #expect(state.lastFailure["web"] == ["n1": try #require(Timestamp.parse("2026-11-25T09:00:00Z"))])
        #expect(state.now == now)
    }

    @Test
    func overridesBecomeLocationsAndTargetRole() throws {
        var b = ViewFixtures.Builder()
        try b.resourceAdmin("web", ResourceAdminRecord(prefer: "n2", bans: ["n1", "nowhere"]))
        try b.resourceAdmin("db", ResourceAdminRecord(stopped: true))
        try b.resourceAdmin("stack", ResourceAdminRecord(bans: ["n3"], stopped: true))
        try b.resourceAdmin("ghost", ResourceAdminRecord(prefer: "n1", stopped: true))
        let config = try ViewFixtures.config()
        let effective = StateBuilder.effectiveConfig(config, view: b.view)
        let added = Array(effective.constraints.dropFirst(config.constraints.count))
        #expect(added == [
            .location(LocationConstraint(resource: "stack", target: .node("n3"), score: .minusInfinity)),
            .location(LocationConstraint(resource: "web", target: .node("n2"), score: .infinity)),
            .location(LocationConstraint(resource: "web", target: .node("n1"), score: .minusInfinity)),
        ])
        #expect(effective.resource(named: "db")?.targetRole == .stopped)
        #expect(effective.resource(named: "vip")?.targetRole == .stopped)
        #expect(effective.resource(named: "web")?.targetRole == .started)
    }

    @Test
    func noOverridesLeaveTheConfigurationAlone() throws {
        let config = try ViewFixtures.config()
        #expect(StateBuilder.effectiveConfig(config, view: ViewFixtures.Builder().view) == config)
    }

    @Test
    func theSchedulerMovesABannedResource() throws {
        var b = ViewFixtures.Builder()
        for node in ["n1", "n2", "n3"] { try b.member(node) }
        try b.status("web", on: "n1", .started)
        try b.resourceAdmin("web", ResourceAdminRecord(bans: ["n1"]))
        let config = try ViewFixtures.config()
        let transition = Scheduler.plan(
            config: StateBuilder.effectiveConfig(config, view: b.view),
            state: StateBuilder.state(from: b.view, config: config, now: nil))
        let web = transition.actions.filter { $0.resource == "web" }.map(\.description)
        #expect(web.contains("stop web n1"))
        #expect(web.contains { $0.hasPrefix("start web n") && $0 != "start web n1" })
    }
}
