import Foundation
import Testing
import VigilModel
import VigilScheduler

/// `vigil explain` (issue 16): the scheduler's own reasoning, recorded while it plans. Each
/// case a small cluster and the answer an operator should get; then two properties: the
/// explaining run plans exactly as the plain one, and every explanation's nodes are the
/// placement.
@Suite("Scheduler explanations")
struct ExplainTests {
    /// `state` as written, every configured node online unless it lists `nodes:` itself.
    static func explain(_ config: String, _ state: String = "quorum: true", _ resource: String) throws -> Explanation {
        let clusterConfig = try ConfigDecoder.decode(yaml: config, file: "c.yaml")
        var stateText = state
        if !state.contains("nodes:") {
            stateText += "\nnodes: {" + clusterConfig.nodes.map { "\($0.name): {online: true}" }.joined(separator: ", ") + "}"
        }
        let clusterState = try StateDecoder.decode(yaml: stateText, file: "s.yaml", config: clusterConfig)
        let (_, explanations) = Scheduler.explain(config: clusterConfig, state: clusterState)
        return try #require(explanations[resource])
    }

    static func cluster(_ resources: String, constraints: String = "", groups: String = "", nodes: Int = 3, stickiness: Int = 0) -> String {
        """
        cluster: {name: t, stickiness: \(stickiness), fencing: disabled}
        nodes: [\((1...nodes).map { "{name: n\($0)}" }.joined(separator: ", "))]
        resources:
        \(resources)
        \(groups.isEmpty ? "" : "groups:\n\(groups)")
        \(constraints.isEmpty ? "" : "constraints:\n\(constraints)")
        """
    }

    static let db = "  - {name: db, agent: \"ocf:heartbeat:Dummy\"}"
    static let web = "  - {name: web, agent: \"ocf:heartbeat:Dummy\"}"

    func terms(_ explanation: Explanation, _ node: String) -> [String] {
        explanation.nodes.first { $0.node == node }?.terms.map(\.reason) ?? []
    }

    func score(_ explanation: Explanation, _ node: String) -> Score? {
        explanation.nodes.first { $0.node == node }?.score
    }

    @Test func theHighestScoreWins() throws {
        let e = try Self.explain(Self.cluster(Self.db, constraints: "  - location: {resource: db, node: n2, score: 100}"), "quorum: true", "db")
        #expect(e.placed == ["n2"])
        #expect(e.decision == "n2: the highest score (100; next n1 with 0)")
        #expect(terms(e, "n2") == ["location on n2"] && score(e, "n2") == Score(100))
        #expect(terms(e, "n1").isEmpty && score(e, "n1") == .zero)
    }

    @Test func aTieGoesToTheLowerNodeName() throws {
        let e = try Self.explain(Self.cluster(Self.db), "quorum: true", "db")
        #expect(e.decision == "n1: tied with n2 at 0, as loaded, and neither runs it now; the lower node name")
    }

    @Test func aTieGoesToTheLessLoadedNode() throws {
        let e = try Self.explain(Self.cluster(Self.db + "\n" + Self.web, nodes: 2), "quorum: true", "web")
        #expect(e.placed == ["n2"])
        #expect(e.decision == "n2: tied with n1 at 0; n2 has fewer resources placed before it (0 against 1)", "\(e.decision)")
    }

    @Test func aTieGoesToWhereItRunsNow() throws {
        let e = try Self.explain(Self.cluster(Self.db), "quorum: true\nnodes: {n1: {online: true}, n2: {online: true}, n3: {online: true}}\nresources: {db: {n3: started}}", "db")
        #expect(e.placed == ["n3"])
        #expect(e.decision == "n3: tied with n1 at 0; it runs on n3 now")
    }

    @Test func stickinessKeepsItWhereItRuns() throws {
        let e = try Self.explain(
            Self.cluster(Self.db, constraints: "  - location: {resource: db, node: n1, score: 50}", stickiness: 100),
            "quorum: true\nresources: {db: {n2: started}}", "db")
        #expect(e.placed == ["n2"])
        #expect(e.decision == "n2: the highest score (100; next n1 with 50)")
        #expect(terms(e, "n2") == ["runs here now (stickiness 100)"])
    }

