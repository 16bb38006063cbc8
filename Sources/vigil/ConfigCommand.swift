import ArgumentParser
import Foundation
import VigilAgents
import VigilModel
import VigilNode

/// `vigil config …`.
struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Validate, apply and show the cluster configuration.",
        subcommands: [ConfigValidateCommand.self, ConfigApplyCommand.self, ConfigShowCommand.self]
    )
}

/// `vigil config validate FILE`: report every error with its position; exit 1 if any.
///
/// Beyond the file itself, each `ocf:` resource whose agent is installed on this host is
/// checked against the agent's meta-data: a `required="1"` parameter that is not set is an
/// error at the resource's `params`. Agents not installed here are named on standard error
/// and not checked.
struct ConfigValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a configuration file and print every error with its file, line, column and field.",
        discussion: "OCF resources are also checked against their agents' meta-data when the agent is installed on this host."
    )

    @Argument(help: "The configuration file (YAML).")
    var file: String

    @Flag(name: .customLong("no-agents"), help: "Do not run OCF agents' meta-data to check required parameters.")
    var noAgents = false

    func run() async throws {
        let (config, sourceMap) = try reportingErrors {
            try ConfigDecoder.decodeWithSourceMap(yaml: InputFile.read(file), file: file)
        }
        if !noAgents {
            let problems = await Self.agentProblems(config, sourceMap)
            if !problems.isEmpty {
                printError(VigilModelError(code: .invalidConfig, diagnostics: problems).message)
                throw ExitCodeError.invalidInput
            }
        }
        for warning in ConfigWarnings.warnings(for: config) { printError("warning: \(file): \(warning)") }
        let clones = config.resources.filter(\.isClone).count
        print("\(file): valid — \(config.nodes.count) nodes, \(config.resources.count) resources (\(clones) clones), "
              + "\(config.groups.count) groups, \(config.constraints.count) constraints")
    }

    /// Required OCF parameters that are missing, one diagnostic each.
    static func agentProblems(_ config: ClusterConfig, _ sourceMap: SourceMap) async -> [Diagnostic] {
        let runtime = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-validate-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: runtime) }
        var problems: [Diagnostic] = []
        for (index, resource) in config.resources.enumerated() {
            guard case .ocf = resource.agent else { continue }
            let path = "resources[\(index)].params"
            do {
                let spec = try ResourceMapping.ocfSpec(for: resource, nodeCount: config.nodes.count)
                guard FileManager.default.isExecutableFile(atPath: spec.agentPath) else {
                    printError("note: \(resource.name): \(resource.agent) is not installed on this host; its parameters were not checked")
                    continue
                }
                let executor = try OCFExecutor(spec: spec, runtimeDirectory: runtime, logger: CLILogger.standardError)
                for message in try await executor.validateParameters() {
                    problems.append(sourceMap.diagnostic(at: path, message))
                }
            } catch {
                problems.append(sourceMap.diagnostic(at: path, "cannot check against \(resource.agent)'s meta-data: \(error)"))
            }
        }
        return problems
    }
}
