import Testing
import VigilModel

/// `node-params: {NODE: {key: value}}` (issue 11): per-node values merged over `params` and
/// validated the same way; a resource as it runs on a node takes that node's.
@Suite("node-params")
struct NodeParamsTests {
    static let header = "cluster: {name: t}\nnodes: [{name: n1}, {name: n2}, {name: n3}]\nresources:\n"

    static func errors(_ resources: String) -> [String] {
        do {
            _ = try ConfigDecoder.decode(yaml: header + resources, file: "c.yaml")
            return []
        } catch {
            return error.diagnostics.map(\.description)
        }
    }

    @Test func eachNodeGetsItsValuesOverTheCommonOnes() throws {
        let config = try ConfigDecoder.decode(
            yaml: Self.header + """
                  - name: db
                    agent: process
                    params: {command: [/usr/sbin/mariadbd, --defaults-file=/etc/mysql/my.cnf], cwd: /var/lib/mysql, user: mysql}
                    node-params:
                      n1: {command: [/usr/sbin/mariadbd, --defaults-file=/etc/mysql/n1.cnf]}
                      n2: {cwd: /srv/n2}
                  - name: agentd
                    agent: 'ocf:heartbeat:Dummy'
                    params: {state: /run/dummy.state, fake: a}
                    node-params: {n3: {state: /run/n3.state}}
                """, file: "c.yaml")
        let db = try #require(config.resource(named: "db"))
        guard case .process(let n1) = db.resolved(on: "n1").params, case .process(let n2) = db.resolved(on: "n2").params,
            case .process(let n3) = db.resolved(on: "n3").params
        else {
            Issue.record("not process params")
            return
        }
        #expect(n1.command == ["/usr/sbin/mariadbd", "--defaults-file=/etc/mysql/n1.cnf"])
        #expect(n1.workingDirectory == "/var/lib/mysql" && n1.user == "mysql")
        #expect(n2.command == ["/usr/sbin/mariadbd", "--defaults-file=/etc/mysql/my.cnf"])
        #expect(n2.workingDirectory == "/srv/n2")
        #expect(n3.workingDirectory == "/var/lib/mysql")
        #expect(db.resolved(on: "n1").nodeParams.isEmpty)
        let agentd = try #require(config.resource(named: "agentd"))
        guard case .other(let onN3) = agentd.resolved(on: "n3").params, case .other(let onN1) = agentd.resolved(on: "n1").params else {
            Issue.record("not a parameter map")
            return
        }
        #expect(onN3.mapValues(\.scalarText) == ["state": "/run/n3.state", "fake": "a"])
        #expect(onN1.mapValues(\.scalarText) == ["state": "/run/dummy.state", "fake": "a"])
    }

    @Test func anUnknownNodeIsAnErrorWithItsPlace() {
        let found = Self.errors("  - {name: a, agent: process, params: {command: [/bin/true]}, node-params: {n9: {cwd: /tmp}}}\n")
        #expect(found.count == 1, "\(found)")
        #expect(found.first?.contains("c.yaml:4:") == true, "\(found)")
        #expect(found.first?.contains("resources[0].node-params.n9") == true, "\(found)")
        #expect(found.first?.contains("no node 'n9'") == true, "\(found)")
    }

    @Test func aNodesValuesAreValidatedAsParamsAre() {
        let relative = Self.errors("  - {name: a, agent: process, params: {command: [/bin/true]}, node-params: {n1: {command: [true]}}}\n")
        #expect(relative.count == 1, "\(relative)")
        #expect(relative.first?.contains("resources[0].node-params.n1.command[0]") == true, "\(relative)")
        let secret = Self.errors("  - {name: a, agent: 'ocf:heartbeat:Dummy', node-params: {n2: {api_token: x}}}\n")
        #expect(secret.first?.contains("resources[0].node-params.n2.api_token") == true, "\(secret)")
        #expect(secret.first?.contains("param-files") == true, "\(secret)")
        let notAMapping = Self.errors("  - {name: a, agent: process, params: {command: [/bin/true]}, node-params: {n1: [x]}}\n")
        #expect(notAMapping.first?.contains("resources[0].node-params.n1") == true, "\(notAMapping)")
    }
}
