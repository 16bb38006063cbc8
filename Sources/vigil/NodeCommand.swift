import ArgumentParser
import VigilNode

/// `vigil node standby|online|maintenance NAME`.
struct NodeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "node",
        abstract: "Put a node in standby, back online, or in maintenance.",
        subcommands: [NodeStandbyCommand.self, NodeOnlineCommand.self, NodeMaintenanceCommand.self]
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