    @Test func aNodeInStandby() throws {
        let e = try Self.explain(
            Self.cluster(Self.db, constraints: "  - location: {resource: db, node: n1, score: 100}"),
            "quorum: true\nnodes: {n1: {online: true, standby: true}, n2: {online: true}, n3: {online: true}}", "db")
        #expect(e.placed == ["n2"])
        #expect(terms(e, "n1") == ["n1 is in standby", "location on n1"] && score(e, "n1") == .minusInfinity)
    }

    @Test func anOfflineNode() throws {
        let e = try Self.explain(Self.cluster(Self.db, nodes: 2), "quorum: true\nnodes: {n1: {online: false}, n2: {online: true}}", "db")
        #expect(e.placed == ["n2"] && terms(e, "n1") == ["n1 is offline"])
        #expect(e.decision == "n2: the only node where it may run (score 0)")
    }

    @Test func aMaintenanceNodeKeepsWhatRunsThere() throws {
        let e = try Self.explain(
            Self.cluster(Self.db), "quorum: true\nnodes: {n1: {online: true}, n2: {online: true, maintenance: true}, n3: {online: true}}\nresources: {db: {n2: started}}", "db")
        #expect(e.placed == ["n2"] && e.decision == "left as it is on n2, in maintenance")
    }

    static let failing = "  - {name: db, agent: \"ocf:heartbeat:Dummy\", migration-threshold: 3, failure-timeout: 60s}"

    @Test func bannedByItsFailcount() throws {
        let e = try Self.explain(
            Self.cluster(Self.failing, constraints: "  - location: {resource: db, node: n1, score: 100}"),
            "quorum: true\nnow: \"2026-12-07T10:02:30Z\"\nresources: {db: {n1: started}}\nfailcounts: {db: {n1: 3}}\nlast-failure: {db: {n1: \"2026-12-07T10:02:11Z\"}}", "db")
        #expect(e.placed == ["n2"])
        #expect(terms(e, "n1").first == "banned: failcount 3 ≥ migration-threshold 3 (since 2026-12-07T10:02:11Z, failure-timeout 1m)", "\(terms(e, "n1"))")
    }

    @Test func anExpiredFailureNoLongerBans() throws {
        let e = try Self.explain(
            Self.cluster(Self.failing, constraints: "  - location: {resource: db, node: n1, score: 100}"),
            "quorum: true\nnow: \"2026-12-07T10:04:00Z\"\nfailcounts: {db: {n1: 3}}\nlast-failure: {db: {n1: \"2026-12-07T10:02:11Z\"}}", "db")
        #expect(e.placed == ["n1"] && terms(e, "n1") == ["location on n1"])
    }

    @Test func aFailedStartBansForGood() throws {
        let e = try Self.explain(Self.cluster(Self.db, nodes: 2), "quorum: true\nfailcounts: {db: {n1: INFINITY}}", "db")
        #expect(e.placed == ["n2"] && terms(e, "n1") == ["banned: failcount INFINITY (a start failed there)"])
    }

    @Test func stoppedByItsTargetRole() throws {
        let e = try Self.explain(Self.cluster("  - {name: db, agent: \"ocf:heartbeat:Dummy\", target-role: stopped}"), "quorum: true", "db")
        #expect(e.placed.isEmpty && e.decision == "target-role is stopped")
    }

    @Test func aRuleOnANodeAttribute() throws {
        let e = try Self.explain(
            Self.cluster(Self.db, constraints: "  - location: {resource: db, rule: \"pingd lt 1\", score: -INFINITY}"),
            "quorum: true\nnodes: {n1: {online: true, attributes: {pingd: \"0\"}}, n2: {online: true, attributes: {pingd: \"100\"}}, n3: {online: true, attributes: {pingd: \"0\"}}}", "db")
        #expect(e.placed == ["n2"] && e.decision == "n2: the only node where it may run (score 0)")
        #expect(terms(e, "n1") == ["location rule \"pingd lt 1\""])
    }

