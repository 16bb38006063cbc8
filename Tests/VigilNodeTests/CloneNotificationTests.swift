import Foundation
import Testing
import VigilCluster
import VigilModel
import VigilNode
import VigilStore

/// Clone notifications (`notify: true`, issue 15) through the coordinator's decisions: a
/// store in memory, the coordinator's writes applied to it, and agents that do at once what
/// they are told (run the notification they are named for, or reach their assigned role).
/// The log is what the agents did, in order; Pacemaker's order is: pre-notification on the
/// instances it notifies, the operation's actions, post-notification, next operation.
@Suite("Clone notifications")
struct CloneNotificationTests {
    static let keyspace = Keyspace(cluster: "t")

    struct Harness {
        var kvs: [String: KeyValue] = [:]
        var revision: Int64 = 100
        var log: [String] = []
        /// `post-stop@n1` → the variables that notification got.
        var variables: [String: [String: String]] = [:]
        var term: Int64 = 5
        /// Promotion scores the agents report once started.
        var scores: [String: Int] = [:]

        mutating func put(_ key: String, _ value: some Encodable, create: Int64? = nil) {
            revision += 1
            let bytes = Array((try? JSONEncoder().encode(value)) ?? Data())
            kvs[key] = KeyValue(
                key: key, value: bytes, createRevision: create ?? kvs[key]?.createRevision ?? revision, modRevision: revision, version: 1,
                lease: 0)
        }

        mutating func delete(_ key: String) {
            revision += 1
            kvs[key] = nil
        }

        var view: ClusterView { ClusterView(keyspace: keyspace, range: RangeResult(kvs: kvs.values.sorted { $0.key < $1.key }, revision: revision)) }

        init(_ yaml: String, nodes: [String] = ["n1", "n2", "n3"]) {
            put(keyspace.config, ConfigRecord(yaml: yaml, hash: "", appliedBy: "t", appliedAt: "t"))
            for node in nodes { join(node) }
        }

        /// A member whose probe found the resource stopped.
        mutating func join(_ node: String) {
            revision += 1
            let incarnation = revision
            put(keyspace.member(node), MemberRecord(address: "", started: "", ready: true), create: incarnation)
            put(keyspace.status("db", on: node), StatusRecord(state: .stopped, since: "t"))
        }

        mutating func lose(_ node: String) {
            delete(keyspace.member(node))
            delete(keyspace.status("db", on: node))
        }

        mutating func fail(_ node: String) {
            var status = view.status[node]?["db"] ?? StatusRecord(state: .failed, since: "t")
            status.state = .failed
            put(keyspace.status("db", on: node), status)
        }

        /// One coordinator decision, written.
        @discardableResult
        mutating func coordinate() -> CoordinatorDecision {
            let decision = CoordinatorCore.decide(view: view, term: term, now: nil)
            for (resource, record) in decision.writes { put(keyspace.assignment(resource), record) }
            for (resource, record) in decision.notifications { put(keyspace.notification(resource), record) }
            return decision
        }

        /// Every agent acts once on the current view; returns whether any did.
        mutating func agents() -> Bool {
            let view = self.view
            let promotable = view.config?.resource(named: "db")?.isPromotable == true
            var acted = false
            for node in view.members.keys.sorted() {
                let incarnation = view.incarnation(of: node)
                var status = view.status[node]?["db"] ?? StatusRecord(state: .stopped, since: "t")
                if let record = view.notifications["db"]?.record, record.stage == .pre || record.stage == .post,
                    record.targets[node] == incarnation, status.notified != record.acknowledgement
                {
                    let name = "\(record.stage == .pre ? "pre" : "post")-\(record.operation.rawValue)@\(node)"
                    log.append(name)
                    variables[name] = record.stageVariables
                    status.notified = record.acknowledgement
                    put(keyspace.status("db", on: node), status)
                    acted = true
                    continue
                }
                guard let entry = view.liveEntry("db", on: node) else { continue }
                let running: ResourceStatusState = promotable ? .unpromoted : .started
                let step: (operation: String, target: ResourceStatusState)? =
                    switch (entry.role, status.state) {
                    case (.stopped, .stopped): nil
                    case (.stopped, _): ("stop", .stopped)
                    case (.started, .stopped): ("start", running)
                    case (.started, .promoted): ("demote", running)
                    case (.promoted, .stopped): ("start", running)
                    case (.promoted, .unpromoted): ("promote", .promoted)
                    default: nil
                    }
                guard let (operation, target) = step else { continue }
                log.append("\(operation)@\(node)")
                status.state = target
                if promotable, target != .stopped { status.promotionScore = scores[node] }
                put(keyspace.status("db", on: node), status)
                acted = true
            }
            return acted
        }

