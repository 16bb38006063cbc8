import Foundation
import Testing

/// `vigil simulate` and `vigil config validate`, run as a user would run them.
@Suite("vigil simulate / config validate")
struct SimulateCommandTests {
    static let config = """
    cluster: {name: ctl, no-quorum-policy: stop, fencing: self, node-loss-timeout: 3s, stickiness: 0}
    nodes:
      - {name: n1, address: 198.18.0.1, attributes: {rack: a}}
      - {name: n2, attributes: {rack: b}}
      - {name: n3, attributes: {rack: a}}
      - {name: n4, attributes: {rack: a}}
    resources:
      - name: web
        agent: process
        params: {command: [/usr/bin/python3, -m, http.server, "8080"]}
        migration-threshold: 3
      - {name: web-vip, agent: vip, params: {ip: 198.18.0.100, cidr: 24, interface: eth0}}
      - {name: db, agent: galera, clone: {max: 3, per-node: 1}, params: {config: /etc/mysql/my.cnf}}
      - {name: dummy, agent: "ocf:heartbeat:Dummy", promotable: {max: 2, promoted-max: 1}}
    groups:
      - {name: web-stack, members: [web, web-vip]}
    constraints:
      - location: {resource: web, node: n1, score: 100}
      - order: {first: db, then: web, kind: mandatory}
    """

    static let state = """
    quorum: true
    nodes:
      n1: {online: true}
      n2: {online: true}
      n3: {online: true}
      n4: {unclean: true}
    resources:
      web: {n4: started}
      web-vip: {n4: started}
      db: {n1: started}
      dummy: {n4: promoted, n3: unpromoted}
    promotion-scores:
      dummy: {n3: 5, n1: 1}
    """

    @Test func jsonOutputFollowsTheContract() throws {
        try CLIRunner.withTemporaryDirectory { dir in
            try Self.config.write(to: dir.appendingPathComponent("c.yaml"), atomically: true, encoding: .utf8)
            try Self.state.write(to: dir.appendingPathComponent("s.yaml"), atomically: true, encoding: .utf8)
            let result = try CLIRunner.run(["simulate", "--config", dir.appendingPathComponent("c.yaml").path,
                                            "--state", dir.appendingPathComponent("s.yaml").path, "--json"])
            #expect(result.status == 0, "\(result.stderr)")
            let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
            let placements = try #require(object?["placements"] as? [String: Any])
            #expect(Set(placements.keys) == ["web", "web-vip", "db", "dummy"])
            #expect(placements["web"] as? [String] == ["n1"])
            #expect(placements["web-vip"] as? [String] == ["n1"])
            #expect(placements["db"] as? [String] == ["n1", "n2", "n3"])
            let dummy = try #require(placements["dummy"] as? [String: [String]])
            #expect(dummy["promoted"] == ["n3"])
            // n1 already holds web, web-vip and db: the second instance goes to the less loaded n2.
            #expect(dummy["unpromoted"] == ["n2"])
            let actions = try #require(object?["actions"] as? [[String: Any]])
            let fence = try #require(actions.firstIndex { $0["action"] as? String == "fence" })
            #expect(actions[fence]["node"] as? String == "n4")
            #expect(actions[fence]["resource"] == nil)
            // Recovery of web (which ran on the lost node) waits for the fence.
            let startWeb = try #require(actions.firstIndex { $0["action"] as? String == "start" && $0["resource"] as? String == "web" })
            #expect(reaches(actions, from: startWeb, to: fence))
            let promote = try #require(actions.firstIndex { $0["action"] as? String == "promote" })
            #expect(reaches(actions, from: promote, to: fence))
            #expect(object?["unplaced"] as? [String] == [])
        }
    }

    func reaches(_ actions: [[String: Any]], from start: Int, to target: Int) -> Bool {
        var stack = [start]
        var seen: Set<Int> = []
        while let current = stack.popLast() {
            for before in actions[current]["after"] as? [Int] ?? [] {
                if before == target { return true }
                if seen.insert(before).inserted { stack.append(before) }
            }
        }
        return false
    }

    @Test func invalidInputExitsOneWithThePosition() throws {
        try CLIRunner.withTemporaryDirectory { dir in
            let bad = Self.config.replacingOccurrences(of: "migration-threshold: 3", with: "migration-treshold: 3")
            try bad.write(to: dir.appendingPathComponent("c.yaml"), atomically: true, encoding: .utf8)
            try Self.state.write(to: dir.appendingPathComponent("s.yaml"), atomically: true, encoding: .utf8)
            let path = dir.appendingPathComponent("c.yaml").path
            let result = try CLIRunner.run(["simulate", "--config", path, "--state", dir.appendingPathComponent("s.yaml").path, "--json"])
            #expect(result.status == 1)
            #expect(result.stdout.isEmpty)
            #expect(result.stderr.contains("\(path):11:5: resources[0].migration-treshold: unknown key 'migration-treshold'; did you mean 'migration-threshold'?"))
            let validate = try CLIRunner.run(["config", "validate", path])
            #expect(validate.status == 1)
            #expect(validate.stderr.contains("\(path):11:5:"))
        }
    }

    @Test func missingFileIsAClearError() throws {
        let result = try CLIRunner.run(["simulate", "--config", "/nonexistent/c.yaml", "--state", "/nonexistent/s.yaml"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("/nonexistent/c.yaml: the file does not exist"))
    }

    @Test func validConfigValidates() throws {
        try CLIRunner.withTemporaryDirectory { dir in
            try Self.config.write(to: dir.appendingPathComponent("c.yaml"), atomically: true, encoding: .utf8)
            let result = try CLIRunner.run(["config", "validate", dir.appendingPathComponent("c.yaml").path])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains("valid — 4 nodes, 4 resources (2 clones), 1 groups, 2 constraints"))
        }
    }

    @Test func textOutputListsNumberedActions() throws {
        try CLIRunner.withTemporaryDirectory { dir in
            try Self.config.write(to: dir.appendingPathComponent("c.yaml"), atomically: true, encoding: .utf8)
            try Self.state.write(to: dir.appendingPathComponent("s.yaml"), atomically: true, encoding: .utf8)
            let result = try CLIRunner.run(["simulate", "--config", dir.appendingPathComponent("c.yaml").path,
                                            "--state", dir.appendingPathComponent("s.yaml").path])
            #expect(result.status == 0)
            #expect(result.stdout.contains("  0   fence n4"))
            #expect(result.stdout.contains("Unplaced: none"))
        }
    }
}
