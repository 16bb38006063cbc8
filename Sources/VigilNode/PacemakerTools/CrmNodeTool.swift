/// `crm_node`: `-n/--name` (this node), `-q/--quorum` (1 or 0), `-p/--partition` (the members,
/// on one line), `-l/--list` (`ID NAME member|lost` per configured node), `-i/--cluster-id`
/// (this node's ID: its position in the configuration, from 1) and `-N/--name-for-id ID`.
/// Removing a node (`-R`) is Vigil's configuration, not this tool's.
enum CrmNodeTool {
    static let options: [ToolArguments.Option] = [
        .init(name: "name", short: "n", takesValue: false),
        .init(name: "name-for-id", short: "N", takesValue: true),
        .init(name: "quorum", short: "q", takesValue: false),
        .init(name: "partition", short: "p", takesValue: false),
        .init(name: "list", short: "l", takesValue: false),
        .init(name: "cluster-id", short: "i", takesValue: false),
        .init(name: "remove", short: "R", takesValue: true),
        .init(name: "force", short: "f", takesValue: false),
        .init(name: "verbose", short: "V", takesValue: false),
    ]

    static func run(_ words: [String], context: PacemakerTool.Context) async throws -> String {
        let arguments = try ToolArguments(words, options: options)
        if arguments.has("remove") {
            throw PacemakerToolError.unsupported("nodes are removed from Vigil's configuration (nodes:), not with crm_node -R")
        }
        if arguments.has("name") { return try await context.localNode() + "\n" }
        let members = try await ClusterMembers.fetch(from: try context.client())
        if arguments.has("quorum") { return members.quorum ? "1\n" : "0\n" }
        if arguments.has("partition") { return members.nodes.filter(\.member).map(\.name).joined(separator: " ") + "\n" }
        if arguments.has("list") {
            return members.nodes.enumerated().map { "\($0.offset + 1) \($0.element.name) \($0.element.member ? "member" : "lost")\n" }.joined()
        }
        if arguments.has("cluster-id") {
            guard let index = members.nodes.firstIndex(where: { $0.name == members.node }) else {
                throw PacemakerToolError.noSuch("\(members.node) is not a configured node")
            }
            return "\(index + 1)\n"
        }
        if let id = arguments.value("name-for-id") {
            guard let number = Int(id), number >= 1, number <= members.nodes.count else {
                throw PacemakerToolError.noSuch("no node with ID \(id)")
            }
            return members.nodes[number - 1].name + "\n"
        }
        throw PacemakerToolError(usage: "one of -n, -q, -p, -l, -i or -N ID is needed")
    }
}
