import ArgumentParser

/// The `vigil` command line.
@main
struct Vigil: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vigil",
        abstract: "A high-availability cluster manager: placement, fencing and deep health checks over etcd.",
        subcommands: [
            AgentCommand.self, SimulateCommand.self, ConfigCommand.self, StatusCommand.self, NodeCommand.self, ResourceCommand.self,
            EventsCommand.self, HealthCommand.self, GaleraCommand.self,
        ]
    )
}
