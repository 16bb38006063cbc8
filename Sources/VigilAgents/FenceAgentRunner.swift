import Foundation
public import Logging
public import VigilCommand

/// Runs fence agents in the fence-agents convention: `key=value` lines on stdin
/// (`action`, `plug`, device params, `password` from the password file), exit status
/// as the result. The password never appears in logs, results or the command line.
public struct FenceAgentRunner: Sendable {
    private let runner: CommandRunner
    private let logger: Logger

    /// Creates a runner.
    public init(runner: CommandRunner = CommandRunner(), logger: Logger = Logger(label: "vigil.fence")) {
        self.runner = runner
        self.logger = logger
    }

    /// Runs `action` on `device`, for `node` when the action targets one (off, on,
    /// reboot, status). Never throws: problems are failed results with a message.
    public func run(_ action: FenceAction, device: FenceDeviceSpec, node: String? = nil) async -> FenceResult {
        var result = FenceResult(device: device.name, action: action, node: node, succeeded: false)
        if let problem = device.problems.first {
            result.output = problem
            return result
        }
        if let node, !device.covers(node) {
            result.output = "fence device \(device.name) does not cover node \(node)"
            return result
        }
        var lines = ["action=\(action.rawValue)"]
        if let node, let key = device.hostArgument {
            // Checked here too: a node's name is its plug by default, and names reach the
            // runner from more places than the configuration.
            let plug = device.plug(for: node)
            guard FenceDeviceSpec.isLine(plug) else {
                result.output = "fence device \(device.name): the plug for node \(node.debugDescription) contains a line break or NUL"
                return result
            }
            lines.append("\(key)=\(plug)")
        }
        for key in device.parameters.keys.sorted() {
            if let value = device.parameters[key] { lines.append("\(key)=\(value)") }
        }
        var password: String?
        if let file = device.passwordFile {
            let secret: String
            do {
                secret = try SecretFile.read(file)
            } catch {
                result.output = "fence device \(device.name): password-file: \(error.message)"
                return result
            }
            guard FenceDeviceSpec.isLine(secret) else {
                result.output = "fence device \(device.name): password-file \(file): the first line holds a NUL or carriage return"
                return result
            }
            password = secret
            lines.append("password=\(secret)")
        }
        let command = Command(
            executable: device.agent, standardInput: lines.joined(separator: "\n") + "\n",
            timeout: device.timeout, searchPath: device.searchPath)
        let outcome: CommandResult
        do {
            outcome = try await runner.run(command)
        } catch let error as CommandError {
            result.output = "fence device \(device.name): \(error.message)"
            return result
        } catch {
            result.output = "fence device \(device.name): \(error)"
            return result
        }
        var output = outcome.output
        if let password, !password.isEmpty { output = output.replacingOccurrences(of: password, with: "********") }
        result.output = output
        result.duration = outcome.duration
        switch outcome.termination {
        case .exited(let status):
            result.exitStatus = status
            if action == .status {
                result.powerState = status == 0 ? .on : status == 2 ? .off : .unknown
                result.succeeded = status == 0 || status == 2
            } else {
                result.succeeded = status == 0
            }
        case .signaled(let signal):
            result.output += "\n[vigil: fence agent killed by signal \(signal)]"
        case .timedOut:
            result.timedOut = true
            result.output += "\n[vigil: fence agent timed out after \(device.timeout); process group killed]"
        }
        let level: Logger.Level = result.succeeded ? .info : .error
        logger.log(
            level: level, "fence agent finished",
            metadata: [
                "device": "\(device.name)", "agent": "\(device.agent)", "action": "\(action.rawValue)",
                "node": "\(node ?? "-")", "succeeded": "\(result.succeeded)", "exit": "\(result.exitStatus.map(String.init) ?? "-")",
            ])
        return result
    }

    /// The password: the file's first line (up to LF, without a CR that ends it), or nil
    /// when that line holds a NUL or another CR, which would end the stdin line early.

    /// Fences `node` with the devices that cover it, in order, until one succeeds;
    /// returns every attempt (the last one is the successful one, if any).
    public func fence(_ node: String, action: FenceAction = .reboot, devices: [FenceDeviceSpec]) async -> [FenceResult] {
        var attempts: [FenceResult] = []
        for device in devices where device.covers(node) {
            let result = await run(action, device: device, node: node)
            attempts.append(result)
            if result.succeeded { break }
        }
        return attempts
    }
}
