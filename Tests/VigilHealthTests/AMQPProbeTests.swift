import Foundation
import Testing
import VigilHealth

@Suite("amqp probe against RabbitMQ", .rabbitMQ, .serialized)
struct AMQPProbeTests {
    private var mq: RabbitMQServer {
        get throws { try #require(RabbitMQServer.current) }
    }

    private func check(_ kind: ProbeKind, timeout: Duration = .seconds(3)) async throws -> ProbeResult {
        try await withHealthChecker { await $0.check(ProbeSpec(kind: kind, timeout: timeout)) }
    }

    private func amqp(port: Int? = nil, vhost: String = "/", passwordFile: String? = nil) throws -> ProbeKind {
        .amqp(AMQPCheck(host: "127.0.0.1", port: try port ?? mq.port, vhost: vhost, user: "guest", passwordFile: try passwordFile ?? mq.passwordFile))
    }

    @Test("publish and get back a message")
    func roundTrip() async throws {
        // The listener opens before the broker finishes booting: allow it a moment (a first
        // boot on a fresh machine is the slowest).
        let probe = try amqp()
        #expect(await eventually(within: .seconds(60)) { (try? await check(probe).passed) == true })
        let result = try await check(probe)
        #expect(result.passed, "\(result.message)")
        #expect(result.duration < .seconds(1))
    }

    @Test("bad credentials and an unknown vhost fail")
    func refusedLogin() async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        try dir.write("bad.pass", "wrong\n")
        let denied = try await check(amqp(passwordFile: dir.file("bad.pass")))
        #expect(!denied.passed && denied.message.contains("login"), "\(denied.message)")
        let vhost = try await check(amqp(vhost: "no-such-vhost"))
        #expect(!vhost.passed, "\(vhost.message)")
    }

    @Test("refused; accepting but never answering is bounded by the timeout")
    func unreachable() async throws {
        let refused = try await check(amqp(port: freePort()))
        #expect(!refused.passed, "\(refused.message)")
        let silent = try SilentServer()
        defer { silent.close() }
        let started = ContinuousClock.now
        let hung = try await check(amqp(port: silent.port), timeout: .milliseconds(800))
        #expect(!hung.passed)
        #expect(ContinuousClock.now - started < .milliseconds(1500))
    }

    @Test("the broker goes away in the middle of the conversation")
    func cutMidCheck() async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let (proxy, port) = try await startProxy(dir: dir, to: try mq.port, mode: "cut")
        let cut = try await check(amqp(port: port))
        await proxy.stop()
        #expect(!cut.passed, "\(cut.message)")
        let (forward, forwardPort) = try await startProxy(dir: dir, to: try mq.port, mode: "forward")
        let through = try await check(amqp(port: forwardPort))
        await forward.stop()
        #expect(through.passed, "\(through.message)")
        let after = try await check(amqp(port: forwardPort))
        #expect(!after.passed)
    }
}
