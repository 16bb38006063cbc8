import Foundation
import Testing
@testable import VigilAgents

/// What Vigil reads of a RabbitMQ node without running it: its Mnesia directory (3.x), its
/// configuration file, and `cluster_status` JSON (issue 12).
@Suite("RabbitMQ files")
struct RabbitMQFilesTests {
    static func withTemporaryDirectory(_ body: (URL) throws -> Void) throws {
        let dir = try TempDir("vigil-rabbitmq-files")
        defer { dir.remove() }
        try body(URL(fileURLWithPath: dir.path))
    }

    static func spec(_ directory: URL, env: [String: String] = [:]) -> RabbitMQSpec {
        var environment = ["RABBITMQ_MNESIA_BASE": directory.path]
        for (key, value) in env { environment[key] = value }
        return RabbitMQSpec(name: "mq", nodename: "rabbit@n1", environment: environment, cookieFile: directory.path + "/cookie", homeDirectory: directory.path + "/home")
    }

    @Test func theMnesiaDirectorySaysWhetherTheNodeHasDataAndWhoItsMembersAre() throws {
        try Self.withTemporaryDirectory { directory in
            let spec = Self.spec(directory)
            #expect(spec.dataDirectory == directory.path + "/rabbit@n1")
            #expect(RabbitMQMnesiaStore().localData(spec) == .empty)
            let data = URL(fileURLWithPath: spec.dataDirectory)
            try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
            try Data().write(to: data.appendingPathComponent("schema.DAT"))
            #expect(RabbitMQMnesiaStore().localData(spec) == RabbitMQLocalData(initialised: true, members: ["rabbit@n1"], runningAtShutdown: ["rabbit@n1"]))
            try "{[rabbit@n1,'rabbit@n2.example.com',rabbit@n3],[rabbit@n1,'rabbit@n2.example.com',rabbit@n3]}.\n"
                .write(to: data.appendingPathComponent("cluster_nodes.config"), atomically: true, encoding: .utf8)
            try "[rabbit@n3,rabbit@n1].\n".write(to: data.appendingPathComponent("nodes_running_at_shutdown"), atomically: true, encoding: .utf8)
            #expect(RabbitMQMnesiaStore().localData(spec) == RabbitMQLocalData(
                initialised: true, members: ["rabbit@n1", "rabbit@n2.example.com", "rabbit@n3"], runningAtShutdown: ["rabbit@n1", "rabbit@n3"]))
            #expect(RabbitMQMnesiaStore().isWaitingForPeers(logLine: "[info] <0.223.0> Waiting for Mnesia tables for 30000 ms, 9 retries left"))
        }
    }

    @Test func theDataAndConfigurationPathsFollowRabbitMQsRules() {
        let base = URL(fileURLWithPath: "/srv/mq")
        #expect(Self.spec(base, env: ["RABBITMQ_MNESIA_DIR": "/data/mq"]).dataDirectory == "/data/mq")
        #expect(Self.spec(base).configFile == "/etc/rabbitmq/rabbitmq.conf")
        #expect(Self.spec(base, env: ["RABBITMQ_CONFIG_FILE": "/etc/mq/rabbitmq"]).configFile == "/etc/mq/rabbitmq.conf")
        #expect(Self.spec(base, env: ["RABBITMQ_CONFIG_FILE": "/etc/mq/rabbitmq.config"]).configFile == "/etc/mq/rabbitmq.config")
        let environment = Self.spec(base, env: ["RABBITMQ_NODE_PORT": "5673"]).processEnvironment
        #expect(environment["HOME"] == "/srv/mq/home" && environment["RABBITMQ_NODENAME"] == "rabbit@n1" && environment["RABBITMQ_NODE_PORT"] == "5673")
        #expect(environment["RABBITMQ_ERLANG_COOKIE"] == nil)
    }

    @Test func partitionHandlingIsReadFromEitherFileFormat() {
        #expect(RabbitMQConfigCheck.partitionHandling("# x\ncluster_partition_handling = pause_minority # y\n", erlangTerms: false) == "pause_minority")
        #expect(RabbitMQConfigCheck.partitionHandling("cluster_partition_handling = autoheal\n", erlangTerms: false) == "autoheal")
        #expect(RabbitMQConfigCheck.partitionHandling("# cluster_partition_handling = pause_minority\n", erlangTerms: false) == nil)
        #expect(RabbitMQConfigCheck.partitionHandling("[{rabbit, [{cluster_partition_handling, pause_minority}]}].", erlangTerms: true) == "pause_minority")
        #expect(RabbitMQConfigCheck.partitionHandling("[{rabbit, []}].", erlangTerms: true) == nil)
    }

    @Test func theCheckNamesTheFilesAndWhatIsWrong() throws {
        try Self.withTemporaryDirectory { directory in
            let conf = directory.appendingPathComponent("rabbitmq.conf")
            try "listeners.tcp.1 = 127.0.0.1:5699\ncluster_partition_handling = pause_minority\n".write(to: conf, atomically: true, encoding: .utf8)
            var spec = Self.spec(directory, env: ["RABBITMQ_CONFIG_FILE": conf.path])
            spec.serverDirectory = directory.path
            let problems = RabbitMQConfigCheck.problems(spec)
            #expect(problems.map(\.field) == ["erlang-cookie-file", "server-dir", "server-dir"], "\(problems)")
            #expect(problems.first?.message == "\(directory.path)/cookie: no such file")
            try " \n".write(toFile: spec.cookieFile, atomically: true, encoding: .utf8)
            #expect(RabbitMQConfigCheck.problems(spec).first?.message == "\(directory.path)/cookie: empty (expected the Erlang cookie on its first line)")
            let listener = RabbitMQConfigCheck.amqpListener(spec)
            #expect(listener.host == "127.0.0.1" && listener.port == 5699)
            #expect(RabbitMQConfigCheck.amqpListener(Self.spec(directory, env: ["RABBITMQ_NODE_IP_ADDRESS": "0.0.0.0", "RABBITMQ_NODE_PORT": "5680"])) == ("127.0.0.1", 5680))
        }
    }

    @Test func clusterStatusJSONIsRead() throws {
        let text = """
            {"alarms":[{"node":"rabbit@n2","resource":"memory","type":"resource_limit"}],"cluster_name":"c","disk_nodes":["rabbit@n2","rabbit@n1","rabbit@n3"],
             "partitions":{"rabbit@n1":["rabbit@n3"]},"running_nodes":["rabbit@n1","rabbit@n2"]}
            """
        let status = try #require(RabbitMQClusterStatus(json: try JSONSerialization.jsonObject(with: Data(text.utf8))))
        #expect(status.members == ["rabbit@n1", "rabbit@n2", "rabbit@n3"] && status.running == ["rabbit@n1", "rabbit@n2"])
        #expect(status.partitions == ["rabbit@n1": ["rabbit@n3"]] && status.alarms == ["memory on rabbit@n2"])
        #expect(RabbitMQClusterStatus(json: ["running_nodes": []]) == nil)
    }
}
