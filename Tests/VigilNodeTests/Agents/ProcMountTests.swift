import Foundation
import Testing

/// An agent in a PID namespace whose `/proc` is another namespace's refuses to start, with an
/// error saying what to do (the dispatch runtime would otherwise kill it with a trap at a
/// random moment: docs/agent.md, "Running it").
@Suite("Agent start: a /proc of its own PID namespace")
struct ProcMountTests {
    @Test func anAgentWithoutAProcOfItsPIDNamespaceRefusesToStart() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-procmount-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = directory.appendingPathComponent("cluster.yaml")
        try """
            cluster: {name: solo}
            nodes: [{name: solo1}]
            resources: []

            """.write(to: config, atomically: true, encoding: .utf8)
        let agent = [
            "agent", "--standalone", "--config", config.path, "--state-dir", directory.appendingPathComponent("state").path,
            "--runtime-dir", directory.appendingPathComponent("run").path, "--listen", "127.0.0.1:0", "--cgroup-root", "off",
        ]
        let refused = try VigilBinary.run(agent, in: directory, timeout: 30, launcher: ["/usr/bin/unshare", "--pid", "--fork"])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("/proc belongs to another PID namespace"), "\(refused.stderr)")
        #expect(refused.stderr.contains("--mount-proc"), "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("state").path), "nothing was made")
    }
}
