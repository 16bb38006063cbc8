import Foundation
import Testing
import VigilModel
import VigilNode
import VigilCluster
import VigilStore

/// The coordinator's pure decisions on hand-built views.
@Suite("CoordinatorCore")
struct CoordinatorCoreTests {
    static let keyspace = Keyspace(cluster: "t")

    /// A view built key by key; member incarnations are 10 + the node's index.
    struct ViewBuilder {
        var kvs: [KeyValue] = []
        var revision: Int64 = 100

        mutating func json(_ key: String, _ value: some Encodable, create: Int64 = 1, lease: Int64 = 0) {
            revision += 1
            // The encoder cannot fail on these record types.
            let bytes = Array((try? JSONEncoder().encode(value)) ?? Data())
            kvs.append(KeyValue(key: key, value: bytes, createRevision: create, modRevision: revision, version: 1, lease: lease))
        }

        mutating func config(_ yaml: String) {
            json(keyspace.config, ConfigRecord(yaml: yaml, hash: "", appliedBy: "t", appliedAt: "t"))
        }

        mutating func member(_ node: String, incarnation: Int64, ready: Bool = true) {
            json(keyspace.member(node), MemberRecord(address: "", started: "", ready: ready), create: incarnation, lease: incarnation)
        }

        mutating func status(_ resource: String, on node: String, _ state: ResourceStatusState) {
            json(keyspace.status(resource, on: node), StatusRecord(state: state, since: "t"))
        }

        mutating func assignment(_ resource: String, term: Int64 = 5, _ entries: [String: (AssignedRole, Int64)]) {
            json(
                keyspace.assignment(resource),
                AssignmentRecord(term: term, nodes: entries.mapValues { AssignmentRecord.Entry(role: $0.0, member: $0.1) }))
        }

        var view: ClusterView { ClusterView(keyspace: keyspace, range: RangeResult(kvs: kvs, revision: revision)) }
    }

    static let oneService = """
        cluster: {name: t}
        nodes: [{name: n1}, {name: n2}, {name: n3}]
        resources:
          - {name: web, agent: process, params: {command: [/bin/true]}}
        """

    static func threeMembers(_ yaml: String = oneService) -> ViewBuilder {
        var builder = ViewBuilder()
        builder.config(yaml)
        for (index, node) in ["n1", "n2", "n3"].enumerated() { builder.member(node, incarnation: Int64(11 + index)) }
        return builder
    }

    @Test func noConfigurationMeansNothingToDo() {
        var builder = ViewBuilder()
        builder.member("n1", incarnation: 11)
        let decision = CoordinatorCore.decide(view: builder.view, term: 5, now: nil)
        #expect(decision.writes.isEmpty)
        #expect(decision.transition == nil)
    }

    @Test func aNewServiceIsAssignedToOneMemberForItsIncarnation() throws {
        let decision = CoordinatorCore.decide(view: Self.threeMembers().view, term: 7, now: nil)
        let record = try #require(decision.writes["web"])
        #expect(record.term == 7)
        #expect(record.nodes.count == 1)
        let (node, entry) = try #require(record.nodes.first)
        #expect(entry.role == .started)
        #expect(entry.member == ["n1": 11, "n2": 12, "n3": 13][node])
    }

    @Test func nothingIsPlannedWhileAMemberIsStillProbing() {
        var builder = Self.threeMembers()
        builder.member("n2", incarnation: 12, ready: false)
        let decision = CoordinatorCore.decide(view: builder.view, term: 7, now: nil)
        #expect(decision.writes.isEmpty)
        #expect(decision.waitingFor == ["n2 probing"])
    }

    @Test func aResourceWithAStepInFlightGetsNoNewAssignment() {
        var builder = Self.threeMembers()
        builder.assignment("web", ["n1": (.started, 11)])
        builder.status("web", on: "n1", .starting)
        let decision = CoordinatorCore.decide(view: builder.view, term: 7, now: nil)
        #expect(decision.writes.isEmpty)
        #expect(decision.waitingFor == ["web on n1: starting, assigned started"])
    }

    static let twoServices = """
        cluster: {name: t}
        nodes: [{name: n1}, {name: n2}, {name: n3}]
        resources:
          - {name: web, agent: process, params: {command: [/bin/true]}}
          - {name: api, agent: process, params: {command: [/bin/true]}}
          - {name: cache, agent: process, params: {command: [/bin/true]}}
        """

