import ArgumentParser
import Foundation
import VigilCluster
import VigilModel
import VigilScheduler

/// `vigil explain RESOURCE`: why a resource runs where it does, and why not elsewhere.
struct ExplainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Why a resource runs where it does, and why not elsewhere: every node's score, term by term.",
        discussion: """
            Against the live cluster (etcd), or against files with --config and --state (as \
            vigil simulate). The answer comes from the scheduler's own run: for every node its \
            score and the terms that made it (node state, target-role, failcount bans, \
            locations and rules, stickiness, colocations, what colocated resources prefer, a \
            group's members), the nodes chosen and the rule that chose them (highest score, or \
            the tie-break), or the shortest reason it runs nowhere. A group's name explains its \
            members. --json prints one object per resource: {"resource", "group", "placed", \
            "promoted", "decision", "nodes": [{"node", "score", "terms": [{"kind", "score", \
            "reason"}]}]}; scores are numbers, INFINITY is 1000000.
            """
    )

    @Argument(help: "The resource (or group) to explain.")
    var resource: String

    @Option(name: .long, help: "A cluster configuration (YAML) instead of the live cluster; needs --state.")
    var config: String?

    @Option(name: .long, help: "A cluster state (YAML), as for vigil simulate; needs --config.")
    var state: String?

    @Flag(name: .long, help: "Print JSON (one object per resource).")
    var json = false

    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        let (clusterConfig, clusterState): (ClusterConfig, ClusterState)
        if config != nil || state != nil {
            (clusterConfig, clusterState) = try reportingErrors {
                guard let config, let state else { throw CLIError("--config and --state go together (or neither, for the live cluster)") }
                let clusterConfig = try InputFile.config(config)
                return (clusterConfig, try StateDecoder.decode(yaml: InputFile.read(state), file: state, config: clusterConfig))
            }
        } else {
            (clusterConfig, clusterState) = try await connection.withClient { client in
                let view = try await client.view()
                guard let config = view.config else { throw CLIError("no configuration is applied to this cluster (vigil config apply)") }
                let now = Timestamp(millisecondsSinceEpoch: Int64(Date().timeIntervalSince1970 * 1000))
                // As the coordinator plans: the operator's overrides on top of the configuration.
                return (StateBuilder.effectiveConfig(config, view: view), StateBuilder.state(from: view, config: config, now: now))
            }
        }
        let resource = self.resource
        let names: [String] = try reportingErrors {
            if let group = clusterConfig.groups.first(where: { $0.name == resource }) { return group.members }
            if clusterConfig.resource(named: resource) != nil { return [resource] }
            let known = clusterConfig.resources.map(\.name) + clusterConfig.groups.map(\.name)
            throw CLIError("no resource or group '\(resource)' (configured: \(known.joined(separator: ", ")))")
        }
        let (_, explanations) = Scheduler.explain(config: clusterConfig, state: clusterState)
        let answers = names.compactMap { explanations[$0] }
        if json {
            print(answers.count == 1 ? answers[0].json : "[" + answers.map(\.json).joined(separator: ",\n") + "]")
        } else {
            print(answers.map(\.text).joined(separator: "\n\n"))
        }
    }
}
