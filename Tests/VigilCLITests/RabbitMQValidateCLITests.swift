import Foundation
import Testing

/// `vigil config validate --node` on a `rabbitmq` resource (issue 12, "bad input"): this
/// host's node is checked for its cookie file, the server's scripts and
/// `cluster_partition_handling = pause_minority`; each problem names the configuration's
/// file, line and field, and the file concerned. Nothing is started.
@Suite("vigil config validate: RabbitMQ files")
struct RabbitMQValidateCLITests {
    static func config(_ directory: URL, cookie: String, rabbitConf: String) -> String {
        """
        cluster: {name: t}
        nodes: [{name: n1}, {name: n2}, {name: n3}]
        resources:
          - name: mq
            agent: rabbitmq
            clone: {max: 3}
            params:
              erlang-cookie-file: \(cookie)
              password-file: \(directory.path)/mq.pass
              env: {RABBITMQ_CONFIG_FILE: \(rabbitConf)}

        """
    }

    @Test func aGoodNodeValidates() throws {
        try CLIRunner.withTemporaryDirectory { directory in
            try "SECRETCOOKIE\n".write(to: directory.appendingPathComponent("cookie"), atomically: true, encoding: .utf8)
            try "cluster_partition_handling = pause_minority\n".write(to: directory.appendingPathComponent("rabbitmq.conf"), atomically: true, encoding: .utf8)
            let file = directory.appendingPathComponent("c.yaml")
            try Self.config(directory, cookie: directory.path + "/cookie", rabbitConf: directory.path + "/rabbitmq.conf")
                .write(to: file, atomically: true, encoding: .utf8)
            let result = try CLIRunner.run(["config", "validate", file.path, "--node", "n1"])
            #expect(result.status == 0, "stdout: \(result.stdout) stderr: \(result.stderr)")
            #expect(!result.stdout.contains("SECRETCOOKIE") && !result.stderr.contains("SECRETCOOKIE"))
        }
    }

    @Test func aMissingCookieAndAnotherPartitionHandlingAreErrorsWithTheirLines() throws {
        try CLIRunner.withTemporaryDirectory { directory in
            try "cluster_partition_handling = autoheal\n".write(to: directory.appendingPathComponent("rabbitmq.conf"), atomically: true, encoding: .utf8)
            let file = directory.appendingPathComponent("c.yaml")
            let cookie = directory.path + "/missing-cookie"
            let conf = directory.path + "/rabbitmq.conf"
            try Self.config(directory, cookie: cookie, rabbitConf: conf).write(to: file, atomically: true, encoding: .utf8)
            let result = try CLIRunner.run(["config", "validate", file.path, "--node", "n1"])
            #expect(result.status == 1)
            #expect(result.stderr.contains("\(file.path):8:27: resources[0].params.erlang-cookie-file: \(cookie): no such file"), "\(result.stderr)")
            #expect(result.stderr.contains(
                "\(file.path):10:12: resources[0].params.env.RABBITMQ_CONFIG_FILE: \(conf): cluster_partition_handling must be pause_minority (a minority must stop taking messages), got autoheal"),
                "\(result.stderr)")
            // Not set at all is refused too (RabbitMQ's default is ignore).
            try "listeners.tcp.1 = 127.0.0.1:5672\n".write(to: directory.appendingPathComponent("rabbitmq.conf"), atomically: true, encoding: .utf8)
            let unset = try CLIRunner.run(["config", "validate", file.path, "--node", "n1"])
            #expect(unset.status == 1)
            #expect(unset.stderr.contains("cluster_partition_handling must be pause_minority (a minority must stop taking messages), got none (ignore)"), "\(unset.stderr)")
        }
    }

    @Test func badInputIsRefusedByConfigApplyAndNothingIsWritten() throws {
        try CLIRunner.withTemporaryDirectory { directory in
            let file = directory.appendingPathComponent("c.yaml")
            try """
                cluster: {name: t}
                nodes: [{name: n1}, {name: n2}]
                resources:
                  - name: mq
                    agent: rabbitmq
                    clone: {}
                    params: {nodename: rabbit, env: {HOME: /root}, password-file: /p}

                """.write(to: file, atomically: true, encoding: .utf8)
            // The file is refused before any etcd is contacted (none listens on this port).
            let result = try CLIRunner.run(["config", "apply", file.path, "--etcd", "http://127.0.0.1:9", "--cluster", "t"])
            #expect(result.status == 1)
            #expect(result.stderr.contains("\(file.path):7:24: resources[0].params.nodename: expected an Erlang node name NAME@HOST"), "\(result.stderr)")
            #expect(result.stderr.contains("resources[0].params.env.HOME: expected a RABBITMQ_* or ERL_* variable, got 'HOME'"), "\(result.stderr)")
            #expect(result.stderr.contains("resources[0].params.erlang-cookie-file: missing"), "\(result.stderr)")
        }
    }
}
