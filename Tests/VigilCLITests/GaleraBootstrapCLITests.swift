import Foundation
import Testing

/// `vigil galera bootstrap NODE --force` (issue 11): the argument handling. What it writes
/// is `ClusterClient.forceGaleraBootstrap`'s, tested against the in-memory store in
/// VigilNodeTests.
@Suite("vigil galera bootstrap")
struct GaleraBootstrapCLITests {
    /// Options that name an etcd nobody listens on, and no client file.
    static let nowhere = ["--etcd", "http://127.0.0.1:1", "--client-config", "/nonexistent/vigil.yaml"]

    @Test func withoutForceItExplainsAndRefusesWithoutConnecting() throws {
        let result = try CLIRunner.run(["galera", "bootstrap", "n2", "--reason", "n1 is gone"] + Self.nowhere)
        #expect(result.status == 1, "stdout: \(result.stdout) stderr: \(result.stderr)")
        #expect(result.stdout == "")
        #expect(result.stderr.hasPrefix("refusing without --force: this makes n2 form a new cluster of the galera resource from its own data"), "\(result.stderr)")
        #expect(result.stderr.contains("Transactions committed on the other nodes but not on n2 are lost"), "\(result.stderr)")
        #expect(result.stderr.contains("vigil galera bootstrap n2 --force --reason \"WHY\""), "\(result.stderr)")
        #expect(!result.stderr.contains("cannot reach etcd"), "\(result.stderr)")
        let named = try CLIRunner.run(["galera", "bootstrap", "n2", "--resource", "db"] + Self.nowhere)
        #expect(named.status == 1)
        #expect(named.stderr.contains("a new cluster of galera resource db"), "\(named.stderr)")
    }

    @Test func withForceItGoesToEtcd() throws {
        let result = try CLIRunner.run(["galera", "bootstrap", "n2", "--force", "--reason", "n1 is gone"] + Self.nowhere)
        #expect(result.status == 1, "stdout: \(result.stdout) stderr: \(result.stderr)")
        #expect(result.stderr.hasPrefix("cannot reach etcd at http://127.0.0.1:1"), "\(result.stderr)")
        #expect(result.stdout == "")
    }

    @Test func aNodeIsRequiredAndTheReasonIsBounded() throws {
        let missing = try CLIRunner.run(["galera", "bootstrap", "--force"] + Self.nowhere)
        #expect(missing.status == 64, "stdout: \(missing.stdout) stderr: \(missing.stderr)")
        #expect(missing.stderr.contains("Missing expected argument '<node>'"), "\(missing.stderr)")
        let long = try CLIRunner.run(["galera", "bootstrap", "n2", "--force", "--reason", String(repeating: "x", count: 1001)] + Self.nowhere)
        #expect(long.status == 64, "stdout: \(long.stdout) stderr: \(long.stderr)")
        #expect(long.stderr.contains("--reason is 1001 characters long; at most 1000 are kept"), "\(long.stderr)")
    }

    @Test func theGroupIsListed() throws {
        let help = try CLIRunner.run(["galera", "--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("bootstrap"), "\(help.stdout)")
        let top = try CLIRunner.run(["--help"])
        #expect(top.stdout.contains("galera"), "\(top.stdout)")
    }
}
