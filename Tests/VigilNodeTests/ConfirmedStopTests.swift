import Foundation
import Glibc
import Testing
import VigilAgents
import VigilCommand
@testable import VigilNode
@testable import VigilCluster

/// A stop counts only when confirmed (``ConfirmedStop``): the pure rule, then real agents
/// in real cgroups (ocf:vigiltest:Stubborn, whose daemon leaves its session and ignores
/// SIGTERM, and whose stop hangs).
@Suite("Confirmed stops", .serialized)
struct ConfirmedStopTests {
    @Test(arguments: [
        // succeeded, has cgroup, populated after → step
        (true, false, false, ConfirmedStop.Step.done(confirmed: true)),
        (false, false, false, .done(confirmed: false)),
        (true, true, false, .done(confirmed: true)),
        (true, true, true, .kill),
        (false, true, false, .kill),
        (false, true, true, .kill),
    ])
    func afterTheAgentsStop(succeeded: Bool, hasCgroup: Bool, populated: Bool, step: ConfirmedStop.Step) {
        #expect(ConfirmedStop.afterStop(succeeded: succeeded, hasCgroup: hasCgroup, populated: populated) == step)
    }

    @Test func afterTheKill() {
        // Not emptied: never confirmed. Emptied after a successful stop: confirmed. Emptied
        // after a failed stop: a second stop decides (nil).
        #expect(ConfirmedStop.afterKill(firstSucceeded: true, emptied: false) == .done(confirmed: false))
        #expect(ConfirmedStop.afterKill(firstSucceeded: false, emptied: false) == .done(confirmed: false))
        #expect(ConfirmedStop.afterKill(firstSucceeded: true, emptied: true) == .done(confirmed: true))
        #expect(ConfirmedStop.afterKill(firstSucceeded: false, emptied: true) == nil)
    }

    /// A Stubborn instance (stop `mode`) started in a fresh cgroup (nil: none), with its
    /// daemon's PID; everything is killed and removed afterwards.
    static func withStubborn(
        stop mode: String, cgroup useCgroup: Bool = true,
        _ body: (OCFExecutor, ResourceCgroup?, pid_t) async throws -> Void
    ) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-stop-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let own = try #require(CgroupHierarchy.ownDirectory, "no cgroup2 file system")
        let cgroup = useCgroup ? ResourceCgroup(path: own + "/vigil-test-\(UUID().uuidString)") : nil
        let state = directory.appendingPathComponent("stubborn.pid").path
        var spec = OCFAgentSpec(
            instance: "stubborn", provider: "vigiltest", type: "Stubborn", parameters: ["state": state, "stop": mode],
            ocfRoot: try TestOCFRoot.make(in: directory))
        spec.cgroup = cgroup
        let executor = try OCFExecutor(spec: spec, runtimeDirectory: directory.appendingPathComponent("run").path)
        let started = await executor.perform(ActionRequest(.start, timeout: .seconds(10)))
        var daemon: pid_t?
        defer {
            if let daemon { Glibc.kill(daemon, SIGKILL) }
        }
        do {
            #expect(started.code == .success, "\(started.output)")
            daemon = pid_t((try? String(contentsOfFile: state, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "")
            try await body(executor, cgroup, try #require(daemon))
        } catch {
            await cgroup?.removeTree()
            throw error
        }
        #expect(await cgroup?.removeTree() ?? true)
    }

    static func alive(_ pid: pid_t) -> Bool { ProcessTable.isLive(pid) }

    static let budget = ConfirmedStop.Budget(stop: .milliseconds(300), kill: .seconds(2), confirm: .milliseconds(300))

    @Test func aStopThatHangsIsEscalatedButOnlyConfirmedByAStopThatSucceeds() async throws {
        try await Self.withStubborn(stop: "hang") { executor, cgroup, daemon in
            let outcome = await ConfirmedStop.perform(executor: executor, cgroup: cgroup, budget: Self.budget)
            #expect(outcome.escalated)
            #expect(!Self.alive(daemon), "the cgroup kill ends the daemon that left its session")
            // The kernel empties a killed cgroup shortly after its processes are reaped.
            if let cgroup { try await eventually("the killed cgroup to be empty", timeout: .seconds(2)) { !cgroup.isPopulated } }
            // The agent's stop hangs even with nothing left to stop: it cannot confirm
            // anything it might manage besides processes, so the stop stays unconfirmed.
            #expect(!outcome.confirmed, "\(outcome.result.output)")
            #expect(outcome.result.output.contains("killed cgroup"), "\(outcome.result.output)")
        }
    }

    @Test func aStopThatWaitsForItsDaemonIsConfirmedOnceTheCgroupIsKilled() async throws {
        try await Self.withStubborn(stop: "wait") { executor, cgroup, daemon in
            let outcome = await ConfirmedStop.perform(executor: executor, cgroup: cgroup, budget: Self.budget)
            #expect(outcome.escalated)
            #expect(outcome.confirmed, "\(outcome.result.output)")
            #expect(!Self.alive(daemon))
            #expect(outcome.result.code == .success)
        }
    }

    @Test func withoutACgroupAHungStopIsNotConfirmedAndTheDaemonRuns() async throws {
        try await Self.withStubborn(stop: "hang", cgroup: false) { executor, cgroup, daemon in
            let outcome = await ConfirmedStop.perform(executor: executor, cgroup: cgroup, budget: Self.budget)
            #expect(!outcome.escalated)
            #expect(!outcome.confirmed)
            #expect(Self.alive(daemon), "nothing else could reach the daemon")
        }
    }

    @Test func aStopThatSucceedsButLeavesADaemonIsCleanedUp() async throws {
        let own = try #require(CgroupHierarchy.ownDirectory)
        let cgroup = ResourceCgroup(path: own + "/vigil-test-\(UUID().uuidString)")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-stop-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let pidFile = directory.appendingPathComponent("daemon").path
        var spec = ProcessSpec(
            name: "forker",
            command: ["/bin/sh", "-c", "setsid /bin/sh -c 'echo $$ > \(pidFile); exec sleep 300' </dev/null >/dev/null 2>&1 & exec sleep 300"])
        spec.cgroup = cgroup
        let executor = ProcessExecutor(spec: spec)
        #expect(await executor.perform(ActionRequest(.start)).code == .success)
        try await eventually("the daemon's pid file", timeout: .seconds(10)) { FileManager.default.fileExists(atPath: pidFile) }
        let daemon = try #require(pid_t((try String(contentsOfFile: pidFile, encoding: .utf8)).trimmingCharacters(in: .whitespacesAndNewlines)))
        let outcome = await ConfirmedStop.perform(executor: executor, cgroup: cgroup, budget: Self.budget)
        #expect(outcome.confirmed)
        #expect(outcome.escalated, "the agent's stop succeeded, the daemon was left: killed")
        #expect(!Self.alive(daemon))
        #expect(await cgroup.removeTree())
    }
}
