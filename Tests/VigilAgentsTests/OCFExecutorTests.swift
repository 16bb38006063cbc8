import Foundation
import Testing
import VigilAgents

@Suite("OCF resource agents")
struct OCFExecutorTests {
    private func executor(_ spec: OCFAgentSpec, _ dir: TempDir) throws -> OCFExecutor {
        try OCFExecutor(spec: spec, runtimeDirectory: dir.file("run"))
    }

    @Test("ocf:heartbeat:Dummy start, monitor, stop")
    func dummyLifecycle() async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let spec = try OCFAgentSpec(instance: "dummy", agent: "ocf:heartbeat:Dummy", parameters: ["state": dir.file("dummy.state")])
        let dummy = try executor(spec, dir)
        #expect(await dummy.perform(ActionRequest(.monitor)).code == .notRunning)
        #expect(await dummy.perform(ActionRequest(.start)).code == .success)
        #expect(await dummy.perform(ActionRequest(.monitor, interval: .seconds(10))).code == .success)
        #expect(await dummy.perform(ActionRequest(.validate)).code == .success)
        #expect(await dummy.perform(ActionRequest(.stop)).code == .success)
        #expect(await dummy.perform(ActionRequest(.monitor)).code == .notRunning)
        #expect(await dummy.perform(ActionRequest(.stop)).code == .success)
    }

    @Test("ocf:pacemaker:Stateful as a promotable clone, with promotion scores")
    func statefulPromotable() async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        var spec = OCFAgentSpec(
            instance: "stateful", provider: "pacemaker", type: "Stateful", parameters: ["state": dir.file("stateful.state")])
        spec.clone = CloneMeta(instance: 0, cloneMax: 2, promotable: true, promotedMax: 1, notify: true)
        let agent = try executor(spec, dir)
        let start = await agent.perform(ActionRequest(.start))
        #expect(start.code == .success)
        #expect(start.promotionScore == 5)
        #expect(await agent.perform(ActionRequest(.monitor, interval: .seconds(10))).code == .success)
        let promote = await agent.perform(ActionRequest(.promote))
        #expect(promote.code == .success)
        #expect(promote.promotionScore == 10)
        #expect(await agent.perform(ActionRequest(.monitor, interval: .seconds(10))).code == .runningPromoted)
        let notify = await agent.perform(
            ActionRequest(.notify, notification: ["type": "post", "operation": "promote", "promote_uname": "n1"]))
        #expect(notify.code == .success)
        #expect(await agent.perform(ActionRequest(.demote)).code == .success)
        #expect(await agent.perform(ActionRequest(.monitor, interval: .seconds(10))).code == .success)
        #expect(await agent.perform(ActionRequest(.stop)).code == .success)
        #expect(await agent.perform(ActionRequest(.monitor)).code == .notRunning)
    }

    @Test("meta-data is parsed; missing required parameters are rejected")
    func metadataValidation() async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let ipaddr = try executor(try OCFAgentSpec(instance: "vip", agent: "ocf:heartbeat:IPaddr2"), dir)
        let metadata = try await ipaddr.metadata()
        #expect(metadata.name == "IPaddr2")
        #expect(metadata.requiredParameters.map(\.name) == ["ip"])
        #expect(metadata.actions.contains("monitor"))
        #expect(metadata.parameters.contains { $0.name == "cidr_netmask" && !$0.required })
        let problems = try await ipaddr.validateParameters()
        #expect(problems.count == 1)
        #expect(problems.first?.contains("'ip'") == true)
        let configured = try executor(
            try OCFAgentSpec(instance: "vip", agent: "ocf:heartbeat:IPaddr2", parameters: ["ip": "198.18.0.10"]), dir)
        #expect(try await configured.validateParameters().isEmpty)
        #expect(throws: AgentsError.self) { try OCFMetadata(xml: "<resource-agent name='x'><parameters>") }
        #expect(throws: AgentsError.self) { try OCFAgentSpec(instance: "x", agent: "ocf:../../bin:sh") }
        #expect(throws: AgentsError.self) {
            try OCFExecutor(spec: OCFAgentSpec(instance: "x", provider: "heartbeat", type: "Dummy", parameters: ["a;b": "1"]))
        }
    }

    @Test("a missing agent is OCF_ERR_INSTALLED with a clear message")
    func missingAgent() async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let agent = try executor(try OCFAgentSpec(instance: "x", agent: "ocf:heartbeat:NoSuchAgentVigil"), dir)
        let result = await agent.perform(ActionRequest(.start))
        #expect(result.code == .notInstalled)
        #expect(result.output.contains("NoSuchAgentVigil"))
    }

    /// An OCF root with the system's shell functions and agents written by the test.
    private func testRoot(_ dir: TempDir, agents: [String: String]) throws -> String {
        let root = dir.file("ocf")
        try FileManager.default.createDirectory(atPath: root + "/resource.d/test", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: root + "/lib", withDestinationPath: "/usr/lib/ocf/lib")
        for (name, body) in agents {
            let path = root + "/resource.d/test/" + name
            try ("#!/bin/sh\n" + body).write(toFile: path, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
        }
        return root
    }

    @Test("the OCF environment: instance, params, meta timeout/interval, clone variables")
    func environment() async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let root = try testRoot(dir, agents: ["Env": "env > \"$OCF_RESKEY_out\"\nexit 7\n"])
        var spec = OCFAgentSpec(
            instance: "env", provider: "test", type: "Env",
            parameters: ["out": dir.file("env.txt"), "weird": "a b'c\"$(id)"], ocfRoot: root)
        spec.clone = CloneMeta(instance: 1, cloneMax: 3, promotable: true, promotedMax: 1, globallyUnique: true)
        let result = await (try executor(spec, dir)).perform(ActionRequest(.monitor, timeout: .seconds(7), interval: .milliseconds(2500)))
        #expect(result.code == .notRunning)
        let env = try #require(dir.read("env.txt"))
        for line in [
            "OCF_ROOT=\(root)", "OCF_RESOURCE_INSTANCE=env:1", "OCF_RESOURCE_TYPE=Env", "OCF_RESOURCE_PROVIDER=test",
            "OCF_RESKEY_weird=a b'c\"$(id)", "OCF_RESKEY_CRM_meta_timeout=7000", "OCF_RESKEY_CRM_meta_interval=2500",
            "OCF_RESKEY_CRM_meta_clone=1", "OCF_RESKEY_CRM_meta_clone_max=3", "OCF_RESKEY_CRM_meta_promotable=true",
            "OCF_RESKEY_CRM_meta_promoted_max=1", "OCF_RESKEY_CRM_meta_master_max=1",
        ] {
            #expect(env.split(separator: "\n").contains(Substring(line)), "missing \(line)")
        }
    }

    @Test("an action past its timeout is killed with its process group")
    func timeout() async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let root = try testRoot(dir, agents: ["Slow": "sleep 300 &\necho $! > \"$OCF_RESKEY_pidfile\"\nwait\n"])
        let spec = OCFAgentSpec(instance: "slow", provider: "test", type: "Slow", parameters: ["pidfile": dir.file("pid")], ocfRoot: root)
        let started = ContinuousClock.now
        let result = await (try executor(spec, dir)).perform(ActionRequest(.start, timeout: .milliseconds(500)))
        #expect(result.code == .genericError)
        #expect(result.timedOut)
        #expect(ContinuousClock.now - started < .seconds(3))
        let pid = try #require(dir.read("pid").flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) })
        #expect(await eventually { processIsGone(pid) })
    }

    @Test("an agent printing megabytes cannot hurt the caller")
    func noisyAgent() async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let root = try testRoot(dir, agents: ["Noisy": "head -c 30000000 /dev/zero | tr '\\\\0' x\nexit 0\n"])
        let spec = OCFAgentSpec(instance: "noisy", provider: "test", type: "Noisy", ocfRoot: root, outputLimit: 16 * 1024)
        let result = await (try executor(spec, dir)).perform(ActionRequest(.start, timeout: .seconds(20)))
        #expect(result.code == .success)
        #expect(result.output.utf8.count < 17 * 1024)
        #expect(result.output.contains("more bytes of output discarded"))
    }
}