    /// web's start is slow (still starting, or not yet reported at all): api, unrelated to
    /// it, is assigned anyway, and placed as if web were already up on n1.
    @Test(arguments: [ResourceStatusState.starting, .stopped])
    func anUnrelatedResourceIsAssignedWhileAnotherStartIsInFlight(webState: ResourceStatusState) throws {
        var builder = Self.threeMembers(Self.twoServices)
        builder.assignment("web", ["n1": (.started, 11)])
        builder.status("web", on: "n1", webState)
        builder.assignment("cache", ["n2": (.started, 12)])
        builder.status("cache", on: "n2", .started)
        let decision = CoordinatorCore.decide(view: builder.view, term: 7, now: nil)
        #expect(decision.waitingFor == ["web on n1: \(webState.rawValue), assigned started"])
        #expect(decision.writes["web"] == nil)
        let api = try #require(decision.writes["api"])
        #expect(api.nodes.count == 1)
        #expect(api.nodes["n1"] == nil, "web counts on n1, where it is assigned")
    }

    /// Anything tied to the resource in flight — by an order, a colocation or a group,
    /// also through another resource — waits for its step to end.
    @Test(arguments: [
        "  - {order: {first: web, then: api}}",
        "  - {colocation: {resource: api, with: web, score: INFINITY}}",
        "  - {colocation: {resource: api, with: cache, score: INFINITY}}\n  - {order: {first: web, then: cache}}",
    ])
    func aResourceTiedToOneInFlightWaits(constraints: String) throws {
        var builder = Self.threeMembers(Self.twoServices + "\nconstraints:\n" + constraints + "\n")
        builder.assignment("web", ["n1": (.started, 11)])
        builder.status("web", on: "n1", .starting)
        let decision = CoordinatorCore.decide(view: builder.view, term: 7, now: nil)
        #expect(decision.transition != nil, "the configuration decodes")
        #expect(decision.writes["api"] == nil)
        #expect(decision.writes["web"] == nil)
        // cache is tied to neither (except in the last case, through api): it goes ahead.
        #expect((decision.writes["cache"] != nil) == !constraints.contains("cache"))
    }

    @Test func aGroupWaitsForItsMemberInFlight() throws {
        let yaml = Self.twoServices + "\ngroups:\n  - {name: stack, members: [web, api]}\n"
        var builder = Self.threeMembers(yaml)
        builder.assignment("web", ["n1": (.started, 11)])
        builder.status("web", on: "n1", .starting)
        let decision = CoordinatorCore.decide(view: builder.view, term: 7, now: nil)
        #expect(decision.writes["api"] == nil)
        // cache is not in the group: it goes ahead.
        #expect(decision.writes["cache"] != nil, "\(decision.transition?.actions.map { "\($0.kind) \($0.resource ?? "") \($0.node) \($0.after)" } ?? [])")
    }

    @Test func aSettledClusterNeedsNoWrite() {
        var builder = Self.threeMembers()
        builder.assignment("web", ["n1": (.started, 11)])
        builder.status("web", on: "n1", .started)
        let decision = CoordinatorCore.decide(view: builder.view, term: 7, now: nil)
        #expect(decision.writes.isEmpty)
        #expect(decision.transition?.actions.isEmpty == true)
    }

    @Test func aFailedInstanceIsStoppedFirst() throws {
        var builder = Self.threeMembers()
        builder.assignment("web", ["n1": (.started, 11)])
        builder.status("web", on: "n1", .failed)
        let decision = CoordinatorCore.decide(view: builder.view, term: 7, now: nil)
        let record = try #require(decision.writes["web"])
        // The start (here or elsewhere) waits for the stop: only the stop is assigned now.
        #expect(record.nodes["n1"] == AssignmentRecord.Entry(role: .stopped, member: 11))
        #expect(record.nodes.values.filter { $0.role == .started }.isEmpty)
    }