        /// Coordinator and agents in turn until nothing changes.
        mutating func settle() {
            for _ in 0..<60 {
                let decision = coordinate()
                let acted = agents()
                if !acted && decision.writes.isEmpty && decision.notifications.isEmpty { return }
            }
            Issue.record("did not settle: \(log)")
        }

        /// The log since `mark`, then the mark moved to its end.
        mutating func take() -> [String] {
            defer { log = [] }
            return log
        }
    }

    static let clone = """
        cluster: {name: t, fencing: disabled}
        nodes: [{name: n1}, {name: n2}, {name: n3}]
        resources:
          - {name: db, agent: "ocf:heartbeat:Dummy", clone: {notify: true}}
        """

    @Test func aColdStartStartsEveryInstanceThenNotifiesThemAll() throws {
        var harness = Harness(Self.clone)
        harness.settle()
        #expect(harness.take() == ["start@n1", "start@n2", "start@n3", "post-start@n1", "post-start@n2", "post-start@n3"])
        let post = try #require(harness.variables["post-start@n2"])
        #expect(post["type"] == "post" && post["operation"] == "start")
        #expect(post["key_type"] == "post" && post["key_operation"] == "start")
        #expect(post["start_uname"] == "n1 n2 n3" && post["start_resource"] == "db:0 db:1 db:2")
        #expect(post["stop_uname"] == " " && post["stop_resource"] == " ", "an empty list is one space, as Pacemaker sets it")
        #expect(post["active_uname"] == " ", "the lists are as the cycle began: nothing ran")
        #expect(post["inactive_resource"] == "db:0 db:1 db:2")
        #expect(post["all_uname"] == "n1 n2 n3" && post["available_uname"] == "n1 n2 n3")
    }

