import Testing
import VigilModel

/// Every kind of configuration error, with its exact message and position.
@Suite("Configuration validation")
struct ValidationTests {
    static let header = """
    cluster: {name: t}
    nodes:
      - {name: n1}
      - {name: n2}

    """

    /// Decodes `body` (after the standard header) and returns the diagnostics as text.
    func errors(_ body: String, header: String = ValidationTests.header) -> [String] {
        do {
            _ = try ConfigDecoder.decode(yaml: header + body, file: "c.yaml")
            return []
        } catch {
            return error.diagnostics.map(\.description)
        }
    }

    @Test func validConfigurationDecodes() throws {
        let config = try ConfigDecoder.decode(yaml: Self.header + """
        resources:
          - name: web
            agent: process
            params: {command: [/usr/bin/python3, -m, http.server, "8080"], env: {A: "1"}}
            monitor: {interval: 2s, timeout: 5s}
            health:
              - http: {url: "http://127.0.0.1:8080/", expect-status: 200}
                interval: 1s
                fall: 3
            migration-threshold: 3
            failure-timeout: 60s
            stickiness: INFINITY
          - {name: db, agent: galera, clone: {max: 3}, params: {config: /etc/mysql/my.cnf}}
          - {name: st, agent: "ocf:pacemaker:Stateful", promotable: {promoted-max: 1}, target-role: unpromoted}
        constraints:
          - location: {resource: web, rule: "#uname eq n1 or rack eq b", score: -100}
          - colocation: {resource: web, with: st, with-role: promoted}
          - order: {first: db, then: web, kind: optional, symmetrical: false}
        """, file: "c.yaml")
        #expect(config.resources.count == 3)
        #expect(config.resources[0].stickiness == .infinity)
        #expect(config.resources[0].health.first?.fall == 3)
        #expect(config.resources[0].health.first?.interval == .seconds(1))
        #expect(config.resources[0].failureTimeout == .seconds(60))
        #expect(config.resources[2].variant == .promotable(PromotableOptions(promotedMax: 1)))
        #expect(config.constraints[1] == .colocation(ColocationConstraint(resource: "web", with: "st", withRole: .promoted)))
        #expect(config.constraints[2] == .order(OrderConstraint(first: "db", then: "web", kind: .optional, symmetrical: false)))
        guard case .process(let params) = config.resources[0].params else {
            Issue.record("process params expected")
            return
        }
        #expect(params.command == ["/usr/bin/python3", "-m", "http.server", "8080"])
        #expect(params.environment == ["A": "1"])
    }

