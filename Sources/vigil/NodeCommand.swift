import ArgumentParser
import VigilNode
import VigilCluster

/// `vigil node standby|online|maintenance NAME`.
struct NodeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "node",
        abstract: "Put a node in standby, back online, or in maintenance; confirm a lost node down; read and set its attributes.",
        subcommands: [
            NodeStandbyCommand.self, NodeOnlineCommand.self, NodeMaintenanceCommand.self, NodeConfirmDownCommand.self,
            NodeAttributeCommand.self,
        ]
    )
}

/// `vigil node standby NAME`.
struct NodeStandbyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "standby", abstract: "Move every resource off the node; it takes none until 'vigil node online'.")

    @Argument(help: "The node.") var name: String
    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        try await connection.withClient { client in _ = try await client.setNode(name, standby: true) }
        print("\(name): standby")
    }
}

/// `vigil node online NAME`.
struct NodeOnlineCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "online", abstract: "Let the node take resources again (ends standby).")

    @Argument(help: "The node.") var name: String
    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        try await connection.withClient { client in _ = try await client.setNode(name, standby: false) }
        print("\(name): online")
    }
}

/// `vigil node maintenance NAME [--off]`.
struct NodeMaintenanceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "maintenance",
        abstract: "Leave the node's resources alone (not started, stopped or monitored) until '--off'.")

    @Argument(help: "The node.") var name: String
    @Flag(name: .long, help: "End maintenance.") var off = false
    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        let on = !off
        try await connection.withClient { client in _ = try await client.setNode(name, maintenance: on) }
        print("\(name): maintenance \(on ? "on" : "off")")
    }
}

/// `vigil node confirm-down NAME`.
struct NodeConfirmDownCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "confirm-down",
        abstract: "Say that a lost, unclean node is down, so its resources are recovered elsewhere.",
        discussion: """
            Like Pacemaker's stonith_admin --confirm. Use it only once the node is powered off or its \
            services are verified stopped: a node confirmed down while it still runs a service makes two \
            actives. Recorded in nodes/<node>/down with who and when.
            """)

    @Argument(help: "The node.") var name: String
    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        let record = try await connection.withClient { client in try await client.confirmDown(name) }
        print("\(name): confirmed down (incarnation \(record.member), by \(record.by))")
    }
}
