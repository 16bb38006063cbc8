import Foundation
import VigilModel
import VigilNode
import VigilCluster
import VigilStore

/// RabbitMQ keys for ``ViewFixtures`` builders: one rabbitmq clone on three of four nodes
/// (n4 is banned from it), and the records its agents and coordinator write.
extension ViewFixtures {
    static let rabbitmqYAML = """
        cluster: {name: t, no-quorum-policy: stop, fencing: self, stickiness: 0}
        nodes: [{name: n1}, {name: n2}, {name: n3}, {name: n4}]
        resources:
          - name: mq
            agent: rabbitmq
            clone: {max: 3}
            params: {erlang-cookie-file: /etc/vigil/cookie, password-file: /etc/vigil/mq.pass}
        constraints:
          - location: {resource: mq, node: n4, score: -INFINITY}
        """

    static func rabbit(_ node: String) -> String { "rabbit@\(node)" }

    static func running(clustered: [String], members: [String] = ["n1", "n2", "n3"]) -> RabbitMQInstanceStatus {
        RabbitMQInstanceStatus(
            nodename: "", running: true, members: members.map(rabbit), clustered: clustered.map(rabbit), amqp: true)
    }
}

extension ViewFixtures.Builder {
    mutating func rabbitmqStatus(on node: String, _ rabbitmq: RabbitMQInstanceStatus?, state: ResourceStatusState = .started, waiting: Bool = false) throws {
        var record = StatusRecord(state: state, since: "2026-12-06T10:00:00Z")
        record.rabbitmq = rabbitmq
        record.waiting = waiting ? true : nil
        add(ViewFixtures.keyspace.status("mq", on: node), try ViewFixtures.json(record), lease: 7)
    }

    mutating func rabbitmqRecord(on node: String, running: Bool, members: [String], initialised: Bool = true) throws {
        add(
            ViewFixtures.keyspace.rabbitmqNode("mq", on: node),
            try ViewFixtures.json(RabbitMQNodeRecord(
                nodename: ViewFixtures.rabbit(node), running: running, clean: running ? nil : true, initialised: initialised,
                members: members.map(ViewFixtures.rabbit), since: "2026-12-06T09:00:00Z")))
    }

    mutating func rabbitmqBoot(_ node: String, _ mode: RabbitMQBootRecord.Mode) throws {
        add(
            ViewFixtures.keyspace.rabbitmqBoot("mq"),
            try ViewFixtures.json(RabbitMQBootRecord(node: node, mode: mode, reason: "test", at: "2026-12-06T09:00:00Z", by: "n1")))
    }

    mutating func rabbitmqJoining(_ node: String, through peer: String) throws {
        add(
            ViewFixtures.keyspace.rabbitmqJoining("mq"),
            try ViewFixtures.json(RabbitMQJoinRecord(node: node, peer: ViewFixtures.rabbit(peer), since: "2026-12-06T09:00:00Z")), lease: 7)
    }
}
