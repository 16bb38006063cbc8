import Foundation
import Testing
import VigilCommand

/// End-to-end: the built `vigil` binary (next to the test bundle) on a config file.
@Suite("vigil resource run / vigil health check")
struct CLITests {
    private static var vigil: String {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("vigil").path
    }

    private func run(_ arguments: [String]) async throws -> (status: Int32?, output: String) {
        let binary = Self.vigil
        #expect(FileManager.default.isExecutableFile(atPath: binary), "no vigil binary at \(binary)")
        let result = try await CommandRunner().run(Command(executable: binary, arguments: arguments, inheritEnvironment: true, timeout: .seconds(30)))
        return (result.exitStatus, result.output)
    }

    private func config(_ dir: TempDir) throws -> String {
        try dir.write(
            "cluster.yaml",
            """
            cluster:
              name: cli-test
            nodes:
              - name: n1
            resources:
              - name: dummy
                agent: ocf:heartbeat:Dummy
                params: {state: \(dir.file("dummy.state"))}
              - name: stateful
                agent: ocf:pacemaker:Stateful
                params: {state: \(dir.file("stateful.state"))}
                promotable: {max: 1, promoted-max: 1}
              - name: ipaddr
                agent: ocf:heartbeat:IPaddr2
              - name: missing
                agent: ocf:heartbeat:NoSuchAgentForVigil
              - name: short
                agent: process
                params: {command: [/bin/sh, -c, "echo hello; exit 3"]}
              - name: checked
                agent: process
                params: {command: [/bin/true]}
                health:
                  - exec: {command: [/bin/true]}
                  - tcp: {host: 127.0.0.1, port: \(try closedPort())}
              - name: healthy
                agent: process
                params: {command: [/bin/true]}
                health:
                  - exec: {command: [/bin/sh, -c, "exit 2"], expect-exit: 2}

            """)
        return dir.file("cluster.yaml")
    }

    private func closedPort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    @Test("resource run: OCF lifecycle, promotion, validation, missing agent, exit codes")
    func resourceRun() async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let file = try config(dir)
        let common = ["--config", file, "--runtime-directory", dir.file("run")]
        #expect(try await run(["resource", "run", "monitor", "dummy"] + common).status == 7)
        #expect(try await run(["resource", "run", "start", "dummy"] + common).status == 0)
        #expect(try await run(["resource", "run", "monitor", "dummy"] + common).status == 0)
        #expect(try await run(["resource", "run", "stop", "dummy"] + common).status == 0)
        #expect(try await run(["resource", "run", "start", "stateful"] + common).status == 0)
        #expect(try await run(["resource", "run", "promote", "stateful"] + common).status == 0)
        #expect(try await run(["resource", "run", "monitor", "stateful"] + common).status == 8)
        #expect(try await run(["resource", "run", "stop", "stateful"] + common).status == 8)  // Stateful refuses while promoted
        #expect(try await run(["resource", "run", "demote", "stateful"] + common).status == 0)
        #expect(try await run(["resource", "run", "stop", "stateful"] + common).status == 0)
        let metadata = try await run(["resource", "run", "meta-data", "dummy"] + common)
        #expect(metadata.status == 0 && metadata.output.contains("<resource-agent name=\"Dummy\""))
        let invalid = try await run(["resource", "run", "validate", "ipaddr"] + common)
        #expect(invalid.status == 6 && invalid.output.contains("'ip'"), "\(invalid.output)")
        let missing = try await run(["resource", "run", "start", "missing"] + common)
        #expect(missing.status == 5 && missing.output.contains("NoSuchAgentForVigil"))
        let process = try await run(["resource", "run", "start", "short"] + common)
        #expect(process.status == 1 && process.output.contains("hello") == false && process.output.contains("status 3"))
        #expect(try await run(["resource", "run", "start", "nonexistent"] + common).status == 1)
        #expect(try await run(["resource", "run", "frobnicate", "dummy"] + common).status == 1)
    }

    @Test("health check: prints each result; exit 0 only when all pass")
    func healthCheck() async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let file = try config(dir)
        let failing = try await run(["health", "check", "checked", "--config", file])
        #expect(failing.status == 1)
        #expect(failing.output.contains("PASS exec") && failing.output.contains("FAIL tcp") && failing.output.contains("refused"))
        let passing = try await run(["health", "check", "healthy", "--config", file])
        #expect(passing.status == 0 && passing.output.contains("PASS exec"))
    }

    @Test("config validate: required OCF parameters come from the agent's meta-data, with their position")
    func configValidateChecksAgentMetadata() async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let file = try config(dir)
        let result = try await run(["config", "validate", file])
        #expect(result.status == 1)
        // `ipaddr` (ocf:heartbeat:IPaddr2) has no `ip`, which its meta-data marks required; its entry is line 13.
        #expect(result.output.contains("\(file):13:5: resources[2].params: ipaddr: agent IPaddr2 requires parameter 'ip'"), "\(result.output)")
        #expect(result.output.contains("note: missing: ocf:heartbeat:NoSuchAgentForVigil is not installed on this host"))
        #expect(!result.output.contains("resources[0]"), "Dummy has no required parameter")
        let skipped = try await run(["config", "validate", "--no-agents", file])
        #expect(skipped.status == 0, "\(skipped.output)")
    }
}
