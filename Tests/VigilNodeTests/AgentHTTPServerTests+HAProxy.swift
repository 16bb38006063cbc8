import Foundation
import Testing
import VigilNode
import VigilCluster

private let haproxyPath = "/usr/sbin/haproxy"

extension AgentHTTPServerTests {
    /// Real HAProxy (lab/debian-packages.txt) checks the server with `option httpchk`: the
    /// backend server goes UP while the provider says healthy, DOWN when it does not.
    /// (No skip when HAProxy is missing: `.ci/run` installs it, and a test that passes
    /// without its server proves nothing.)
    @Test("HAProxy option httpchk marks the server UP and DOWN")
    func haproxyHTTPCheck() async throws {
        let agent = Self.agent()
        try await withAgentServer(agent) { port in
            let statsPort = try FreePorts.take(1)[0]
            try await withHAProxy(
                """
                global
                    maxconn 64
                defaults
                    mode http
                    timeout connect 2s
                    timeout client 10s
                    timeout server 10s
                    timeout check 2s
                listen stats
                    bind 127.0.0.1:\(statsPort)
                    stats enable
                    stats uri /stats
                backend be_web
                    option httpchk GET /health/web
                    http-check expect status 200
                    server vigil 127.0.0.1:\(port) check inter 200ms fall 2 rise 2
                """
            ) {
                try await eventually("the server to go UP") { try await serverStatus(statsPort) == "UP" }
                await agent.set("web", .init(state: .started, healthy: false, probes: ["http: down (500)"]))
                try await eventually("the server to go DOWN") { try await serverStatus(statsPort) == "DOWN" }
                await agent.set("web", .init(state: .stopped, healthy: false))
                try await eventually("the server to stay DOWN") { try await serverStatus(statsPort) == "DOWN" }
                await agent.set("web", .init(state: .started, healthy: true))
                try await eventually("the server to go UP again") { try await serverStatus(statsPort) == "UP" }
            }
        }
    }
}

/// The `status` column of backend `be_web`, server `vigil`, in HAProxy's CSV statistics.
private func serverStatus(_ statsPort: Int) async throws -> String? {
    let csv = try await RawHTTP.get("/stats;csv", port: statsPort).body
    let lines = csv.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
    guard let header = lines.first, let column = header.firstIndex(of: "status") else {
        throw TestFailure("no status column in:\n\(csv)")
    }
    let row = lines.first { $0.count > column && $0[0] == "be_web" && $0[1] == "vigil" }
    return row.map { String($0[column]) }
}

/// Runs HAProxy in the foreground with `config` in a temporary directory during `body`;
/// stops it by its PID and removes the directory afterwards.
private func withHAProxy(_ config: String, _ body: () async throws -> Void) async throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-haproxy-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let configFile = directory.appendingPathComponent("haproxy.cfg")
    try (config + "\n").write(to: configFile, atomically: true, encoding: .utf8)
    let logFile = directory.appendingPathComponent("haproxy.log")
    _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
    let log = try FileHandle(forWritingTo: logFile)
    defer { try? log.close() }

    let process = Process()
    process.executableURL = URL(fileURLWithPath: haproxyPath)
    process.arguments = ["-db", "-f", configFile.path]
    process.standardOutput = log
    process.standardError = log
    try process.run()
    defer {
        if process.isRunning { kill(process.processIdentifier, SIGTERM) }
        process.waitUntilExit()
    }
    do {
        try await body()
    } catch {
        let output = (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
        throw TestFailure("\(error)\nhaproxy output:\n\(output)")
    }
}