    @Test func itMustRunWithWhatItIsColocatedWith() throws {
        let e = try Self.explain(
            Self.cluster(Self.db + "\n" + Self.web, constraints: "  - location: {resource: db, node: n2, score: 100}\n  - colocation: {resource: web, with: db}"),
            "quorum: true", "web")
        #expect(e.placed == ["n2"])
        #expect(terms(e, "n1") == ["must run with db (INFINITY), which runs on n2"])
    }

    /// The issue's example: it needs a node, and that node cannot take it.
    @Test func itNeedsANodeThatCannotTakeIt() throws {
        let e = try Self.explain(
            Self.cluster(
                Self.db + "\n" + Self.web,
                constraints: """
                      - location: {resource: db, node: n1, score: -INFINITY}
                      - location: {resource: db, node: n3, score: -INFINITY}
                      - colocation: {resource: web, with: db}
                      - location: {resource: web, node: n2, score: -INFINITY}
                    """),
            "quorum: true", "web")
        #expect(e.placed.isEmpty)
        #expect(e.decision == "must run with db (INFINITY), which runs on n2, but n2: location on n2", "\(e.decision)")
        let db = try Self.explain(Self.cluster(Self.db + "\n" + Self.web, constraints: """
              - location: {resource: db, node: n1, score: -INFINITY}
              - location: {resource: db, node: n3, score: -INFINITY}
            """), "quorum: true\nnodes: {n1: {online: true}, n2: {online: true, standby: true}, n3: {online: true}}", "db")
        #expect(db.decision == "can run nowhere: n1: location on n1; n2 is in standby; n3: location on n3", "\(db.decision)")
    }

    @Test func itMustNotRunWithSomething() throws {
        let e = try Self.explain(
            Self.cluster(Self.db + "\n" + Self.web, constraints: "  - location: {resource: db, node: n1, score: 100}\n  - colocation: {resource: web, with: db, score: -INFINITY}"),
            "quorum: true", "web")
        #expect(!e.placed.contains("n1"))
        #expect(terms(e, "n1") == ["must not run with db (-INFINITY), which runs here"])
    }

    @Test func aFiniteColocationAddsItsScore() throws {
        let e = try Self.explain(
            Self.cluster(Self.db + "\n" + Self.web, constraints: "  - location: {resource: db, node: n3, score: 100}\n  - colocation: {resource: web, with: db, score: 50}"),
            "quorum: true", "web")
        #expect(e.placed == ["n3"] && terms(e, "n3") == ["colocated with db (50), which runs here"])
        #expect(e.decision == "n3: the highest score (50; next n1 with 0)")
    }

    @Test func whatItsDependentsPreferPullsIt() throws {
        let e = try Self.explain(
            Self.cluster(Self.db + "\n" + Self.web, constraints: "  - colocation: {resource: web, with: db}\n  - location: {resource: web, node: n3, score: 100}"),
            "quorum: true", "db")
        #expect(e.placed == ["n3"])
        #expect(e.nodes.first { $0.node == "n3" }?.terms.first?.kind == .dependents)
        #expect(terms(e, "n3") == ["preferred by web, colocated with it (INFINITY)"])
    }

    @Test func aGroupGoesWhereMoreOfItsMembersCanRun() throws {
        let e = try Self.explain(
            Self.cluster(
                "  - {name: vip, agent: \"ocf:heartbeat:Dummy\"}\n  - {name: app, agent: \"ocf:heartbeat:Dummy\"}",
                constraints: "  - location: {resource: app, node: n1, score: -INFINITY}\n  - location: {resource: front, node: n1, score: 10}",
                groups: "  - {name: front, members: [vip, app]}", nodes: 2),
            "quorum: true", "app")
        #expect(e.group == "front" && e.placed == ["n2"])
        #expect(e.decision == "group front: n2: more of its members can run there (2 against 1 on n1)", "\(e.decision)")
        #expect(terms(e, "n1").contains("location on n1") && terms(e, "n1").contains("member app: location on n1"))
    }

    @Test func aCloneRunsWhereverItIsAllowed() throws {
        let e = try Self.explain(
            Self.cluster("  - {name: agentd, agent: \"ocf:heartbeat:Dummy\", clone: {}}"),
            "quorum: true\nnodes: {n1: {online: true}, n2: {online: true, standby: true}, n3: {online: true}}", "agentd")
        #expect(e.placed == ["n1", "n3"])
        #expect(e.decision.hasPrefix("instances on n1, n3 (max 3, 1 per node)") && e.decision.contains("not on n2 (n2 is in standby)"), "\(e.decision)")
    }

