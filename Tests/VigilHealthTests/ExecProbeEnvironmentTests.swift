import Foundation
import Testing
import VigilHealth

#if canImport(Glibc)
import Glibc
#endif

/// An exec probe runs with a fixed, minimal environment plus its own variables, never the
/// agent's (issue 10 §4).
@Suite("exec probe environment")
struct ExecProbeEnvironmentTests {
    static let canary: String = {
        setenv("VIGIL_TEST_PROBE_CANARY", "leaked-from-the-agent", 1)
        return "VIGIL_TEST_PROBE_CANARY"
    }()

    @Test("an exec probe does not see the agent's environment")
    func cleanEnvironment() async throws {
        #expect(getenv(Self.canary) != nil)
        let dir = try TempDir()
        defer { dir.remove() }
        let file = dir.path + "/env"
        let probe = ProbeSpec(
            name: "env", kind: .exec(ExecCheck(command: ["/bin/sh", "-c", "/usr/bin/env > \(file)"], environment: ["EXTRA": "1"])),
            interval: .seconds(10), timeout: .seconds(10))
        let result = try await withHealthChecker { checker in await checker.check(probe) }
        #expect(result.passed, "\(result.message)")
        let text = (try? String(contentsOfFile: file, encoding: .utf8)) ?? ""
        var variables: [String: String] = [:]
        for line in text.split(separator: "\n") {
            guard let equals = line.firstIndex(of: "=") else { continue }
            variables[String(line[..<equals])] = String(line[line.index(after: equals)...])
        }
        for shellOwn in ["PWD", "SHLVL", "_"] { variables[shellOwn] = nil }
        #expect(variables == ["PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C", "EXTRA": "1"], "\(text)")
    }
}
