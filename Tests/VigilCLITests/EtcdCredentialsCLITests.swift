import Foundation
import Testing

/// Issue 10 §3: etcd credentials never cross a network in the clear unless the operator
/// says so, and a password file must be a small file. Every case is refused before any
/// connection is made (the non-loopback address is never contacted).
@Suite("CLI: etcd credentials")
struct EtcdCredentialsCLITests {
    static func clientFile(_ directory: URL, etcd: String, password: String) throws -> String {
        let passwordFile = directory.appendingPathComponent("etcd.password")
        try password.write(to: passwordFile, atomically: true, encoding: .utf8)
        let file = directory.appendingPathComponent("vigil.yaml")
        try "etcd: [\(etcd)]\nuser: vigil\npassword-file: \(passwordFile.path)\n".write(to: file, atomically: true, encoding: .utf8)
        return file.path
    }

    @Test func aPasswordOverPlainHTTPToAnotherHostIsRefused() throws {
        try CLIRunner.withTemporaryDirectory { directory in
            let file = try Self.clientFile(directory, etcd: "http://198.18.0.10:2379", password: "CanaryEtcd42\n")
            let result = try CLIRunner.run(["status", "--client-config", file])
            #expect(result.status != 0)
            #expect(result.stderr.contains("refusing to send the etcd password in the clear to http://198.18.0.10:2379"), "\(result.stderr)")
            #expect(result.stderr.contains("--insecure"))
            #expect(!result.stderr.contains("CanaryEtcd42") && !result.stdout.contains("CanaryEtcd42"))
        }
    }

    @Test func loopbackIsNotRefused() throws {
        try CLIRunner.withTemporaryDirectory { directory in
            // Nothing listens there: the command fails to connect, but is not refused.
            let file = try Self.clientFile(directory, etcd: "http://127.0.0.1:9", password: "CanaryEtcd42\n")
            let result = try CLIRunner.run(["status", "--client-config", file])
            #expect(result.status != 0)
            #expect(!result.stderr.contains("refusing to send"), "\(result.stderr)")
            #expect(!result.stderr.contains("CanaryEtcd42"))
        }
    }

    @Test func aPasswordFileLargerThan64KiBIsRefused() throws {
        try CLIRunner.withTemporaryDirectory { directory in
            let file = try Self.clientFile(directory, etcd: "http://127.0.0.1:9", password: String(repeating: "x", count: 65 * 1024))
            let result = try CLIRunner.run(["status", "--client-config", file])
            #expect(result.status != 0)
            #expect(result.stderr.contains("larger than 64 KiB"), "\(result.stderr)")
        }
    }
}