    @Test func entriesOfAnEarlierIncarnationAreDroppedAndTheServiceReplaced() throws {
        var builder = Self.threeMembers()
        // n1 re-joined (incarnation 11 → 21): the old entry means nothing now.
        builder.member("n1", incarnation: 21)
        builder.assignment("web", ["n1": (.started, 11)])
        let decision = CoordinatorCore.decide(view: builder.view, term: 7, now: nil)
        let record = try #require(decision.writes["web"])
        #expect(record.nodes["n1"]?.member != 11)
        #expect(record.nodes.values.filter { $0.role == .started }.count == 1)
    }

    /// A resource a member found running unasked (its probe after an agent restart) gets an
    /// entry for that incarnation: the evidence that makes the node unclean if it is lost.
    @Test func whatAMemberFoundRunningUnaskedIsRecorded() throws {
        var builder = Self.threeMembers()
        builder.status("web", on: "n2", .started)
        let decision = CoordinatorCore.decide(view: builder.view, term: 7, now: nil)
        let record = try #require(decision.writes["web"])
        #expect(record.nodes["n2"] == AssignmentRecord.Entry(role: .started, member: 12))
        #expect(record.term == 7)
        // Once recorded (and the rest settled), nothing more is written.
        var settled = Self.threeMembers()
        settled.status("web", on: "n2", .started)
        settled.assignment("web", ["n2": (.started, 12)])
        #expect(CoordinatorCore.decide(view: settled.view, term: 7, now: nil).writes.isEmpty)
        // Lost now, n2 is unclean for it under fencing: self.
        var lost = Self.lostUnder("self")
        lost.assignment("web", ["n1": (.started, 11)])
        #expect(StateBuilder.lostNodes(view: lost.view, config: try #require(lost.view.config))["n1"]?.resources["web"] == .started)
    }

    /// n1 (incarnation 11) ran web and is gone, under `fencing: FENCING`.
    static func lostUnder(_ fencing: String, _ down: NodeDownRecord? = nil) -> ViewBuilder {
        var builder = ViewBuilder()
        builder.config(oneService.replacingOccurrences(of: "{name: t}", with: "{name: t, fencing: \(fencing)}"))
        builder.member("n2", incarnation: 12)
        builder.member("n3", incarnation: 13)
        builder.assignment("web", ["n1": (.started, 11)])
        if let down { builder.json(keyspace.nodeDown("n1"), down) }
        return builder
    }

    @Test func withFencingDisabledALostNodesServiceIsStartedElsewhere() throws {
        let decision = CoordinatorCore.decide(view: Self.lostUnder("disabled").view, term: 7, now: nil)
        let record = try #require(decision.writes["web"])
        #expect(record.nodes["n1"] == nil)
        #expect(record.nodes.values.map(\.role) == [.started])
    }