    @Test func aFailedInstanceIsStoppedAndStartedWithEveryNotificationInPacemakersOrder() throws {
        var harness = Harness(Self.clone)
        harness.settle()
        _ = harness.take()
        harness.fail("n3")
        harness.settle()
        #expect(
            harness.take() == [
                "pre-stop@n1", "pre-stop@n2", "pre-stop@n3", "stop@n3", "post-stop@n1", "post-stop@n2",
                "pre-start@n1", "pre-start@n2", "start@n3", "post-start@n1", "post-start@n2", "post-start@n3",
            ])
        let postStop = try #require(harness.variables["post-stop@n1"])
        #expect(postStop["stop_uname"] == "n3" && postStop["stop_resource"] == "db:2")
        #expect(postStop["active_uname"] == "n1 n2 n3", "the failed instance was still active when the cycle began")
        let preStart = try #require(harness.variables["pre-start@n2"])
        #expect(preStart["start_uname"] == "n3" && preStart["active_uname"] == "n1 n2")
    }

    /// A node lost with its instance (no stop to hand out): the others get the stop's
    /// notifications, naming it; it comes back, and its start is notified as any other.
    @Test func aLostInstancesStopIsNotifiedToTheOthers() throws {
        var harness = Harness(Self.clone)
        harness.settle()
        _ = harness.take()
        harness.lose("n3")
        harness.settle()
        #expect(harness.take() == ["pre-stop@n1", "pre-stop@n2", "post-stop@n1", "post-stop@n2"])
        let postStop = try #require(harness.variables["post-stop@n2"])
        #expect(postStop["stop_uname"] == "n3" && postStop["type"] == "post" && postStop["operation"] == "stop")
        #expect(postStop["active_uname"] == "n1 n2")
        harness.join("n3")
        harness.settle()
        #expect(harness.take() == ["pre-start@n1", "pre-start@n2", "start@n3", "post-start@n1", "post-start@n2", "post-start@n3"])
    }

    /// Lost while its membership's probes are not all in (the coordinator cannot plan): the
    /// stop is remembered in the record and notified once it can.
    @Test func aStopLostWhileAMemberProbesIsNotifiedLater() throws {
        var harness = Harness(Self.clone)
        harness.settle()
        _ = harness.take()
        harness.put(Self.keyspace.member("n2"), MemberRecord(address: "", started: "", ready: false))
        harness.lose("n3")
        let probing = harness.coordinate()
        #expect(probing.waitingFor == ["n2 probing"])
        #expect(probing.notifications["db"]?.pendingStops == ["n3"])
        harness.put(Self.keyspace.member("n2"), MemberRecord(address: "", started: "", ready: true))
        harness.settle()
        #expect(harness.take() == ["pre-stop@n1", "pre-stop@n2", "post-stop@n1", "post-stop@n2"])
        #expect(harness.variables["post-stop@n1"]?["stop_uname"] == "n3")
    }

    /// Nothing of the clone is handed out while a notified instance has not answered; the
    /// coordinator says what it waits for; a target that leaves no longer holds it up.
    @Test func anUnansweredNotificationHoldsTheOperationUntilItsTargetIsGone() throws {
        var harness = Harness(Self.clone)
        harness.settle()
        _ = harness.take()
        harness.fail("n3")
        let decision = harness.coordinate()
        #expect(decision.writes["db"] == nil, "no stop before the pre-stop notification")
        #expect(decision.notifications["db"]?.stage == .pre && decision.notifications["db"]?.operation == .stop)
        let again = harness.coordinate()
        #expect(again.writes.isEmpty && again.notifications.isEmpty)
        #expect(again.waitingFor.contains("db: pre-stop notification on n1, n2, n3"), "\(again.waitingFor)")
        // A new coordinator (another term) picks the cycle up where it is.
        harness.term = 6
        #expect(harness.coordinate().waitingFor.contains("db: pre-stop notification on n1, n2, n3"))
        harness.lose("n1")
        harness.settle()
        let log = harness.take()
        #expect(!log.contains("pre-stop@n1"))
        #expect(log.starts(with: ["pre-stop@n2", "pre-stop@n3", "stop@n3"]), "\(log)")
    }

    /// Found by the cluster simulation (seed 895): a start announced in its pre-notification
    /// comes to wait for a stop of the same clone (an instance failed meanwhile; a clone's
    /// starts wait for its stops). The announced cycle ends without its post-notification, as
    /// an aborted Pacemaker transition does, and the stop's cycle goes first.
    @Test func aCycleWhoseActionsNowWaitForAnotherOperationGivesWay() throws {
        var harness = Harness(Self.clone, nodes: ["n1", "n2"])
        harness.settle()
        _ = harness.take()
        harness.join("n3")
        let announced = harness.coordinate()
        #expect(announced.notifications["db"]?.operation == .start && announced.notifications["db"]?.stage == .pre)
        #expect(announced.notifications["db"]?.nodes == ["n3"])
        harness.fail("n2")
        harness.settle()
        let log = harness.take()
        #expect(log.contains("stop@n2") && log.contains("start@n2") && log.contains("start@n3"), "\(log)")
        let stop = try #require(log.firstIndex(of: "stop@n2"))
        #expect(log.firstIndex(of: "start@n3").map { $0 > stop } == true, "the clone's starts wait for its stop: \(log)")
        #expect(!log.prefix(stop).contains { $0.hasPrefix("post-start") }, "the abandoned cycle sends no post-start: \(log)")
        #expect(harness.view.status.values.allSatisfy { $0["db"]?.state == .started })
    }

    /// Nothing runs on a node in maintenance: its instance is in the lists, but it is not
    /// notified (and so does not hold the cycle up).
    @Test func aNodeInMaintenanceIsNotNotified() throws {
        var harness = Harness(Self.clone)
        harness.settle()
        _ = harness.take()
        harness.put(CloneNotificationTests.keyspace.nodeAdmin("n2"), NodeAdminRecord(maintenance: true))
        harness.fail("n3")
        harness.settle()
        let log = harness.take()
        #expect(log.starts(with: ["pre-stop@n1", "pre-stop@n3", "stop@n3", "post-stop@n1"]), "\(log)")
        #expect(!log.contains { $0.hasSuffix("@n2") && !$0.hasPrefix("start") && !$0.hasPrefix("stop") }, "\(log)")
        #expect(harness.variables["post-stop@n1"]?["active_uname"] == "n1 n2 n3")
    }

    static let promotable = """
        cluster: {name: t, fencing: disabled}
        nodes: [{name: n1}, {name: n2}, {name: n3}]
        resources:
          - {name: db, agent: "ocf:pacemaker:Stateful", promotable: {promoted-max: 1, notify: true}}
        """

    @Test func aPromotableStartsThenPromotesEachWithItsNotifications() throws {
        var harness = Harness(Self.promotable)
        harness.scores = ["n1": 5, "n2": 100, "n3": 5]
        harness.settle()
        #expect(
            harness.take() == [
                "start@n1", "start@n2", "start@n3", "post-start@n1", "post-start@n2", "post-start@n3",
                "pre-promote@n1", "pre-promote@n2", "pre-promote@n3", "promote@n2",
                "post-promote@n1", "post-promote@n2", "post-promote@n3",
            ])
        let prePromote = try #require(harness.variables["pre-promote@n1"])
        #expect(prePromote["promote_uname"] == "n2" && prePromote["promote_resource"] == "db:1")
        #expect(prePromote["unpromoted_uname"] == "n1 n2 n3" && prePromote["slave_uname"] == "n1 n2 n3")
        #expect(prePromote["promoted_uname"] == " " && prePromote["master_uname"] == " ")

        // The promoted instance fails: demoted? No, a failed promoted instance is stopped
        // (Pacemaker's recovery), then started, then one is promoted again.
        harness.scores = ["n1": 100, "n2": 5, "n3": 5]
        harness.fail("n2")
        harness.settle()
        let log = harness.take()
        let order = ["pre-stop@n1", "stop@n2", "post-stop@n1", "pre-start@n1", "start@n2", "post-start@n1", "pre-promote@n1", "promote@n1", "post-promote@n1"]
        let positions = order.map { log.firstIndex(of: $0) }
        #expect(positions.allSatisfy { $0 != nil }, "\(log)")
        #expect(positions.compactMap { $0 } == positions.compactMap { $0 }.sorted(), "\(log)")
    }

    @Test func aCloneWithoutNotifyGetsNoRecord() {
        var harness = Harness(Self.clone.replacingOccurrences(of: "clone: {notify: true}", with: "clone: {}"))
        harness.settle()
        #expect(harness.take() == ["start@n1", "start@n2", "start@n3"])
        #expect(harness.view.notifications.isEmpty)
    }

    @Test func notifyIsRefusedOutsideOCFAgents() {
        let yaml = """
            cluster: {name: t}
            nodes: [{name: n1}]
            resources:
              - {name: web, agent: process, params: {command: [/bin/true]}, clone: {notify: true}}
            """
        #expect {
            _ = try ConfigDecoder.decode(yaml: yaml, file: "c.yaml")
        } throws: { error in
            "\(error)".contains("c.yaml:4") && "\(error)".contains("resources[0].clone.notify") && "\(error)".contains("only to OCF agents")
        }
    }
}

