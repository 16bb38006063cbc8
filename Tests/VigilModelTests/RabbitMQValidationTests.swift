import Testing
import VigilModel

/// A `rabbitmq` resource (issue 12): a clone with one instance per node, an Erlang node
/// name of its own on each node, the cookie and the monitor password from files, `env`
/// limited to `RABBITMQ_*`/`ERL_*`, policies checked; errors name file, line and field.
@Suite("rabbitmq resources")
struct RabbitMQValidationTests {
    static let header = "cluster: {name: t}\nnodes: [{name: n1}, {name: n2}, {name: n3}]\nresources:\n"

    static func errors(_ body: String) -> [String] {
        do {
            _ = try ConfigDecoder.decode(yaml: header + body, file: "c.yaml")
            return []
        } catch {
            return error.diagnostics.map(\.description)
        }
    }

    @Test func aCompleteResourceDecodesWithItsDefaultsAndPerNodeNames() throws {
        let config = try ConfigDecoder.decode(
            yaml: Self.header + """
                  - name: mq
                    agent: rabbitmq
                    clone: {max: 3}
                    params:
                      erlang-cookie-file: /var/lib/rabbitmq/.erlang.cookie
                      password-file: /etc/vigil/mq.pass
                      monitor-user: vigil
                      env: {RABBITMQ_NODE_PORT: "5672", ERL_EPMD_PORT: "4369"}
                      policies:
                        - {name: ha, pattern: "^", definition: {max-length: 1000, queue-mode: lazy, x: [1, b]}, apply-to: queues, priority: 2}
                    node-params:
                      n3: {nodename: rabbit@ctl3.example}
                """, file: "c.yaml")
        let resource = config.resources[0]
        guard case .rabbitmq(let params) = resource.params, case .rabbitmq(let n1) = resource.resolved(on: "n1").params,
            case .rabbitmq(let n3) = resource.resolved(on: "n3").params
        else {
            Issue.record("rabbitmq params expected")
            return
        }
        #expect(params.nodename == nil && n1.nodename == "rabbit@n1" && n3.nodename == "rabbit@ctl3.example")
        #expect(params.serverDirectory == "/usr/lib/rabbitmq/bin" && params.monitorUser == "vigil")
        #expect(params.startTimeout == .seconds(600) && params.stopTimeout == .seconds(120))
        #expect(params.environment == ["RABBITMQ_NODE_PORT": "5672", "ERL_EPMD_PORT": "4369"])
        #expect(n3.environment == params.environment && n3.erlangCookieFile == params.erlangCookieFile)
        #expect(params.policies.count == 1)
        #expect(params.policies.first?.definitionJSON == #"{"max-length":1000,"queue-mode":"lazy","x":[1,"b"]}"#)
        #expect(params.policies.first?.applyTo == "queues" && params.policies.first?.priority == 2)
    }

