import Foundation
import Testing
import VigilAgents

@Suite("process executor")
struct ProcessExecutorTests {
    @Test("start, monitor, stop; env, cwd, user and log file")
    func lifecycle() async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        chmod(dir.path, 0o777)
        let spec = ProcessSpec(
            name: "svc", command: ["/bin/sh", "-c", "echo \"x=$VIGIL_X\"; pwd; id -u; exec sleep 300"],
            environment: ["VIGIL_X": "1 2 $(id)"], workingDirectory: "/tmp", user: "nobody", logFile: dir.file("svc.log"))
        let executor = ProcessExecutor(spec: spec)
        #expect(await executor.perform(ActionRequest(.monitor)).code == .notRunning)
        #expect(await executor.perform(ActionRequest(.start)).code == .success)
        let pid = try #require(await executor.processID)
        #expect(await executor.perform(ActionRequest(.monitor)).code == .success)
        #expect(await eventually { dir.read("svc.log")?.contains("65534") == true })
        let log = dir.read("svc.log") ?? ""
        #expect(log.contains("x=1 2 $(id)"))
        #expect(log.contains("/tmp\n"))
        #expect(await executor.perform(ActionRequest(.stop, timeout: .seconds(5))).code == .success)
        #expect(await executor.perform(ActionRequest(.monitor)).code == .notRunning)
        #expect(processIsGone(pid))
    }

    @Test("an exit is noticed at once, through the child's exit")
    func exitNoticed() async throws {
        let executor = ProcessExecutor(spec: ProcessSpec(name: "short", command: ["/bin/sh", "-c", "sleep 0.3; exit 3"]))
        #expect(await executor.perform(ActionRequest(.start)).code == .success)
        let started = ContinuousClock.now
        var iterator = executor.events.makeAsyncIterator()
        let event = try #require(await iterator.next())
        let noticed = ContinuousClock.now - started
        #expect(event.termination == .exited(3))
        #expect(!event.expected)
        #expect(noticed < .milliseconds(600), "noticed after \(noticed)")
        #expect(await executor.perform(ActionRequest(.monitor)).code == .notRunning)
    }

    @Test("stop escalates to SIGKILL for the whole group after the stop timeout")
    func stopEscalates() async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let executor = ProcessExecutor(
            spec: ProcessSpec(
                name: "stubborn",
                command: ["/bin/sh", "-c", "trap '' TERM; sleep 300 & echo $! > \(dir.file("child")); while true; do sleep 1; done"]))
        #expect(await executor.perform(ActionRequest(.start)).code == .success)
        // The shell creates the file before it writes the PID: wait for a PID, not a file.
        let childPID = { dir.read("child").flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) } }
        #expect(await eventually { childPID() != nil })
        let child = try #require(childPID())
        let started = ContinuousClock.now
        let stop = await executor.perform(ActionRequest(.stop, timeout: .milliseconds(500)))
        let took = ContinuousClock.now - started
        #expect(stop.code == .success)
        #expect(stop.output.contains("SIGKILL"))
        #expect(took >= .milliseconds(500) && took < .seconds(5))
        #expect(await eventually { processIsGone(child) })
        var iterator = executor.events.makeAsyncIterator()
        let event = try #require(await iterator.next())
        #expect(event.expected)
        #expect(event.termination == .signaled(9))
    }

    @Test("a missing binary is not installed (5); an unknown user or cwd is not configured (6)")
    func badInput() async throws {
        let missing = ProcessExecutor(spec: ProcessSpec(name: "m", command: ["/usr/bin/vigil-missing-binary"]))
        let result = await missing.perform(ActionRequest(.start))
        #expect(result.code == .notInstalled)
        #expect(result.output.contains("vigil-missing-binary"))
        let user = ProcessExecutor(spec: ProcessSpec(name: "u", command: ["/bin/true"], user: "vigil-no-such-user"))
        #expect(await user.perform(ActionRequest(.start)).code == .notConfigured)
        let noDirectory = ProcessExecutor(spec: ProcessSpec(name: "d", command: ["/bin/true"], workingDirectory: "/nonexistent/dir"))
        #expect(await noDirectory.perform(ActionRequest(.start)).code == .notConfigured)
        let empty = ProcessExecutor(spec: ProcessSpec(name: "e", command: []))
        #expect(await empty.perform(ActionRequest(.validate)).code == .notConfigured)
        #expect(await empty.perform(ActionRequest(.promote)).code == .unimplemented)
    }

    @Test("a child that exits at once is still seen exiting", .timeLimit(.minutes(1)), arguments: 0..<5)
    func immediateExit(round: Int) async throws {
        let executor = ProcessExecutor(spec: ProcessSpec(name: "instant", command: ["/bin/true"]))
        #expect(await executor.perform(ActionRequest(.start)).code == .success)
        var iterator = executor.events.makeAsyncIterator()
        let event = try #require(await iterator.next())
        #expect(event.termination == .exited(0) && !event.expected)
        #expect(await executor.perform(ActionRequest(.monitor)).code == .notRunning)
    }
}