/// `ordered: true` (Pacemaker's `ordered=true`, which rabbitmq-cluster's clone is
/// configured with): one instance starts at a time, by instance number.
@Suite("Ordered clones")
struct OrderedCloneTests {
    @Test func instancesStartOneAfterAnotherEachWithItsNotifications() {
        var harness = CloneNotificationTests.Harness(
            CloneNotificationTests.clone.replacingOccurrences(of: "clone: {notify: true}", with: "clone: {notify: true, ordered: true}"))
        let first = harness.coordinate()
        #expect(first.writes["db"]?.nodes.keys.sorted() == ["n1"], "one start at a time")
        harness.settle()
        #expect(
            harness.take() == [
                "start@n1", "post-start@n1", "pre-start@n1", "start@n2", "post-start@n1", "post-start@n2",
                "pre-start@n1", "pre-start@n2", "start@n3", "post-start@n1", "post-start@n2", "post-start@n3",
            ])
    }

    @Test func withoutNotificationsToo() {
        var harness = CloneNotificationTests.Harness(
            CloneNotificationTests.clone.replacingOccurrences(of: "clone: {notify: true}", with: "clone: {ordered: true}"))
        var rounds: [[String]] = []
        for _ in 0..<10 {
            let decision = harness.coordinate()
            if let record = decision.writes["db"] { rounds.append(record.nodes.keys.sorted()) }
            if !harness.agents() && decision.writes.isEmpty { break }
        }
        #expect(rounds == [["n1"], ["n1", "n2"], ["n1", "n2", "n3"]])
    }
}
