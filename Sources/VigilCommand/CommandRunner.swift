public import Logging
import Subprocess
import SystemPackage
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Runs short-lived commands (agent actions, probes, fence agents) safely.
///
/// Each command runs in its own session, hence its own process group; on timeout the
/// whole group is killed with SIGKILL, so a hung agent and everything it spawned go
/// away. Its exit is noticed through the child's pidfd (no polling). Output is read
/// as it arrives and only the first `outputLimit` bytes are kept, so an agent that
/// prints megabytes cannot exhaust memory. A command with a ``Command/cgroup`` runs in
/// that cgroup (through `vigil-cgexec`), so nothing it starts can escape it. A command
/// starts from ``Command/cleanEnvironment`` plus its own variables, never this process's
/// environment unless it asks (``Command/inheritEnvironment``).
public struct CommandRunner: Sendable {
    private let logger: Logger
    private let clock: any Clock<Duration>

    /// Creates a runner that measures timeouts on `clock`.
    public init(logger: Logger = Logger(label: "vigil.command"), clock: any Clock<Duration> = ContinuousClock()) {
        self.logger = logger
        self.clock = clock
    }

    /// Runs `command` to completion or timeout.
    ///
    /// - Throws: `CommandError` with code `.notInstalled` when the program is missing
    ///   or not executable, `.spawnFailed` when it cannot be started. A non-zero exit,
    ///   a signal or a timeout are results, not errors.
    public func run(_ command: Command) async throws -> CommandResult {
        guard let path = ExecutableLookup.resolve(command.executable, searchPath: command.searchPath) else {
            throw CommandError(
                .notInstalled,
                "\(command.executable): not installed (no executable file"
                    + (command.executable.contains("/") ? ")" : " in \(command.searchPath.joined(separator: ":")))")
            )
        }
        var program = path
        var arguments = command.arguments
        if let cgroup = command.cgroup {
            (program, arguments) = try cgroup.wrap(executable: path, arguments: arguments)
        }
        var options = PlatformOptions()
        options.createSession = true
        options.teardownSequence = [
            .send(signal: .kill, toProcessGroup: true, allowedDurationToNextStep: .milliseconds(200))
        ]
        let environment = Self.environment(for: command)
        let timedOut = Flag()
        let timeout = command.timeout
        let limit = command.outputLimit
        let clock = self.clock
        let started = ContinuousClock.now
        let result: ExecutionResult<OutputCollector, SequenceOutput, CombinedErrorOutput>
        do {
            result = try await Subprocess.run(
                .path(FilePath(program)),
                arguments: Arguments(arguments),
                environment: environment,
                workingDirectory: command.workingDirectory.map { FilePath($0) },
                platformOptions: options,
                input: .string(command.standardInput),
                output: .sequence,
                error: .combinedWithOutput
            ) { execution in
                let pid = execution.processIdentifier.value
                return await withTaskGroup(of: Void.self, returning: OutputCollector.self) { group in
                    group.addTask {
                        do { try await clock.sleep(for: timeout) } catch { return }
                        timedOut.set()
                        _ = kill(-pid, SIGKILL)
                    }
                    var collector = OutputCollector(limit: limit)
                    do {
                        for try await chunk in execution.standardOutput {
                            chunk.withUnsafeBytes { collector.append($0) }
                        }
                    } catch {
                        // The pipe was closed under us because the child exited.
                    }
                    group.cancelAll()
                    return collector
                }
            }
        } catch let error as SubprocessError {
            throw Self.map(error, path: path, command: command)
        }
        let duration = ContinuousClock.now - started
        let collector = result.closureResult
        let termination: CommandResult.Termination
        if timedOut.isSet {
            termination = .timedOut
        } else {
            switch result.terminationStatus {
            case .exited(let code): termination = .exited(Int32(code))
            case .signaled(let signal): termination = .signaled(Int32(signal))
            }
        }
        let pid = result.processIdentifier.value
        logger.debug(
            "command finished",
            metadata: [
                "program": "\(path)", "pid": "\(pid)", "termination": "\(termination)",
                "duration": "\(duration)", "discarded-bytes": "\(collector.discarded)",
            ]
        )
        return CommandResult(
            termination: termination,
            output: collector.text,
            discardedBytes: collector.discarded,
            duration: duration,
            processID: pid
        )
    }

    static func environment(for command: Command) -> Environment {
        if command.inheritEnvironment {
            var overrides: [Environment.Key: String?] = [:]
            for (key, value) in command.environment {
                if let key = Environment.Key(rawValue: key) { overrides[key] = value }
            }
            return .inherit.updating(overrides)
        }
        var custom: [Environment.Key: String] = [:]
        for (key, value) in Command.cleanEnvironment.merging(command.environment, uniquingKeysWith: { $1 }) {
            if let key = Environment.Key(rawValue: key) { custom[key] = value }
        }
        return .custom(custom)
    }

    static func map(_ error: SubprocessError, path: String, command: Command) -> CommandError {
        switch error.code {
        case .executableNotFound:
            return CommandError(.notInstalled, "\(path): not installed (\(error))")
        case .failedToChangeWorkingDirectory:
            return CommandError(
                .spawnFailed, "\(path): cannot change to working directory \(command.workingDirectory ?? "?") (\(error))")
        default:
            return CommandError(.spawnFailed, "\(path): cannot start (\(error))")
        }
    }
}
