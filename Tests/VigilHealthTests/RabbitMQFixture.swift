import Foundation
import Testing

/// One RabbitMQ node for a suite, on 127.0.0.1 only: its own epmd on a free port
/// (ERL_EPMD_PORT/ERL_EPMD_ADDRESS for server and everything else), distribution bound
/// to 127.0.0.1, HOME with the Erlang cookie in a temp dir, no plugins. The `guest`
/// user may log in from loopback; its password is in `guest.pass`.
struct RabbitMQServer: Sendable {
    @TaskLocal static var current: RabbitMQServer?

    let dir: TempDir
    let port: Int
    let processes: [Background]

    var passwordFile: String { dir.file("guest.pass") }

    static let sbin = "/usr/lib/rabbitmq/lib/rabbitmq_server-3.10.8/sbin"

    static func start() async throws -> RabbitMQServer {
        let dir = try TempDir("vigil-rabbitmq")
        let ports = try freePorts(3)
        let (epmdPort, port, distPort) = (ports[0], ports[1], ports[2])
        try FileManager.default.createDirectory(atPath: dir.file("home"), withIntermediateDirectories: true)
        try dir.write("home/.erlang.cookie", "VIGILTEST\(UInt64.random(in: 1..<UInt64.max))", mode: 0o400)
        try dir.write(
            "rabbitmq.conf",
            """
            listeners.tcp.1 = 127.0.0.1:\(port)
            vm_memory_high_watermark.absolute = 256MB
            disk_free_limit.absolute = 50MB

            """)
        try dir.write("enabled_plugins", "[].\n")
        try dir.write("rabbitmq-env.conf", "")
        try dir.write("guest.pass", "guest\n", mode: 0o600)
        // Name lookups from /etc/hosts and the native resolver only (no Erlang DNS client).
        try dir.write("inetrc", "{lookup, [file, native]}.\n")
        let erlangEnvironment = [
            "HOME": dir.file("home"), "ERL_EPMD_PORT": String(epmdPort), "ERL_EPMD_ADDRESS": "127.0.0.1",
            "ERL_INETRC": dir.file("inetrc"),
        ]
        var processes: [Background] = []
        do {
            let epmd = try await Background.start(
                "epmd", ["/usr/bin/epmd", "-address", "127.0.0.1", "-port", String(epmdPort)], environment: erlangEnvironment)
            processes.append(epmd)
            try await waitForPort(epmdPort)
            var environment = erlangEnvironment
            environment["RABBITMQ_NODENAME"] = "vigiltest\(getpid())@localhost"
            environment["RABBITMQ_NODE_IP_ADDRESS"] = "127.0.0.1"
            environment["RABBITMQ_NODE_PORT"] = String(port)
            environment["RABBITMQ_DIST_PORT"] = String(distPort)
            environment["RABBITMQ_MNESIA_BASE"] = dir.file("mnesia")
            environment["RABBITMQ_LOG_BASE"] = dir.file("log")
            environment["RABBITMQ_CONFIG_FILE"] = dir.file("rabbitmq.conf")
            environment["RABBITMQ_ENABLED_PLUGINS_FILE"] = dir.file("enabled_plugins")
            environment["RABBITMQ_CONF_ENV_FILE"] = dir.file("rabbitmq-env.conf")
            environment["RABBITMQ_PID_FILE"] = dir.file("rabbitmq.pid")
            environment["RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS"] = "-kernel inet_dist_use_interface {127,0,0,1}"
            let server = try await Background.start(
                "rabbitmq-server", ["\(sbin)/rabbitmq-server"], environment: environment, log: dir.file("server.out"))
            processes.append(server)
            try await waitForPort(port, within: .seconds(180), server: server)
        } catch {
            let log = (try? String(contentsOfFile: dir.file("server.out"), encoding: .utf8)) ?? ""
            for process in processes.reversed() { await process.stop() }
            dir.remove()
            throw TestFailure("RabbitMQ did not start: \(error)\n\(log.suffix(2000))")
        }
        return RabbitMQServer(dir: dir, port: port, processes: processes)
    }

    func stop() async {
        for process in processes.reversed() { await process.stop(timeout: .seconds(20)) }
        dir.remove()
    }
}

/// Starts RabbitMQ once around a suite.
struct RabbitMQTrait: SuiteTrait, TestScoping {
    var isRecursive: Bool { false }

    func provideScope(for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void) async throws {
        let server = try await RabbitMQServer.start()
        do {
            try await RabbitMQServer.$current.withValue(server) { try await function() }
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }
}

extension Trait where Self == RabbitMQTrait {
    /// A RabbitMQ node for the suite.
    static var rabbitMQ: Self { Self() }
}
