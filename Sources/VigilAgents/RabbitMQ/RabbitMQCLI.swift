import Foundation
public import Logging
public import VigilCommand

/// `rabbitmqctl` (and `rabbitmq-queues`) against one node, with the node's environment and
/// Vigil's `HOME` (the cookie). Each call boots an Erlang VM (0.4–1.8 s): called on
/// transitions and every few seconds, never per request.
public struct RabbitMQCLI: Sendable {
    /// The node's spec.
    public let spec: RabbitMQSpec
    private let logger: Logger

    /// Creates a CLI for `spec`'s node.
    public init(spec: RabbitMQSpec, logger: Logger) {
        self.spec = spec
        self.logger = logger
    }

    /// Runs `rabbitmqctl -n NODE ARGS` (`tool`: another script of the server directory);
    /// the output on exit 0, else an error with the exit and the output's tail.
    public func run(
        _ arguments: [String], tool: String = "rabbitmqctl", node: String? = nil, timeout: Duration = .seconds(30)
    ) async -> Result<String, AgentsError> {
        let command = Command(
            executable: spec.serverDirectory + "/" + tool, arguments: ["-n", node ?? spec.nodename] + arguments,
            environment: spec.processEnvironment, timeout: timeout, cgroup: nil)
        do {
            let result = try await CommandRunner(logger: logger).run(command)
            guard result.exitStatus == 0 else {
                return .failure(AgentsError(
                    .invalidParameter, "\(tool) \(arguments.first ?? ""): \(result.termination): \(Self.tail(result.output))"))
            }
            return .success(result.output)
        } catch {
            return .failure(AgentsError(.fileError, "\(tool) \(arguments.first ?? ""): \(error)"))
        }
    }

    /// Runs a command with `--formatter json` and decodes its output's JSON document.
    public func json(_ arguments: [String], timeout: Duration = .seconds(30)) async -> Result<Any, AgentsError> {
        switch await run(arguments + ["--formatter", "json"], timeout: timeout) {
        case .failure(let error):
            return .failure(error)
        case .success(let output):
            // Warnings may precede the document.
            guard let start = output.firstIndex(where: { $0 == "{" || $0 == "[" }),
                let value = try? JSONSerialization.jsonObject(with: Data(output[start...].utf8), options: [.fragmentsAllowed])
            else {
                return .failure(AgentsError(.invalidParameter, "rabbitmqctl \(arguments.first ?? ""): not JSON: \(Self.tail(output))"))
            }
            return .success(value)
        }
    }

    /// The last lines of `text` (at most 1 KiB).
    static func tail(_ text: String) -> String {
        String(text.split(separator: "\n").suffix(6).joined(separator: " | ").suffix(1024))
    }
}
