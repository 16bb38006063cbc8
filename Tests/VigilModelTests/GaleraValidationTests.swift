import Testing
import VigilModel

/// A `galera` resource is a clone with one instance per node, and every node it may run
/// on has an option file (`params.config` or `node-params.NODE.config`) — issue 11.
@Suite("galera resources")
struct GaleraValidationTests {
    static let header = "cluster: {name: t}\nnodes: [{name: n1, attributes: {role: db}}, {name: n2, attributes: {role: db}}, {name: n3}]\nresources:\n"

    static func errors(_ body: String) -> [String] {
        do {
            _ = try ConfigDecoder.decode(yaml: header + body, file: "c.yaml")
            return []
        } catch {
            return error.diagnostics.map(\.description)
        }
    }

    @Test func aCloneWithAFileEverywhereDecodes() throws {
        let config = try ConfigDecoder.decode(
            yaml: Self.header + """
                  - name: db
                    agent: galera
                    clone: {max: 3}
                    params: {config: /etc/mysql/my.cnf, monitor-user: monitor, accept-donor: true}
                    node-params:
                      n3: {config: /srv/n3/my.cnf}
                """, file: "c.yaml")
        guard case .galera(let params) = config.resources[0].params,
              case .galera(let n3) = config.resources[0].resolved(on: "n3").params
        else {
            Issue.record("galera params expected")
            return
        }
        #expect(params.config == "/etc/mysql/my.cnf" && params.acceptDonor && params.monitorUser == "monitor")
        #expect(params.startTimeout == .seconds(600) && params.stopTimeout == .seconds(120) && params.user == "mysql")
        #expect(n3.config == "/srv/n3/my.cnf" && n3.monitorUser == "monitor")
    }

    @Test func everyNodeNeedsAFile() {
        #expect(Self.errors("""
              - {name: db, agent: galera, clone: {max: 3}}
              - name: db2
                agent: galera
                clone: {max: 3}
                params: {monitor-user: monitor}
                node-params:
                  n1: {config: /srv/n1/my.cnf}
              - name: db3
                agent: galera
                clone: {max: 3}
                node-params:
                  n1: {config: /srv/n1/my.cnf}
                  n3: {config: /srv/n3/my.cnf}
            """) == [
            "c.yaml:4:5: resources[0].params.config: missing; expected the node's MariaDB option file (params.config, or node-params.<node>.config for nodes n1, n2, n3)",
            "c.yaml:8:13: resources[1].params.config: missing; expected the node's MariaDB option file (params.config, or node-params.<node>.config for nodes n2, n3)",
            "c.yaml:11:5: resources[2].params.config: missing; expected the node's MariaDB option file (params.config, or node-params.n2.config for node n2)",
        ])
    }

    @Test func aNodeKeptOffNeedsNoFile() {
        #expect(Self.errors("""
              - {name: db, agent: galera, clone: {max: 2}, node-params: {n1: {config: /srv/n1/my.cnf}, n2: {config: /srv/n2/my.cnf}}}
              - {name: db2, agent: galera, clone: {max: 2}, node-params: {n1: {config: /srv/n1/my.cnf}, n2: {config: /srv/n2/my.cnf}}}
              - {name: db3, agent: galera, clone: {max: 2}, node-params: {n1: {config: /srv/n1/my.cnf}}}
            constraints:
              - location: {resource: db, node: n3, score: -INFINITY}
              - location: {resource: db2, rule: "role ne db", score: -INFINITY}
              - location: {resource: db3, node: n3, score: -INFINITY}
              - location: {resource: db3, rule: "#uname eq n2", score: -100}
            """) == [
            "c.yaml:6:5: resources[2].params.config: missing; expected the node's MariaDB option file (params.config, or node-params.n2.config for node n2)"
        ], "only -INFINITY keeps a node off")
    }

    @Test func aMalformedFileIsNotAlsoMissing() {
        #expect(Self.errors("""
              - {name: db, agent: galera, clone: {}, params: {config: /etc/my.cnf}, node-params: {n2: {config: my.cnf}}}
            """) == [
            "c.yaml:4:100: resources[0].node-params.n2.config: expected the absolute path of the node's MariaDB option file, got 'my.cnf'"
        ])
    }

    @Test func itIsACloneWithOneInstancePerNode() {
        #expect(Self.errors("""
              - {name: a, agent: galera, params: {config: /etc/my.cnf}}
              - {name: b, agent: galera, promotable: {max: 3}, params: {config: /etc/my.cnf}}
              - {name: c, agent: galera, clone: {max: 3, per-node: 2}, params: {config: /etc/my.cnf}}
            """) == [
            "c.yaml:4:5: resources[0]: a galera resource is a clone, one instance per node; expected clone: {max: N} (N: the number of Galera nodes)",
            "c.yaml:5:42: resources[1].promotable: a galera resource is a clone, one instance per node, not promotable; expected clone: {max: N} (Vigil picks the writer: GET /health/b?role=writer)",
            "c.yaml:6:56: resources[2].clone.per-node: expected 1 for a galera resource (one MariaDB server per node), got 2",
        ])
    }

    @Test func nodesAllowedFollowsMinusInfinityLocationsOnly() throws {
        let config = try ConfigDecoder.decode(
            yaml: Self.header + """
                  - {name: web, agent: process, params: {command: [/bin/true]}}
                  - {name: vip, agent: vip, params: {ip: 198.18.0.9, cidr: 24, interface: eth0}}
                groups:
                  - {name: g, members: [web, vip]}
                constraints:
                  - location: {resource: g, node: n1, score: -INFINITY}
                  - location: {resource: vip, rule: "role eq db", score: -1000}
                """, file: "c.yaml")
        #expect(config.nodesAllowed(for: config.resources[0]).map(\.name) == ["n2", "n3"], "a group's ban applies to its members")
        #expect(config.nodesAllowed(for: config.resources[1]).map(\.name) == ["n2", "n3"])
    }
}
