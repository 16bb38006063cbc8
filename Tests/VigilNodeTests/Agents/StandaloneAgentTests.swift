import Foundation
import Glibc
import Testing

/// `vigil agent --standalone`: a one-node cluster on the in-process store, no etcd; its
/// state survives a restart of the agent.
@Suite("Standalone agent")
struct StandaloneAgentTests {
    @Test func runsTheServiceStopsItOnSIGTERMAndRunsItAgainAfterARestart() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-standalone-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let ports = try FreePorts.take(2)
        let script = AgentNodes.webServerScript
        let config = directory.appendingPathComponent("cluster.yaml")
        try """
            cluster: {name: solo}
            nodes: [{name: solo1}]
            resources:
              - name: web
                agent: process
                params: {command: [/usr/bin/python3, \(script), "\(ports[0])", \(directory.path)/web.pid]}
                monitor: {interval: 1s, timeout: 5s}

            """.write(to: config, atomically: true, encoding: .utf8)
        for round in 1...2 {
            let process = Process()
            process.executableURL = AgentNodes.vigil
            process.arguments = [
                "agent", "--standalone", "--config", config.path, "--state-dir", directory.appendingPathComponent("state").path,
                "--runtime-dir", directory.appendingPathComponent("run").path, "--listen", "127.0.0.1:\(ports[1])",
            ]
            let log = directory.appendingPathComponent("agent\(round).log")
            _ = FileManager.default.createFile(atPath: log.path, contents: nil)
            process.standardError = try FileHandle(forWritingTo: log)
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            do {
                try await eventually("round \(round): web to serve", timeout: .seconds(30)) { httpOK(port: ports[0]) }
                try await eventually("round \(round): /health/web 200", timeout: .seconds(10)) {
                    httpStatus(port: ports[1], path: "/health/web") == 200
                }
                kill(process.processIdentifier, SIGTERM)
                try await eventually("round \(round): the agent to stop", timeout: .seconds(30)) { !process.isRunning }
                // A graceful stop stops what the agent runs.
                #expect(!httpOK(port: ports[0]))
                #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("state/store.json").path))
            } catch {
                kill(process.processIdentifier, SIGKILL)
                let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
                throw TestFailure("\(error)\n\(text.suffix(3000))")
            }
        }
    }
}
