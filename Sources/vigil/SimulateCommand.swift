import ArgumentParser
import VigilModel
import VigilScheduler

/// `vigil simulate`: run the scheduler once on files, with no etcd and no side effects.
struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Run the scheduler once on a configuration and a state, and print the transition.",
        discussion: "Exit status 0 when a transition was computed, 1 for invalid input."
    )

    @Option(name: .long, help: "The cluster configuration (YAML).")
    var config: String

    @Option(name: .long, help: "The cluster state (YAML): quorum, nodes, what runs where, failcounts.")
    var state: String

    @Flag(name: .long, help: "Print one JSON object: placements, actions, unplaced.")
    var json = false

    func run() throws {
        let (clusterConfig, clusterState) = try reportingErrors {
            let clusterConfig = try InputFile.config(config)
            let clusterState = try StateDecoder.decode(yaml: InputFile.read(state), file: state, config: clusterConfig)
            return (clusterConfig, clusterState)
        }
        let transition = Scheduler.plan(config: clusterConfig, state: clusterState)
        print(json ? transition.json : transition.text(resourceOrder: clusterConfig.resources.map(\.name)))
    }
}
