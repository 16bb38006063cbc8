import Foundation
import Testing
import VigilHealth

@Suite("tcp, http and exec probes", .httpServers)
struct HTTPProbeTests {
    private var servers: HTTPServers {
        get throws { try #require(HTTPServers.current) }
    }

    private func check(_ kind: ProbeKind, timeout: Duration = .seconds(2)) async throws -> ProbeResult {
        try await withHealthChecker { await $0.check(ProbeSpec(kind: kind, timeout: timeout)) }
    }

    private func http(_ path: String, _ adjust: (inout HTTPCheck) -> Void = { _ in }) throws -> ProbeKind {
        var check = HTTPCheck(url: "http://127.0.0.1:\(try servers.httpPort)\(path)")
        adjust(&check)
        return .http(check)
    }

    @Test("tcp: connect passes; refused fails")
    func tcp() async throws {
        #expect(try await check(.tcp(TCPCheck(host: "127.0.0.1", port: servers.httpPort))).passed)
        let refused = try await check(.tcp(TCPCheck(host: "127.0.0.1", port: freePort())))
        #expect(!refused.passed)
        #expect(refused.message.contains("refused"), "\(refused.message)")
    }

    @Test("tcp and http: server stopped between checks")
    func serverStopped() async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let port = try freePort()
        let server = try await Background.start(
            "http.server", ["/usr/bin/python3", "-m", "http.server", "--bind", "127.0.0.1", String(port), "--directory", dir.path])
        try await waitForPort(port)
        let tcp = ProbeKind.tcp(TCPCheck(host: "127.0.0.1", port: port))
        let http = ProbeKind.http(HTTPCheck(url: "http://127.0.0.1:\(port)/"))
        #expect(try await check(tcp).passed)
        #expect(try await check(http).passed)
        await server.stop()
        #expect(try await !check(tcp).passed)
        #expect(try await !check(http).passed)
    }

    @Test("http: status, body match, headers, bad credentials")
    func httpAnswers() async throws {
        #expect(try await check(http("/ok")).passed)
        #expect(try await check(http("/ok") { $0.expectBody = "vigil o+k$" }).passed)
        let wrongBody = try await check(http("/ok") { $0.expectBody = "^goodbye" })
        #expect(!wrongBody.passed && wrongBody.message.contains("does not match"))
        let wrongStatus = try await check(http("/status/503"))
        #expect(!wrongStatus.passed && wrongStatus.message.contains("503"))
        #expect(try await check(http("/status/503") { $0.expectStatus = 503 }).passed)
        #expect(try await !check(http("/headers")).passed)
        #expect(try await check(http("/headers") { $0.headers = ["X-Probe": "vigil"] }).passed)
        #expect(try await check(http("/big") { $0.expectBody = "^needle" }).passed)
        let unauthorized = try await check(http("/auth") { $0.headers = ["Authorization": "Basic d3Jvbmc6d3Jvbmc="] })
        #expect(!unauthorized.passed && unauthorized.message.contains("401"))
        #expect(try await check(http("/auth") { $0.headers = ["Authorization": "Basic dmlnaWw6czNjcmV0"] }).passed)
        #expect(try await !check(http("/ok") { $0.expectBody = "([" }).passed)
    }

    @Test("http: timeout, refused, silent server, connection cut mid-response")
    func httpFailures() async throws {
        let started = ContinuousClock.now
        let slow = try await check(http("/slow"), timeout: .milliseconds(800))
        #expect(!slow.passed)
        #expect(ContinuousClock.now - started < .seconds(2))
        let refused = try await check(.http(HTTPCheck(url: "http://127.0.0.1:\(freePort())/")))
        #expect(!refused.passed)
        let silent = try SilentServer()
        defer { silent.close() }
        let silentStarted = ContinuousClock.now
        let silentResult = try await check(.http(HTTPCheck(url: "http://127.0.0.1:\(silent.port)/")), timeout: .milliseconds(800))
        #expect(!silentResult.passed)
        #expect(ContinuousClock.now - silentStarted < .seconds(2))
        let cut = try await check(http("/cut") { $0.expectBody = "partial" })
        #expect(!cut.passed)
    }

    @Test("https: ca-file trusts the self-signed server; without it verification fails; insecure skips it")
    func https() async throws {
        let url = "https://127.0.0.1:\(try servers.httpsPort)/ok"
        let trusted = try await check(.http(HTTPCheck(url: url, expectBody: "vigil", caFile: servers.caFile)))
        #expect(trusted.passed, "\(trusted.message)")
        let untrusted = try await check(.http(HTTPCheck(url: url)))
        #expect(!untrusted.passed)
        #expect(try await check(.http(HTTPCheck(url: url, insecure: true))).passed)
        let plainToTLS = try await check(.http(HTTPCheck(url: "http://127.0.0.1:\(servers.httpsPort)/ok")))
        #expect(!plainToTLS.passed)
    }

    @Test("exec: exit status, missing binary, timeout")
    func exec() async throws {
        #expect(try await check(.exec(ExecCheck(command: ["/bin/true"]))).passed)
        let failed = try await check(.exec(ExecCheck(command: ["/bin/sh", "-c", "echo broken; exit 4"])))
        #expect(!failed.passed && failed.message.contains("exit 4") && failed.message.contains("broken"))
        #expect(try await check(.exec(ExecCheck(command: ["/bin/sh", "-c", "exit 4"], expectExit: 4))).passed)
        let missing = try await check(.exec(ExecCheck(command: ["/nonexistent/check"])))
        #expect(!missing.passed && missing.message.contains("not installed"))
        let started = ContinuousClock.now
        let hung = try await check(.exec(ExecCheck(command: ["/bin/sleep", "30"])), timeout: .milliseconds(500))
        #expect(!hung.passed && hung.timedOut)
        #expect(ContinuousClock.now - started < .seconds(2))
    }
}
