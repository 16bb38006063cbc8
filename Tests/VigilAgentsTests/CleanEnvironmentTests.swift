import Foundation
import Testing
import VigilAgents
import VigilCommand

#if canImport(Glibc)
import Glibc
#endif

/// A variable set in the agent's own environment, which no child may see.
enum Canary {
    static let name: String = {
        setenv("VIGIL_TEST_CANARY", "leaked-from-the-agent", 1)
        return "VIGIL_TEST_CANARY"
    }()
}

/// Children the agent runs (fence agents, `ip` and the VIP tools, OCF agents, supervised
/// processes, plain commands) get a fixed, minimal environment, never the agent's own
/// (issue 10 §4): its secrets and settings must not leak, and nothing in it may steer them.
@Suite("clean child environments")
struct CleanEnvironmentTests {
    /// A script that writes its environment to `file`, then exits with `status`.
    static func dumper(_ file: String, status: Int = 0) -> String {
        "#!/bin/sh\ncat >/dev/null\n/usr/bin/env > \(file)\nexit \(status)\n"
    }

    /// The variables in `env` output (shells add PWD, SHLVL, _ of their own).
    static func variables(_ text: String?) -> [String: String] {
        var variables: [String: String] = [:]
        for line in (text ?? "").split(separator: "\n") {
            guard let equals = line.firstIndex(of: "=") else { continue }
            variables[String(line[..<equals])] = String(line[line.index(after: equals)...])
        }
        variables["PWD"] = nil
        variables["SHLVL"] = nil
        variables["_"] = nil
        return variables
    }

    static let fixed = ["PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C"]

    @Test("a fence agent sees only PATH and LANG")
    func fenceAgent() async throws {
        #expect(getenv(Canary.name) != nil)
        let dir = try TempDir()
        defer { dir.remove() }
        try dir.write("fence_vigilenv", Self.dumper(dir.file("env")), mode: 0o755)
        let device = FenceDeviceSpec(name: "env", agent: "fence_vigilenv", nodes: ["n1"], searchPath: [dir.path])
        #expect(await FenceAgentRunner().run(.off, device: device, node: "n1").succeeded)
        #expect(Self.variables(dir.read("env")) == Self.fixed, "\(dir.read("env") ?? "no environment written")")
    }

    @Test("ip (and the other VIP tools) see only PATH and LANG")
    func ipTool() async throws {
        #expect(getenv(Canary.name) != nil)
        let dir = try TempDir()
        defer { dir.remove() }
        try dir.write("ip", Self.dumper(dir.file("env"), status: 1), mode: 0o755)
        // In a named namespace, so that the monitor runs `ip -n` (in the agent's own
        // namespace it reads the addresses in-process).
        let spec = VIPSpec(name: "vip", ip: "198.18.0.77", cidr: 24, interface: "eth0", namespace: "vigil-env-test")
        let vip = VIPExecutor(spec: spec, searchPath: [dir.path])
        _ = await vip.perform(ActionRequest(.monitor))
        #expect(Self.variables(dir.read("env")) == Self.fixed, "\(dir.read("env") ?? "no environment written")")
    }

    @Test("a plain command sees only PATH, LANG and what it sets; inheriting is explicit")
    func plainCommand() async throws {
        #expect(getenv(Canary.name) != nil)
        let clean = try await CommandRunner().run(Command(executable: "/usr/bin/env", environment: ["EXTRA": "1"]))
        #expect(Self.variables(clean.output) == Self.fixed.merging(["EXTRA": "1"]) { $1 }, "\(clean.output)")
        let inherited = try await CommandRunner().run(Command(executable: "/usr/bin/env", inheritEnvironment: true))
        #expect(inherited.output.contains("\(Canary.name)="), "\(inherited.output)")
    }

    @Test("an OCF agent sees the OCF variables and the fixed PATH, LANG and SHELL only")
    func ocfAgent() async throws {
        #expect(getenv(Canary.name) != nil)
        let dir = try TempDir()
        defer { dir.remove() }
        try FileManager.default.createDirectory(atPath: dir.file("ocf/resource.d/vigiltest"), withIntermediateDirectories: true)
        try dir.write("ocf/resource.d/vigiltest/EnvDump", Self.dumper(dir.file("env")), mode: 0o755)
        let spec = OCFAgentSpec(instance: "dump", provider: "vigiltest", type: "EnvDump", parameters: ["a": "1"], ocfRoot: dir.file("ocf"))
        let agent = try OCFExecutor(spec: spec, runtimeDirectory: dir.file("run"))
        #expect(await agent.perform(ActionRequest(.monitor)).code == .success)
        let variables = Self.variables(dir.read("env"))
        #expect(variables[Canary.name] == nil, "\(variables)")
        #expect(variables["OCF_ROOT"] == dir.file("ocf") && variables["OCF_RESKEY_a"] == "1", "\(variables)")
        #expect(variables["LANG"] == "C", "\(variables)")
        // SHELL: ocf-shellfuncs runs crm_mon through "$SHELL -c" with a bash process substitution.
        #expect(variables["SHELL"] == "/bin/bash", "\(variables)")
        #expect(variables["PATH"]?.hasPrefix(dir.file("run") + "/bin:") == true, "Vigil's Pacemaker tools first: \(variables)")
        let allowed: Set<String> = ["PATH", "LANG", "SHELL", "HA_SBIN_DIR", "VIGIL_PROMOTION_FILE"]
        let unexpected = variables.keys.filter { !$0.hasPrefix("OCF_") && !allowed.contains($0) }
        #expect(unexpected.isEmpty, "unexpected variables: \(unexpected.sorted())")
    }

    @Test("a supervised process sees PATH, LANG and its own env only")
    func process() async throws {
        #expect(getenv(Canary.name) != nil)
        let dir = try TempDir()
        defer { dir.remove() }
        let executor = ProcessExecutor(
            spec: ProcessSpec(name: "env", command: ["/usr/bin/env"], environment: ["EXTRA": "1"], logFile: dir.file("env")))
        var events = executor.events.makeAsyncIterator()
        #expect(await executor.perform(ActionRequest(.start)).code == .success)
        _ = await events.next()
        let variables = Self.variables(dir.read("env"))
        #expect(variables[Canary.name] == nil && variables["EXTRA"] == "1" && variables["LANG"] == "C", "\(variables)")
    }
}