    @Test func aCloneNeedsOnlyItsMax() throws {
        let e = try Self.explain(Self.cluster("  - {name: agentd, agent: \"ocf:heartbeat:Dummy\", clone: {max: 2}}"), "quorum: true", "agentd")
        #expect(e.placed == ["n1", "n2"] && e.decision.hasSuffix("the other nodes are not needed (max 2)"), "\(e.decision)")
    }

    @Test func aPromotableSaysWhereItIsPromoted() throws {
        let e = try Self.explain(
            Self.cluster("  - {name: db, agent: \"ocf:pacemaker:Stateful\", promotable: {promoted-max: 1}}"),
            "quorum: true\nresources: {db: {n1: unpromoted, n2: unpromoted, n3: unpromoted}}\npromotion-scores: {db: {n2: 10}}", "db")
        #expect(e.promoted == ["n2"] && e.decision.hasSuffix("promoted on n2 (highest promotion scores)"), "\(e.decision)")
    }

    @Test func stoppedByAMandatoryOrder() throws {
        let e = try Self.explain(
            Self.cluster(
                "  - {name: db, agent: \"ocf:heartbeat:Dummy\", target-role: stopped}\n" + Self.web, constraints: "  - order: {first: db, then: web}"),
            "quorum: true\nresources: {web: {n1: started}}", "web")
        #expect(e.placed.isEmpty)
        #expect(e.decision == "it would run on n1, but a mandatory order needs db to start first (order db then web), and db will not run", "\(e.decision)")
    }

    @Test func withoutQuorum() throws {
        let e = try Self.explain(Self.cluster(Self.db), "quorum: false\nresources: {db: {n1: started}}", "db")
        #expect(e.placed.isEmpty && e.decision == "the partition has no quorum (no-quorum-policy: stop): nothing runs")
    }

    @Test func nowhereToRun() throws {
        let e = try Self.explain(Self.cluster(Self.db, nodes: 2), "quorum: true\nnodes: {n1: {online: false}, n2: {online: true, standby: true}}", "db")
        #expect(e.placed.isEmpty && e.decision == "can run nowhere: n1 is offline; n2 is in standby")
    }

    @Test func theJSONForm() throws {
        let e = try Self.explain(Self.cluster(Self.db, nodes: 2), "quorum: true\nnodes: {n1: {online: true, standby: true}, n2: {online: true}}", "db")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(e.json.utf8)) as? [String: Any])
        #expect(object["resource"] as? String == "db" && object["placed"] as? [String] == ["n2"])
        #expect(object["decision"] as? String == e.decision)
        let nodes = try #require(object["nodes"] as? [[String: Any]])
        #expect(nodes.count == 2 && nodes[0]["node"] as? String == "n1" && nodes[0]["score"] as? Int == -1_000_000)
        let term = try #require((nodes[0]["terms"] as? [[String: Any]])?.first)
        #expect(term["kind"] as? String == "node" && term["reason"] as? String == "n1 is in standby")
    }

    /// The explaining run is the scheduler's run: same transition, and every resource's
    /// explanation names exactly the nodes it is placed on (300 random clusters).
    @Test func explainingPlansExactlyAsPlanning() {
        for seed in 1...300 {
            let cluster = RandomCluster.make(seed: seed)
            let plain = Scheduler.plan(config: cluster.config, state: cluster.state)
            let (explained, explanations) = Scheduler.explain(config: cluster.config, state: cluster.state)
            #expect(plain == explained, "seed \(seed)")
            for resource in cluster.config.resources {
                let explanation = explanations[resource.name]
                #expect(explanation != nil, "seed \(seed): \(resource.name) unexplained")
                #expect(Set(explanation?.placed ?? []) == Set(plain.placements[resource.name]?.allNodes ?? []), "seed \(seed): \(resource.name)")
                #expect(explanation?.nodes.count == cluster.config.nodes.count, "seed \(seed)")
                #expect(!(explanation?.decision.isEmpty ?? true), "seed \(seed)")
            }
        }
    }
}
