import ArgumentParser
import VigilCluster

/// `vigil node attribute get|set|delete|list NODE NAME [VALUE] [--transient]`.
struct NodeAttributeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attribute",
        abstract: "Read and set a node's attributes, which location rules read (like crm_attribute -N).",
        discussion: """
            A permanent attribute stays until deleted; a --transient one ends with the node's membership \
            (Pacemaker's -l reboot). Where both are set, rules read the transient value; where neither is, \
            the configured attributes: value.
            """,
        subcommands: [NodeAttributeGetCommand.self, NodeAttributeSetCommand.self, NodeAttributeDeleteCommand.self, NodeAttributeListCommand.self]
    )
}

/// `vigil node attribute get NODE NAME [--transient|--permanent]`.
struct NodeAttributeGetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "get", abstract: "Print the value rules read (or the --transient or --permanent one); exit 1 when unset.")

    @Argument(help: "The node.") var node: String
    @Argument(help: "The attribute.") var name: String
    @Flag(name: .long, help: "The transient value only.") var transient = false
    @Flag(name: .long, help: "The permanent value set at run time only.") var permanent = false
    @OptionGroup var connection: ConnectionOptions

    func validate() throws {
        if transient && permanent { throw ValidationError("--transient and --permanent exclude each other") }
    }

    func run() async throws {
        let values = try await connection.withClient { client in try await client.nodeAttribute(name, on: node) }
        let value = transient ? values.transient?.value : permanent ? values.permanent?.value : values.effective
        guard let value else { throw CLIError("\(node): attribute \(name) is not set") }
        print(value)
    }
}

/// `vigil node attribute set NODE NAME VALUE [--transient]`.
struct NodeAttributeSetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "set", abstract: "Set an attribute of a node.")

    @Argument(help: "The node.") var node: String
    @Argument(help: "The attribute.") var name: String
    @Argument(help: "Its value.") var value: String
    @Flag(name: .long, help: "Until the node's membership ends (Pacemaker's -l reboot).") var transient = false
    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        let changed = try await connection.withClient { client in
            try await client.setNodeAttribute(name, to: value, on: node, transient: transient)
        }
        print("\(node): \(transient ? "transient " : "")\(name)=\(value)\(changed ? "" : " (unchanged)")")
    }
}

/// `vigil node attribute delete NODE NAME [--transient]`.
struct NodeAttributeDeleteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "delete", abstract: "Delete an attribute set at run time.")

    @Argument(help: "The node.") var node: String
    @Argument(help: "The attribute.") var name: String
    @Flag(name: .long, help: "The transient one.") var transient = false
    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        let deleted = try await connection.withClient { client in
            try await client.deleteNodeAttribute(name, on: node, transient: transient)
        }
        print("\(node): \(transient ? "transient " : "")\(name) \(deleted ? "deleted" : "was not set")")
    }
}

/// `vigil node attribute list NODE`.
struct NodeAttributeListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "Print every attribute of a node: the value rules read, and where it comes from.")

    @Argument(help: "The node.") var node: String
    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        let values = try await connection.withClient { client in try await client.nodeAttributes(of: node) }
        for name in values.keys.sorted() {
            guard let entry = values[name], let value = entry.effective else { continue }
            let source = entry.transient != nil ? "transient" : entry.permanent != nil ? "permanent" : "configured"
            print("\(name)=\(value) (\(source))")
        }
    }
}