    @Test func theShapeIsAClonePerNodeWithTheFilesItNeeds() {
        #expect(Self.errors("""
              - {name: a, agent: rabbitmq, params: {erlang-cookie-file: /c, password-file: /p}}
              - {name: b, agent: rabbitmq, promotable: {}, params: {erlang-cookie-file: /c, password-file: /p}}
              - {name: c, agent: rabbitmq, clone: {per-node: 2}, params: {erlang-cookie-file: /c, password-file: /p}}
              - {name: d, agent: rabbitmq, clone: {}}
              - name: e
                agent: rabbitmq
                clone: {}
                params: {password-file: /p}
                node-params:
                  n1: {erlang-cookie-file: /c1}
            """) == [
            "c.yaml:4:5: resources[0]: a rabbitmq resource is a clone, one instance per node; expected clone: {max: N} (N: the number of RabbitMQ nodes)",
            "c.yaml:5:44: resources[1].promotable: a rabbitmq resource is a clone, one instance per node, not promotable; expected clone: {max: N}",
            "c.yaml:6:50: resources[2].clone.per-node: expected 1 for a rabbitmq resource (one RabbitMQ node per host), got 2",
            "c.yaml:7:5: resources[3].params.erlang-cookie-file: missing; expected the file holding the Erlang cookie (params.erlang-cookie-file, or node-params.<node>.erlang-cookie-file for nodes n1, n2, n3)",
            "c.yaml:7:5: resources[3].params.password-file: missing; expected the file holding the password of monitor-user 'guest' for the AMQP round trip (params.password-file, or node-params.<node>.password-file for nodes n1, n2, n3)",
            "c.yaml:11:13: resources[4].params.erlang-cookie-file: missing; expected the file holding the Erlang cookie (params.erlang-cookie-file, or node-params.<node>.erlang-cookie-file for nodes n2, n3)",
        ])
    }

    @Test func nodeNamesEnvAndPoliciesAreChecked() {
        #expect(Self.errors("""
              - name: mq
                agent: rabbitmq
                clone: {}
                params:
                  erlang-cookie-file: /c
                  password-file: /p
                  nodename: rabbit
                  env: {RABBITMQ_NODE_PORT: "5672", PATH: /bin, RABBITMQ_NODENAME: x@y, RABBITMQ_ERLANG_COOKIE: abc, LD_PRELOAD: /x.so}
                  policies:
                    - {name: p, pattern: "^", definition: {}}
                    - {name: q, pattern: "^", definition: {max-length: 1}, apply-to: streams}
                    - {name: q, pattern: "^", definition: {max-length: 2}}
                node-params:
                  n1: {nodename: rabbit@same}
                  n2: {nodename: rabbit@same}
                  n3: {nodename: "@host"}
            """) == [
            "c.yaml:10:17: resources[0].params.nodename: expected an Erlang node name NAME@HOST (letters, digits, '_', '-', '.'), got 'rabbit'",
            "c.yaml:11:12: resources[0].params.env.LD_PRELOAD: expected a RABBITMQ_* or ERL_* variable, got 'LD_PRELOAD'",
            "c.yaml:11:12: resources[0].params.env.PATH: expected a RABBITMQ_* or ERL_* variable, got 'PATH'",
            "c.yaml:11:12: resources[0].params.env.RABBITMQ_ERLANG_COOKIE: secrets must not be written in the configuration: name the cookie's file as erlang-cookie-file",
            "c.yaml:11:12: resources[0].params.env.RABBITMQ_NODENAME: give the node name as params.nodename, not in env",
            "c.yaml:13:47: resources[0].params.policies[0].definition: expected a non-empty mapping of policy keys to values, e.g. {max-length: 1000}",
            "c.yaml:14:18: resources[0].params.policies[1].name: duplicate policy name 'q'",
            "c.yaml:14:74: resources[0].params.policies[1].apply-to: expected queues, exchanges or all, got 'streams'",
            "c.yaml:18:22: resources[0].node-params.n2.nodename: node n2 has the same RabbitMQ node name as node n1 ('rabbit@same'); each node needs its own",
            "c.yaml:19:22: resources[0].node-params.n3.nodename: expected an Erlang node name NAME@HOST (letters, digits, '_', '-', '.'), got '@host'",
        ])
    }

    @Test func pathsAreAbsolute() {
        #expect(Self.errors("""
              - {name: mq, agent: rabbitmq, clone: {}, params: {erlang-cookie-file: cookie, password-file: /p, server-dir: sbin}}
            """) == [
            "c.yaml:4:73: resources[0].params.erlang-cookie-file: expected the absolute path of the file holding the Erlang cookie, got 'cookie'",
            "c.yaml:4:112: resources[0].params.server-dir: expected the absolute path of the directory of rabbitmq-server and rabbitmqctl, got 'sbin'",
        ])
    }

    /// A change of policies alone does not change what a running broker was started with;
    /// any other parameter does.
    @Test func policiesAreNotPartOfTheStartDefinition() throws {
        func resource(_ policies: String, cookie: String = "/var/lib/rabbitmq/.erlang.cookie") throws -> ResourceConfig {
            let config = try ConfigDecoder.decode(
                yaml: Self.header + """
                      - name: mq
                        agent: rabbitmq
                        clone: {max: 3}
                        params:
                          erlang-cookie-file: \(cookie)
                          password-file: /etc/vigil/mq.pass
                          policies: \(policies)
                    """, file: "c.yaml")
            return config.resources[0]
        }
        let one = try resource("[{name: a, pattern: \"^\", definition: {max-length: 10}}]")
        let other = try resource("[{name: a, pattern: \"^\", definition: {max-length: 20}}, {name: b, pattern: x, definition: {queue-mode: lazy}}]")
        let none = try resource("[]")
        #expect(one != other)
        #expect(one.startDefinition == other.startDefinition)
        #expect(one.startDefinition == none.startDefinition)
        #expect(try resource("[]", cookie: "/etc/other.cookie").startDefinition != none.startDefinition)
    }
}