    /// Under `fencing: self`, silence proves nothing: the lost node is unclean, nothing is
    /// fenced through a device, and its service waits until the node is known down.
    @Test func withSelfFencingALostNodesServiceWaitsUntilItIsKnownDown() throws {
        let view = Self.lostUnder("self").view
        let decision = CoordinatorCore.decide(view: view, term: 7, now: nil)
        #expect(decision.fences.isEmpty, "no device to run")
        #expect(decision.writes.isEmpty, "web must not start elsewhere yet")
        let state = StateBuilder.state(from: view, config: try #require(view.config), now: nil)
        #expect(state.nodes["n1"]?.unclean == true)
        #expect(state.resources["web"]?["n1"] == [.started])
        let status = ClusterStatus(view: view)
        #expect(status.text.contains("UNCLEAN (not known stopped: waits for its watchdog timeout, its own report, or vigil node confirm-down)"))
    }

    @Test(arguments: [NodeDownRecord.Reason.watchdog, .selfFenced, .confirmed, .left])
    func withSelfFencingAKnownDownNodesServiceIsStartedElsewhere(reason: NodeDownRecord.Reason) throws {
        let view = Self.lostUnder("self", NodeDownRecord(member: 11, reason: reason, at: "t", by: "x")).view
        let decision = CoordinatorCore.decide(view: view, term: 7, now: nil)
        let record = try #require(decision.writes["web"])
        #expect(record.nodes["n1"] == nil)
        #expect(record.nodes.values.map(\.role) == [.started])
    }

    static let fencedService = """
        cluster: {name: t, fencing: devices}
        nodes: [{name: n1}, {name: n2}, {name: n3}]
        resources:
          - {name: web, agent: process, params: {command: [/bin/true]}}
        fence-devices:
          - {name: pdu, agent: fence_pdu, nodes: [n1, n2, n3]}
        """

    /// A lost node's view under `fencing: devices`: n1 (incarnation 11) ran web and is gone.
    static func lostHolder(_ down: NodeDownRecord? = nil) -> ViewBuilder {
        var builder = ViewBuilder()
        builder.config(fencedService)
        builder.member("n2", incarnation: 12)
        builder.member("n3", incarnation: 13)
        builder.assignment("web", ["n1": (.started, 11)])
        if let down { builder.json(keyspace.nodeDown("n1"), down) }
        return builder
    }

    @Test func withFenceDevicesALostNodeIsFencedBeforeItsServiceMoves() throws {
        let view = Self.lostHolder().view
        let decision = CoordinatorCore.decide(view: view, term: 7, now: nil)
        #expect(decision.fences == [FenceOrder(node: "n1", member: 11)])
        // The entry stays (the evidence) and nothing starts elsewhere yet.
        #expect(decision.writes.isEmpty)
        let transition = try #require(decision.transition)
        #expect(transition.actions.contains { $0.kind == .fence && $0.node == "n1" })
        let start = try #require(transition.actions.first { $0.kind == .start })
        #expect(!start.after.isEmpty, "the recovery start waits for the fence")
        // The scheduler sees n1 unclean, still running web.
        let state = StateBuilder.state(from: view, config: try #require(view.config), now: nil)
        #expect(state.nodes["n1"]?.unclean == true)
        #expect(state.resources["web"]?["n1"] == [.started])
    }

    @Test(arguments: [NodeDownRecord.Reason.fenced, .left])
    func aRecordedFenceOrCleanLeaveReleasesTheService(reason: NodeDownRecord.Reason) throws {
        let view = Self.lostHolder(NodeDownRecord(member: 11, reason: reason, at: "t", by: "n2")).view
        let decision = CoordinatorCore.decide(view: view, term: 7, now: nil)
        #expect(decision.fences.isEmpty)
        let record = try #require(decision.writes["web"])
        #expect(record.nodes["n1"] == nil)
        #expect(record.nodes.values.map(\.role) == [.started])
    }

    /// `vigil status` shows the lost node UNCLEAN with what it may still run, until the fence
    /// is recorded.
    @Test func statusShowsALostNodeUncleanUntilItIsFenced() throws {
        let status = ClusterStatus(view: Self.lostHolder().view)
        #expect(status.nodes["n1"] == ClusterStatus.Node(online: false, standby: false, maintenance: false, unclean: true))
        #expect(status.nodes["n2"]?.unclean == false)
        #expect(status.uncleanHolders == ["web": ["n1"]])
        #expect(status.text.contains("n1    offline, UNCLEAN (fence pending)"), "\(status.text)")
        #expect(status.text.contains("web       n1: UNCLEAN"), "\(status.text)")
        #expect(status.json.contains("\"unclean\":true"), "\(status.json)")
        let fenced = ClusterStatus(view: Self.lostHolder(NodeDownRecord(member: 11, reason: .fenced, at: "t", by: "n2")).view)
        #expect(fenced.nodes["n1"]?.unclean == false)
        #expect(fenced.uncleanHolders.isEmpty)
        #expect(!fenced.text.contains("UNCLEAN"))
    }

    @Test func aDownRecordOfAnEarlierIncarnationDoesNotCount() throws {
        let view = Self.lostHolder(NodeDownRecord(member: 9, reason: .left, at: "t", by: "n1")).view
        #expect(CoordinatorCore.decide(view: view, term: 7, now: nil).fences == [FenceOrder(node: "n1", member: 11)])
    }

    @Test func aLostNodeWithNothingAssignedIsNotFenced() {
        var builder = Self.lostHolder()
        builder.assignment("web", ["n2": (.started, 12)])
        builder.status("web", on: "n2", .started)
        let decision = CoordinatorCore.decide(view: builder.view, term: 7, now: nil)
        #expect(decision.fences.isEmpty)
    }

    /// A `stopped` entry left on a lost node is a stop nobody saw done: the node may still
    /// run the resource, so it is fenced and the resource is not started elsewhere first.
    @Test func aLostNodesUnconfirmedStopStillNeedsTheFence() throws {
        var builder = Self.lostHolder()
        builder.assignment("web", ["n1": (.stopped, 11)])
        let decision = CoordinatorCore.decide(view: builder.view, term: 7, now: nil)
        #expect(decision.fences == [FenceOrder(node: "n1", member: 11)])
        #expect(decision.writes.isEmpty)
        let start = try #require(decision.transition?.actions.first { $0.kind == .start })
        #expect(!start.after.isEmpty)
    }

    @Test func aStopReportedDoneDropsTheEntry() throws {
        var builder = Self.threeMembers()
        builder.assignment("web", ["n1": (.stopped, 11), "n2": (.started, 12)])
        builder.status("web", on: "n1", .stopped)
        builder.status("web", on: "n2", .started)
        let decision = CoordinatorCore.decide(view: builder.view, term: 7, now: nil)
        let record = try #require(decision.writes["web"])
        #expect(record.nodes == ["n2": AssignmentRecord.Entry(role: .started, member: 12)])
    }

    @Test func aLostNodeThatRejoinedIsNotFenced() {
        var builder = Self.lostHolder()
        builder.member("n1", incarnation: 20, ready: false)
        let decision = CoordinatorCore.decide(view: builder.view, term: 7, now: nil)
        #expect(decision.fences.isEmpty)
        #expect(decision.waitingFor == ["n1 probing"])
    }

    @Test func orderedStartsAreAssignedOneStepAtATime() throws {
        let yaml = """
            cluster: {name: t}
            nodes: [{name: n1}, {name: n2}, {name: n3}]
            resources:
              - {name: db, agent: process, params: {command: [/bin/true]}}
              - {name: api, agent: process, params: {command: [/bin/true]}}
            constraints:
              - order: {first: db, then: api}
            """
        var builder = Self.threeMembers(yaml)
        let first = CoordinatorCore.decide(view: builder.view, term: 7, now: nil)
        #expect(Set(first.writes.keys) == ["db"])
        let db = try #require(first.writes["db"])
        let (node, entry) = try #require(db.nodes.first)
        builder.assignment("db", ["\(node)": (.started, entry.member)])
        builder.status("db", on: node, .started)
        let second = CoordinatorCore.decide(view: builder.view, term: 7, now: nil)
        #expect(Set(second.writes.keys) == ["api"])
    }

    static let stack = """
        cluster: {name: t}
        nodes: [{name: n1}, {name: n2}, {name: n3}]
        resources:
          - {name: vip, agent: process, params: {command: [/bin/true]}}
          - {name: web, agent: process, params: {command: [/bin/true]}}
          - {name: app, agent: process, params: {command: [/bin/true]}}
        groups:
          - {name: stack, members: [vip, web, app]}
        """

    @Test func aGroupsStartsOnOneNodeGoOutInOneRoundAsAChain() throws {
        let decision = CoordinatorCore.decide(view: Self.threeMembers(Self.stack).view, term: 7, now: nil)
        let vip = try #require(decision.writes["vip"]?.nodes.first)
        #expect(vip.value.after == nil)
        #expect(decision.writes["web"]?.nodes == [vip.key: AssignmentRecord.Entry(role: .started, member: vip.value.member, after: ["vip"])])
        // Every earlier member (the scheduler orders each pair of a group).
        #expect(decision.writes["app"]?.nodes == [vip.key: AssignmentRecord.Entry(role: .started, member: vip.value.member, after: ["vip", "web"])])
        // While the chain is under way nothing of the group is written again.
        var builder = Self.threeMembers(Self.stack)
        for (resource, record) in decision.writes {
            builder.json(Self.keyspace.assignment(resource), record)
        }
        builder.status("vip", on: vip.key, .starting)
        #expect(CoordinatorCore.decide(view: builder.view, term: 7, now: nil).writes.isEmpty)
    }

    @Test func aMovedGroupTakesTwoRoundsItsStopsThenItsStarts() throws {
        var builder = Self.threeMembers(Self.stack)
        for resource in ["vip", "web", "app"] {
            builder.assignment(resource, ["n1": (.started, 11)])
            builder.status(resource, on: "n1", .started)
        }
        builder.json(Self.keyspace.resourceAdmin("stack"), ResourceAdminRecord(prefer: "n2"))
        let stops = CoordinatorCore.decide(view: builder.view, term: 7, now: nil)
        #expect(stops.writes["app"]?.nodes == ["n1": AssignmentRecord.Entry(role: .stopped, member: 11)])
        #expect(stops.writes["web"]?.nodes == ["n1": AssignmentRecord.Entry(role: .stopped, member: 11, after: ["app"])])
        #expect(stops.writes["vip"]?.nodes == ["n1": AssignmentRecord.Entry(role: .stopped, member: 11, after: ["app", "web"])])
        // The three report stopped: the starts go out on n2, chained the other way.
        for resource in ["vip", "web", "app"] {
            builder.json(Self.keyspace.assignment(resource), try #require(stops.writes[resource]))
            builder.status(resource, on: "n1", .stopped)
        }
        let starts = CoordinatorCore.decide(view: builder.view, term: 7, now: nil)
        #expect(starts.writes["vip"]?.nodes == ["n2": AssignmentRecord.Entry(role: .started, member: 12)])
        #expect(starts.writes["web"]?.nodes == ["n2": AssignmentRecord.Entry(role: .started, member: 12, after: ["vip"])])
        #expect(starts.writes["app"]?.nodes == ["n2": AssignmentRecord.Entry(role: .started, member: 12, after: ["vip", "web"])])
    }

    @Test func aChainWaitingForAFailedMemberIsSettledAndPlannedAgain() throws {
        var builder = Self.threeMembers(Self.stack)
        builder.assignment("vip", ["n1": (.started, 11)])
        builder.json(
            Self.keyspace.assignment("web"),
            AssignmentRecord(term: 7, nodes: ["n1": AssignmentRecord.Entry(role: .started, member: 11, after: ["vip"])]))
        builder.status("vip", on: "n1", .failed)
        var waiting = StatusRecord(state: .stopped, since: "t")
        waiting.waiting = true
        builder.json(Self.keyspace.status("web", on: "n1"), waiting)
        let decision = CoordinatorCore.decide(view: builder.view, term: 7, now: nil)
        // vip failed on n1 (a failed start bans it there): its stop first, then the group
        // goes elsewhere; web's chained start on n1 is no longer wanted.
        #expect(decision.writes["vip"]?.nodes["n1"]?.role == .stopped, "\(decision.writes)")
        #expect(decision.waitingFor.allSatisfy { !$0.hasPrefix("web") }, "\(decision.waitingFor)")
    }

    @Test func clonesAndStepsOnDifferentNodesAreNotChained() throws {
        let yaml = """
            cluster: {name: t}
            nodes: [{name: n1}, {name: n2}, {name: n3}]
            resources:
              - {name: base, agent: process, clone: {}, params: {command: [/bin/true]}}
              - {name: api, agent: process, params: {command: [/bin/true]}}
            constraints:
              - order: {first: base, then: api}
              - colocation: {resource: api, with: base}
            """
        let first = CoordinatorCore.decide(view: Self.threeMembers(yaml).view, term: 7, now: nil)
        #expect(Set(first.writes.keys) == ["base"])
    }

    @Test func standbyMovesTheServiceStopFirst() throws {
        var builder = Self.threeMembers()
        builder.assignment("web", ["n1": (.started, 11)])
        builder.status("web", on: "n1", .started)
        builder.json(Self.keyspace.nodeAdmin("n1"), NodeAdminRecord(standby: true))
        let decision = CoordinatorCore.decide(view: builder.view, term: 7, now: nil)
        let record = try #require(decision.writes["web"])
        #expect(record.nodes == ["n1": AssignmentRecord.Entry(role: .stopped, member: 11)])
    }

    @Test(arguments: [
        (AssignedRole.stopped, ResourceStatusState.started, LocalOperation?.some(.stop)),
        (.stopped, .failed, .stop), (.stopped, .stopped, nil), (.started, .stopped, .start),
        (.started, .failed, nil), (.started, .promoted, .demote), (.promoted, .started, .promote),
        (.promoted, .unpromoted, .promote), (.promoted, .stopped, .start), (.started, .started, nil),
    ])
    func theReconcilersNextOperation(role: AssignedRole, state: ResourceStatusState, expected: LocalOperation?) {
        #expect(LocalOperation.next(toward: role, from: state) == expected)
    }
}
