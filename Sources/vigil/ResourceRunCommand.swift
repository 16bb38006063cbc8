import ArgumentParser
import Foundation
import VigilAgents
import VigilModel
import VigilNode
import VigilCluster

/// `vigil resource run ACTION NAME --config FILE`: one action of one resource on this
/// host, outside any cluster (like `crm_resource --force-*`).
struct ResourceRunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run one action of one resource on this host, outside any cluster.",
        discussion: """
            Prints what the agent printed and exits with the action's OCF code \
            (0 success, 1 error or timeout, 5 not installed, 6 not configured, 7 not running, 8 promoted, …).
            A `process` resource runs in the foreground on `start` until it exits or Vigil is interrupted.
            """
    )

    @Argument(help: "start, stop, monitor, promote, demote, notify, meta-data or validate.")
    var action: String

    @Argument(help: "The resource's name.")
    var name: String

    @Option(name: .long, help: "The cluster configuration (YAML).")
    var config: String

    @Option(name: .long, help: "Timeout in seconds (default: the monitor timeout for monitor, else 20).")
    var timeout: Double?

    @Option(name: .long, help: "Directory for Vigil's runtime files (promotion-score shim).")
    var runtimeDirectory = "/run/vigil"

    func run() async throws {
        let (clusterConfig, resource, agentAction) = try reportingErrors {
            let clusterConfig = try InputFile.config(config)
            guard let resource = clusterConfig.resource(named: name) else {
                throw CLIError("\(config): no resource named '\(name)'")
            }
            guard let agentAction = AgentAction(cliName: action) else {
                throw CLIError("unknown action '\(action)': use start, stop, monitor, promote, demote, notify, meta-data or validate")
            }
            return (clusterConfig, resource, agentAction)
        }
        let limit: Duration = timeout.map { .milliseconds(Int64($0 * 1000)) }
            ?? (agentAction == .monitor ? resource.monitor.timeout : .seconds(20))
        let executor: any ResourceExecutor
        do {
            executor = try reportingErrors {
                try ResourceMapping.executor(for: resource, nodeCount: clusterConfig.nodes.count, runtimeDirectory: runtimeDirectory,
                    shim: AttributeShim(executable: AgentCommand.executablePath), logger: CLILogger.standardError)
            }
        } catch let error as AgentsError {
            printError(error.message)
            throw ExitCode(OCFCode.notConfigured.rawValue)
        }
        var result: ActionResult
        let problems: [String]
        if agentAction == .validate, let ocf = executor as? OCFExecutor {
            // Required parameters from the agent's meta-data, before the agent's own check.
            problems = (try? await ocf.validateParameters(timeout: limit)) ?? []
        } else {
            problems = []
        }
        if problems.isEmpty {
            result = await executor.perform(ActionRequest(agentAction, timeout: limit))
        } else {
            result = ActionResult(code: .notConfigured, output: problems.joined(separator: "\n"))
        }
        if let process = executor as? ProcessExecutor, agentAction == .start, result.code == .success {
            print(result.output)
            result = await Self.supervise(process)
        }
        if !result.output.isEmpty { print(result.output) }
        throw ExitCode(result.code.rawValue)
    }

    /// Waits for the process to exit; SIGINT/SIGTERM stop it (process group) first.
    private static func supervise(_ process: ProcessExecutor) async -> ActionResult {
        signal(SIGINT, SIG_IGN)
        signal(SIGTERM, SIG_IGN)
        let signals = [SIGINT, SIGTERM].map { number in
            let source = DispatchSource.makeSignalSource(signal: number)
            source.setEventHandler {
                Task { _ = await process.perform(ActionRequest(.stop, timeout: .seconds(20))) }
            }
            source.resume()
            return source
        }
        defer { signals.forEach { $0.cancel() } }
        for await event in process.events {
            switch event.termination {
            case .exited(0): return ActionResult(code: .success, output: "exited with status 0")
            case .exited(let status):
                return ActionResult(code: event.expected ? .success : .genericError, output: "exited with status \(status)")
            case .signaled(let signal):
                return ActionResult(code: event.expected ? .success : .genericError, output: "killed by signal \(signal)")
            case .timedOut:
                return ActionResult(code: .genericError, output: "timed out")
            }
        }
        return ActionResult(code: .genericError, output: "supervision ended")
    }
}
