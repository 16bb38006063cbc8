import Subprocess
import SystemPackage
import VigilCommand

extension ProcessExecutor {
    /// Everything needed to start the child.
    struct Launch: Sendable {
        var name: String
        var program: String
        var arguments: [String]
        var environment: [Environment.Key: String]
        var workingDirectory: String
        /// Whether `program` is the `vigil-cgexec` helper, which reports on its stderr what
        /// stopped it before it executed the command.
        var throughHelper: Bool
        var options = PlatformOptions()
    }

    /// How the child ended.
    struct Ended: Sendable {
        var processID: Int32
        var termination: CommandResult.Termination
    }

    /// Runs the child until it exits. `spawned` gets its pid once it runs the command (for
    /// the helper: once the helper has executed it); a child that could not get that far
    /// is an error, with the helper's message.
    static func spawn(_ launch: Launch, spawned: Promise<Result<Int32, CommandError>>) async -> Result<Ended, CommandError> {
        do {
            if launch.throughHelper {
                let result = try await Subprocess.run(
                    .path(FilePath(launch.program)), arguments: Arguments(launch.arguments), environment: .custom(launch.environment),
                    workingDirectory: FilePath(launch.workingDirectory), platformOptions: launch.options, input: .none,
                    output: .sequence, error: .combinedWithOutput
                ) { execution in
                    // The helper's stderr reaches end-of-file when it executes the command
                    // (its copy is close-on-exec, stdout and stderr are the log file by then);
                    // anything read before that is why it failed.
                    var report: [UInt8] = []
                    do {
                        for try await chunk in execution.standardOutput {
                            chunk.withUnsafeBytes { report.append(contentsOf: $0.prefix(max(0, 4096 - report.count))) }
                        }
                    } catch {
                        // The pipe was closed under us because the helper exited.
                    }
                    if report.isEmpty { spawned.fulfill(.success(execution.processIdentifier.value)) }
                    return report
                }
                let termination = Self.termination(result.terminationStatus)
                guard result.closureResult.isEmpty else {
                    let message = String(decoding: result.closureResult, as: UTF8.self).trimmingSuffixNewlines()
                    if termination == .exited(CgroupExec.outputFailedStatus) {
                        return .failure(CommandError(.fileError, "\(launch.name): log-file: \(message)"))
                    }
                    return .failure(CommandError(.spawnFailed, "\(launch.name): \(message)"))
                }
                return .success(Ended(processID: result.processIdentifier.value, termination: termination))
            }
            // Nothing to report before exec: output is discarded, the user (if any) is set by
            // the spawn itself.
            let result = try await Subprocess.run(
                .path(FilePath(launch.program)), arguments: Arguments(launch.arguments), environment: .custom(launch.environment),
                workingDirectory: FilePath(launch.workingDirectory), platformOptions: launch.options, input: .none,
                output: .discarded, error: .discarded
            ) { execution in
                spawned.fulfill(.success(execution.processIdentifier.value))
            }
            return .success(Ended(processID: result.processIdentifier.value, termination: Self.termination(result.terminationStatus)))
        } catch {
            return .failure(CommandError(.spawnFailed, "\(launch.name): cannot start \(launch.program): \(error)"))
        }
    }

    static func termination(_ status: TerminationStatus) -> CommandResult.Termination {
        switch status {
        case .exited(let code): .exited(Int32(code))
        case .signaled(let signal): .signaled(Int32(signal))
        }
    }
}

extension String {
    fileprivate func trimmingSuffixNewlines() -> String {
        var text = Substring(self)
        while text.last?.isNewline == true { text = text.dropLast() }
        return String(text)
    }
}
