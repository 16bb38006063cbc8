import VigilCommand

/// `exec` checks: run a command (no shell), compare the exit status.
enum ExecProbe {
    static func check(_ check: ExecCheck, runner: CommandRunner, timeout: Duration) async -> ProbeResult {
        guard let program = check.command.first else { return .fail("exec: empty command") }
        do {
            let result = try await runner.run(
                Command(
                    executable: program, arguments: Array(check.command.dropFirst()), environment: check.environment,
                    timeout: timeout, outputLimit: 4096))
            let output = result.output.trimmingSuffixWhitespace().suffix(300)
            switch result.termination {
            case .exited(let status) where status == check.expectExit:
                return .pass("\(program): exit \(status)")
            case .exited(let status):
                return .fail("\(program): exit \(status), expected \(check.expectExit): \(output)")
            case .signaled(let signal):
                return .fail("\(program): killed by signal \(signal)")
            case .timedOut:
                return ProbeResult(passed: false, message: "\(program): no exit within \(timeout); killed", timedOut: true)
            }
        } catch let error as CommandError {
            return .fail(error.message)
        } catch {
            return .fail("\(program): \(error)")
        }
    }
}