    @Test func unknownKeyIsReportedWithASuggestion() {
        #expect(errors("""
        resources:
          - {name: web, agent: process, params: {command: [/bin/true]}, migraton-threshold: 3}
        """) == ["c.yaml:6:65: resources[0].migraton-threshold: unknown key 'migraton-threshold'; did you mean 'migration-threshold'?"])
    }

    @Test func unknownKeyWithoutCloseMatchListsTheOptions() {
        #expect(errors("cluster: {name: t, colour: red}\nnodes: [{name: n1}]\n", header: "") == [
            "c.yaml:1:20: cluster.colour: unknown key 'colour'; expected one of: name, no-quorum-policy, fencing, node-loss-timeout, stickiness, self-fence-margin, events-keep, events-max-age, history-retention"
        ])
    }

    @Test func unknownReferencesAreReported() {
        #expect(errors("""
        resources:
          - {name: web, agent: "ocf:heartbeat:Dummy"}
        groups:
          - {name: g, members: [web, wbe]}
        constraints:
          - location: {resource: webb, node: n1, score: 10}
          - location: {resource: web, node: n3, score: 10}
          - colocation: {resource: web, with: nothing}
          - order: {first: web, then: g2}
        """) == [
            "c.yaml:8:30: groups[0].members[1]: unknown resource 'wbe'; did you mean 'web'?",
            "c.yaml:10:26: constraints[0].location.resource: unknown resource or group 'webb'; did you mean 'web'?",
            "c.yaml:11:37: constraints[1].location.node: unknown node 'n3'; did you mean 'n1'?",
            "c.yaml:12:39: constraints[2].colocation.with: unknown resource or group 'nothing'",
            "c.yaml:13:31: constraints[3].order.then: unknown resource or group 'g2'; did you mean 'g'?",
        ])
    }

    @Test func duplicateNamesAreReported() {
        #expect(errors("""
        resources:
          - {name: web, agent: "ocf:heartbeat:Dummy"}
          - {name: web, agent: "ocf:heartbeat:Dummy"}
        groups:
          - {name: web, members: [web]}
        """, header: "cluster: {name: t}\nnodes: [{name: n1}, {name: n1}]\n") == [
            "c.yaml:2:28: nodes[1].name: duplicate node name 'n1'",
            "c.yaml:5:12: resources[1].name: duplicate resource name 'web'",
            "c.yaml:7:12: groups[0].name: 'web' is already a resource's name; groups and resources share one namespace",
        ])
    }

    @Test func resourceInTwoGroupsAndCloneInGroupAreReported() {
        #expect(errors("""
        resources:
          - {name: a, agent: "ocf:heartbeat:Dummy"}
          - {name: b, agent: "ocf:heartbeat:Dummy", clone: {}}
        groups:
          - {name: g1, members: [a]}
          - {name: g2, members: [a, b]}
        """) == [
            "c.yaml:10:26: groups[1].members[0]: 'a' is already a member of group 'g1'; a resource belongs to at most one group",
            "c.yaml:10:29: groups[1].members[1]: 'b' is a clone; groups contain primitives only",
        ])
    }

    @Test func orderingCyclesAreReported() {
        #expect(errors("""
        resources:
          - {name: a, agent: "ocf:heartbeat:Dummy"}
          - {name: b, agent: "ocf:heartbeat:Dummy"}
          - {name: c, agent: "ocf:heartbeat:Dummy"}
        constraints:
          - order: {first: a, then: b}
          - order: {first: b, then: c}
          - order: {first: c, then: a}
        """) == ["c.yaml:12:12: constraints[2].order: ordering cycle: c → a → b → c"])
    }

    @Test func orderingCycleThroughAGroupIsReported() {
        #expect(errors("""
        resources:
          - {name: a, agent: "ocf:heartbeat:Dummy"}
          - {name: b, agent: "ocf:heartbeat:Dummy"}
          - {name: c, agent: "ocf:heartbeat:Dummy"}
        groups:
          - {name: g, members: [a, b]}
        constraints:
          - order: {first: b, then: c}
          - order: {first: c, then: a}
        """) == ["c.yaml:13:12: constraints[1].order: ordering cycle: c → a → b → c"])
    }

    @Test func colocationCyclesAreReported() {
        #expect(errors("""
        resources:
          - {name: a, agent: "ocf:heartbeat:Dummy"}
          - {name: b, agent: "ocf:heartbeat:Dummy"}
        constraints:
          - colocation: {resource: a, with: b}
          - colocation: {resource: b, with: a, score: 100}
        """) == ["c.yaml:10:17: constraints[1].colocation: colocation cycle: b → a → b (each placed with the next); keep one direction"])
    }

    @Test func badDurationsScoresAndCountsAreReported() {
        #expect(errors("""
        resources:
          - name: web
            agent: "ocf:heartbeat:Dummy"
            monitor: {interval: 10 seconds, timeout: 0s}
            migration-threshold: 0
            stickiness: lots
            clone: {max: 0, per-node: two}
        constraints:
          - location: {resource: web, node: n1, score: 1.5}
        """) == [
            "c.yaml:8:25: resources[0].monitor.interval: expected a duration such as 500ms, 3s or 2m (greater than 0), got '10 seconds'",
            "c.yaml:8:46: resources[0].monitor.timeout: expected a duration such as 500ms, 3s or 2m (greater than 0), got '0s'",
            "c.yaml:9:26: resources[0].migration-threshold: expected a whole number of at least 1 or INFINITY, got '0'",
            "c.yaml:10:17: resources[0].stickiness: expected a score (an integer, INFINITY or -INFINITY), got 'lots'",
            "c.yaml:11:18: resources[0].clone.max: expected a whole number of at least 1, got '0'",
            "c.yaml:11:31: resources[0].clone.per-node: expected a whole number of at least 1, got 'two'",
            "c.yaml:13:48: constraints[0].location.score: expected a score (an integer, INFINITY or -INFINITY), got '1.5'",
        ])
    }

    @Test func missingFieldsAndWrongShapesAreReported() {
        #expect(errors("""
        resources:
          - {agent: process}
          - {name: v, agent: vip, params: {ip: 198.18.0.300, cidr: 24, interface: eth0}}
          - {name: x, agent: "ocf:heartbeat"}
        constraints:
          - location: {resource: v, score: 5}
          - {location: {resource: v, node: n1}, order: {first: v, then: x}}
        """) == [
            "c.yaml:6:5: resources[0].name: missing; expected the resource's name",
            "c.yaml:6:5: resources[0].params: missing; expected params with a command: [argv...]",
            "c.yaml:7:40: resources[1].params.ip: expected an IPv4 or IPv6 address, got '198.18.0.300'",
            "c.yaml:8:22: resources[2].agent: expected process, vip, galera, rabbitmq or ocf:<provider>:<type>, got 'ocf:heartbeat'",
            "c.yaml:10:15: constraints[0].location.node: missing; expected a node or a rule",
            "c.yaml:11:5: constraints[1]: expected exactly one constraint per entry, got location and order",
        ])
    }

    @Test func rulesAndRolesAreChecked() {
        #expect(errors("""
        resources:
          - {name: p, agent: "ocf:heartbeat:Dummy"}
        constraints:
          - location: {resource: p, rule: "rack eq a and zone eq b or x eq y", score: 5}
          - location: {resource: p, rule: "rack is a", score: 5}
          - colocation: {resource: p, with: p2, with-role: master}
          - location: {resource: p, node: n1, role: promoted}
        """) == [
            "c.yaml:8:35: constraints[0].location.rule: expected one of 'and' or 'or' throughout, not both (group them in separate constraints)",
            "c.yaml:9:35: constraints[1].location.rule: expected an operator (eq, ne, lt, gt, lte, gte) instead of 'is'",
            "c.yaml:10:52: constraints[2].colocation.with-role: expected one of promoted, unpromoted, got 'master'",
            "c.yaml:11:45: constraints[3].location.role: a role applies only to promotable resources, and 'p' is not promotable",
        ])
    }

    @Test func secretsInTheConfigurationAreRejected() {
        #expect(errors("""
        resources:
          - {name: db, agent: "ocf:heartbeat:mysql", params: {root_password: hunter2}}
        fence-devices:
          - {name: ipmi, agent: fence_ipmilan, nodes: [n1, n2], params: {ip: 198.18.0.9, passwd: x}}
        """, header: "cluster: {name: t, fencing: devices}\nnodes: [{name: n1}, {name: n2}]\n") == [
            "c.yaml:4:55: resources[0].params.root_password: secrets must not be written in the configuration: put the value in a file readable only by root and name it under param-files: {root_password: /path/to/file}",
            "c.yaml:6:65: fence-devices[0].params.passwd: secrets must not be written in the configuration; put the password in a file and name it with password-file",
        ])
    }

    @Test func fencingDevicesMustCoverEveryNode() {
        #expect(errors("""
        fence-devices:
          - {name: ipmi, agent: fence_ipmilan, nodes: [n1], password-file: /etc/vigil/ipmi.pass}
        """, header: "cluster: {name: t, fencing: devices}\nnodes: [{name: n1}, {name: n2}]\n") == [
            "c.yaml:2:28: nodes[1].name: no fence device covers node 'n2' (fencing: devices)"
        ])
    }

    @Test func yamlSyntaxErrorsCarryTheirPosition() {
        #expect(errors("cluster: {name: t\nnodes: []\n", header: "") == ["c.yaml:2:6: YAML syntax: did not find expected ',' or '}'"])
    }

    @Test func everyErrorIsReportedAtOnce() {
        let found = errors("""
        resources:
          - {name: a, agent: nope}
          - {name: b, agent: process, params: {command: [true]}}
          - {name: c, agent: "ocf:x:y", stickiness: high}
        """)
        #expect(found.count == 3)
        #expect(found[1] == "c.yaml:7:49: resources[1].params.command[0]: expected an absolute path to the program (commands never pass through a shell or PATH), got 'true'")
    }
}
