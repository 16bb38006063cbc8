import Foundation
import Testing
import VigilCommand

#if canImport(Glibc)
import Glibc
#endif

@Suite("Command runner")
struct CommandRunnerTests {
    @Test("a missing program is reported as not installed")
    func missingProgram() async throws {
        let error = await #expect(throws: CommandError.self) {
            try await CommandRunner().run(Command(executable: "/nonexistent/vigil-no-such-program"))
        }
        #expect(error?.code == .notInstalled)
        #expect(error?.message.contains("vigil-no-such-program") == true)
        let byName = await #expect(throws: CommandError.self) {
            try await CommandRunner().run(Command(executable: "vigil-no-such-program-either"))
        }
        #expect(byName?.code == .notInstalled)
    }

    @Test("exit status, stdin and environment reach the child without a shell")
    func basics() async throws {
        // The file a shell would create lives in a fresh directory: a leftover
        // /tmp/should-not-exist (from anything) cannot fail the test.
        let dir = try TempDir()
        defer { dir.remove() }
        let canary = dir.file("should-not-exist")
        let result = try await CommandRunner().run(
            Command(
                executable: "/bin/sh", arguments: ["-c", "cat; echo \"[$VIGIL_X]\"; exit 3", "sh"],
                environment: ["VIGIL_X": "a b; $(touch \(canary))"], standardInput: "hello\n"))
        #expect(result.exitStatus == 3)
        #expect(result.output.contains("hello"))
        #expect(result.output.contains("[a b; $(touch \(canary))]"))
        #expect(!FileManager.default.fileExists(atPath: canary))
    }

    @Test("a timeout kills the whole process group")
    func timeoutKillsGroup() async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let started = ContinuousClock.now
        let result = try await CommandRunner().run(
            Command(
                executable: "/bin/sh", arguments: ["-c", "sleep 300 & echo $! > \(dir.file("pid")); wait"],
                timeout: .milliseconds(500)))
        #expect(result.termination == .timedOut)
        #expect(ContinuousClock.now - started < .seconds(3))
        let pid = try #require(dir.read("pid").flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) })
        #expect(await eventually { processIsGone(pid) })
    }

    @Test("megabytes of output are read and discarded beyond the limit")
    func hugeOutput() async throws {
        let started = ContinuousClock.now
        let result = try await CommandRunner().run(
            Command(executable: "/usr/bin/head", arguments: ["-c", "50000000", "/dev/zero"], outputLimit: 64 * 1024))
        #expect(result.exitStatus == 0)
        #expect(result.output.utf8.count == 64 * 1024)
        #expect(result.discardedBytes == 50_000_000 - 64 * 1024)
        #expect(ContinuousClock.now - started < .seconds(10))
    }

    @Test("endless output with no exit is bounded by the timeout")
    func endlessOutput() async throws {
        let result = try await CommandRunner().run(
            Command(executable: "/usr/bin/yes", timeout: .milliseconds(500), outputLimit: 4096))
        #expect(result.termination == .timedOut)
        #expect(result.output.utf8.count == 4096)
        #expect(result.discardedBytes > 0)
    }

    @Test("a background child holding the output pipe does not delay the result")
    func backgroundChildKeepsPipe() async throws {
        let started = ContinuousClock.now
        let result = try await CommandRunner().run(
            Command(executable: "/bin/sh", arguments: ["-c", "sleep 30 & echo started"], timeout: .seconds(20)))
        defer { _ = kill(-result.processID, SIGKILL) }
        #expect(result.exitStatus == 0)
        #expect(result.output.contains("started"))
        #expect(ContinuousClock.now - started < .seconds(5))
    }
}
