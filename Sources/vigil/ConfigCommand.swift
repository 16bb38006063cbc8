import ArgumentParser
import Foundation
import VigilAgents
import VigilModel
import VigilNode
import VigilCluster

/// `vigil config …`.
struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Validate, apply and show the cluster configuration.",
        subcommands: [ConfigValidateCommand.self, ConfigApplyCommand.self, ConfigShowCommand.self, FragmentCommand.self]
    )
}

/// `vigil config validate FILE`: report every error with its position; exit 1 if any.
///
/// Beyond the file itself, each `ocf:` resource whose agent is installed on this host is
/// checked against the agent's meta-data: a `required="1"` parameter that is not set is an
/// error at the resource's `params`. Agents not installed here are named on standard error
/// and not checked.
///
/// Each `galera` resource's option files are checked (``GaleraConfigCheck``) where this host
/// can see them, their problems errors at `params.config` or `node-params.NODE.config`:
/// this host's own node's file (`--node`, else the node named like this host, else the
/// only node of a one-node configuration) must exist and is checked; another node's file
/// is checked when it is named for that node alone (its `node-params`) and exists here
/// (several nodes on one host). Any other file is named in a note on standard error: a
/// shared path seen from here is this host's file, not that node's.
struct ConfigValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a configuration file and print every error with its file, line, column and field.",
        discussion: """
            OCF resources are also checked against their agents' meta-data when the agent is installed on this host. \
            Galera option files are checked where this host can see them: its own node's (--node) must exist; \
            another node's is checked when its node-params name a file that exists here.
            """
    )

    @Argument(help: "The configuration file (YAML).")
    var file: String

    @Flag(name: .customLong("no-agents"), help: "Do not run OCF agents' meta-data to check required parameters.")
    var noAgents = false

    @Option(help: "This host's node in the configuration (default: the host name; the only node of a one-node configuration). Its Galera option file must exist here.")
    var node: String?

    func run() async throws {
        let (config, sourceMap) = try reportingErrors {
            try ConfigDecoder.decodeWithSourceMap(yaml: InputFile.read(file), file: file)
        }
        if let node, !config.nodes.contains(where: { $0.name == node }) {
            printError("--node \(node): no such node in \(file) (\(config.nodes.map(\.name).joined(separator: ", ")))")
            throw ExitCodeError.invalidInput
        }
        var problems = Self.galeraProblems(config, sourceMap, localNode: node ?? Self.localNode(of: config))
        problems += Self.rabbitMQProblems(config, sourceMap, localNode: node ?? Self.localNode(of: config))
        if !noAgents {
            problems += await Self.agentProblems(config, sourceMap)
        }
        if !problems.isEmpty {
            let sorted = problems.sorted { ($0.line, $0.column) < ($1.line, $1.column) }
            printError(VigilModelError(code: .invalidConfig, diagnostics: sorted).message)
            throw ExitCodeError.invalidInput
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

extension ConfigValidateCommand {
    /// The node this host is without `--node`: the node named like the host (as `vigil
    /// agent` names itself), else the only node of a one-node configuration (as
    /// `vigil agent --standalone` picks it).
    static func localNode(of config: ClusterConfig) -> String? {
        let host = ProcessInfo.processInfo.hostName
        if config.nodes.contains(where: { $0.name == host }) { return host }
        return config.nodes.count == 1 ? config.nodes[0].name : nil
    }

    /// The problems of this host's RabbitMQ node (``RabbitMQConfigCheck``: the cookie file,
    /// the server's scripts, `pause_minority` in its configuration file), at the field that
    /// names each file (`node-params.NODE.<field>` when the node overrides it).
    static func rabbitMQProblems(_ config: ClusterConfig, _ sourceMap: SourceMap, localNode: String?) -> [Diagnostic] {
        guard let localNode else { return [] }
        var problems: [Diagnostic] = []
        for (index, resource) in config.resources.enumerated() where resource.agent == .rabbitmq {
            guard config.nodesAllowed(for: resource).contains(where: { $0.name == localNode }),
                case .rabbitmq(let params) = resource.resolved(on: localNode).params, let nodename = params.nodename,
                let cookie = params.erlangCookieFile
            else { continue }
            let spec = RabbitMQSpec(
                name: resource.name, nodename: nodename, environment: params.environment, cookieFile: cookie,
                serverDirectory: params.serverDirectory, homeDirectory: "/nonexistent")
            let own: Set<String>
            if case .rabbitmq(let overrides)? = resource.nodeParams[localNode], case .rabbitmq(let base) = resource.params {
                var keys: Set<String> = []
                if overrides.erlangCookieFile != base.erlangCookieFile { keys.insert("erlang-cookie-file") }
                if overrides.serverDirectory != base.serverDirectory { keys.insert("server-dir") }
                if overrides.environment["RABBITMQ_CONFIG_FILE"] != base.environment["RABBITMQ_CONFIG_FILE"] { keys.insert("env.RABBITMQ_CONFIG_FILE") }
                own = keys
            } else {
                own = []
            }
            for problem in RabbitMQConfigCheck.problems(spec) {
                let base = own.contains(problem.field) ? "resources[\(index)].node-params.\(localNode)" : "resources[\(index)].params"
                problems.append(sourceMap.diagnostic(at: "\(base).\(problem.field)", problem.message))
            }
        }
        return problems
    }

    /// The problems of the Galera option files visible from this host, at the field that
    /// names each file; each file is read once per resource, however many nodes share it.
    static func galeraProblems(_ config: ClusterConfig, _ sourceMap: SourceMap, localNode: String?) -> [Diagnostic] {
        var problems: [Diagnostic] = []
        for (index, resource) in config.resources.enumerated() {
            guard case .galera(let base) = resource.params else { continue }
            var checked: [String: [GaleraConfigCheck.Problem]] = [:]
            let allowed = config.nodesAllowed(for: resource)
            var cloneMax: Int?
            if case .clone(let options) = resource.variant { cloneMax = min(options.max ?? config.nodes.count, allowed.count) }
            // Where each file is named (params, or a node's node-params) → the file and its nodes.
            var uses: [(path: String, file: String, nodes: [String])] = []
            for node in allowed.map(\.name) {
                guard case .galera(let params) = resource.resolved(on: node).params, let file = params.config else { continue }
                let own = resource.nodeParams[node] != nil && params.config != base.config
                let field = own ? "resources[\(index)].node-params.\(node)" : "resources[\(index)].params"
                if let at = uses.firstIndex(where: { $0.path == field && $0.file == file }) {
                    uses[at].nodes.append(node)
                } else {
                    uses.append((field, file, [node]))
                }
            }
            for use in uses {
                let whose = "the option file \(use.file) of node\(use.nodes.count == 1 ? "" : "s") \(use.nodes.joined(separator: ", "))"
                var info = stat()
                if localNode.map(use.nodes.contains) != true {
                    // Not this host's node: only a file named for its node alone can be that
                    // node's here (several nodes' files on one host); a shared path here is
                    // this host's own file, whatever it holds.
                    guard use.path.contains(".node-params.") else {
                        printError("note: \(resource.name): \(whose) was not checked: this host is \(use.nodes.count == 1 ? "not \(use.nodes[0])" : "none of them") (--node NAME says which node it is)")
                        continue
                    }
                    guard lstat(use.file, &info) == 0 else {
                        printError("note: \(resource.name): \(whose) is not on this host; it was not checked")
                        continue
                    }
                }
                let found = checked[use.file] ?? GaleraConfigCheck.problems(optionFile: use.file, cloneMax: cloneMax)
                checked[use.file] = found
                for problem in found { problems.append(sourceMap.diagnostic(at: "\(use.path).\(problem.field)", problem.message)) }
            }
        }
        return problems
    }
}
