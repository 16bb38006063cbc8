import Foundation
import Testing

/// Issue 10 §5 through the CLI: a configuration that validates never crashes a command,
/// and oversized input files are refused with a message naming them.
@Suite("vigil input limits")
struct InputLimitsCLITests {
    /// A probe timeout of 5 000 000 h used to validate and then trap `vigil health check`
    /// (SIGILL: the MySQL client's UInt32 timeout conversion overflowed).
    @Test func anAbsurdProbeTimeoutIsAnInputErrorNotACrash() throws {
        try CLIRunner.withTemporaryDirectory { directory in
            let file = directory.appendingPathComponent("c.yaml").path
            try """
            cluster: {name: t}
            nodes: [{name: n1}]
            resources:
              - name: db
                agent: process
                params: {command: [/bin/true]}
                health:
                  - mysql: {host: 127.0.0.1, port: 1, user: monitor}
                    timeout: 5000000h
            """.write(toFile: file, atomically: true, encoding: .utf8)
            let result = try CLIRunner.run(["health", "check", "db", "--config", file])
            #expect(result.status == 1, "stdout: \(result.stdout) stderr: \(result.stderr)")
            #expect(result.stderr.contains("\(file):9:") && result.stderr.contains("resources[0].health[0].timeout"), "\(result.stderr)")
        }
    }

    @Test func aConfigurationFileOverTheSizeLimitIsRefused() throws {
        try CLIRunner.withTemporaryDirectory { directory in
            let file = directory.appendingPathComponent("big.yaml").path
            let padding = "# " + String(repeating: "x", count: 1023) + "\n"
            try ("cluster: {name: t}\nnodes: [{name: n1}]\n" + String(repeating: padding, count: 4 * 1024 + 1))
                .write(toFile: file, atomically: true, encoding: .utf8)
            let result = try CLIRunner.run(["config", "validate", file])
            #expect(result.status == 1, "stdout: \(result.stdout) stderr: \(result.stderr)")
            #expect(result.stderr.contains("\(file): the file is larger than 4194304 bytes (4 MiB)"), "\(result.stderr)")
        }
    }
}
