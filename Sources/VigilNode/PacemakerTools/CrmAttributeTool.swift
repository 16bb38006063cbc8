import Foundation

/// `crm_attribute` and `crm_master` (which is `crm_attribute -l reboot --promotion` on this
/// node): query (`-G`, the default), set (`-v`) or delete (`-D`) a node attribute or a
/// promotion score.
///
/// - `-N/--node` (`-U/--uname`): the node, this one by default;
/// - `-n/--name`; `-p/--promotion[=RSC]`: the promotion score `master-<RSC>` (RSC: the
///   resource instance without its clone number), transient by default;
/// - `-l/--lifetime reboot|forever`, or `-t/--type status|nodes`: transient or permanent;
///   node attributes are permanent by default, as in Pacemaker; the other types
///   (`crm_config`, `rsc_defaults`, `op_defaults`) are Vigil's configuration, not attributes;
/// - `-q/--quiet` prints the value alone; `-d/--default` answers a query of an unset
///   attribute; `-i/--id`, `-s/--set-name`, `-V` are accepted and ignored.
///
/// A query of an unset attribute fails with 105, Pacemaker's "no such" status.
enum CrmAttributeTool {
    static let options: [ToolArguments.Option] = [
        .init(name: "node", short: "N", aliases: ["uname"], takesValue: true),
        .init(name: "uname-short", short: "U", takesValue: true),
        .init(name: "name", short: "n", aliases: ["attr-name"], takesValue: true),
        .init(name: "update", short: "v", aliases: ["value"], takesValue: true),
        .init(name: "delete", short: "D", takesValue: false),
        .init(name: "query", short: "G", aliases: ["get-value"], takesValue: false),
        .init(name: "quiet", short: "q", takesValue: false),
        .init(name: "lifetime", short: "l", takesValue: true),
        .init(name: "type", short: "t", takesValue: true),
        .init(name: "promotion", short: "p", aliases: ["master"], takesValue: true, optionalValue: true),
        .init(name: "default", short: "d", takesValue: true),
        .init(name: "id", short: "i", takesValue: true),
        .init(name: "set-name", short: "s", takesValue: true),
        .init(name: "verbose", short: "V", takesValue: false),
        .init(name: "utilization", short: "z", takesValue: false),
    ]

    static func run(_ words: [String], context: PacemakerTool.Context, master: Bool) async throws -> String {
        let arguments = try ToolArguments(words, options: options)
        if arguments.has("utilization") { throw PacemakerToolError.unsupported("utilization attributes are not supported") }
        let promotion = master || arguments.has("promotion")
        var name = arguments.value("name")
        if promotion {
            let resource = arguments.value("promotion").flatMap { $0.isEmpty ? nil : $0 } ?? context.instance.map(Self.withoutCloneNumber)
            guard let resource else { throw PacemakerToolError(usage: "--promotion needs a resource (no OCF_RESOURCE_INSTANCE)") }
            name = "master-" + resource
        }
        guard let name, !name.isEmpty else { throw PacemakerToolError(usage: "an attribute name is needed (-n NAME)") }
        let transient = try lifetime(arguments, promotion: promotion)
        let requestedNode = arguments.value("node") ?? arguments.value("uname-short")
        let action: Action = arguments.has("delete") ? .delete : arguments.value("update").map(Action.set) ?? .query

        // This node's own promotion score: the action's file, read by the executor.
        if promotion, let file = context.promotionFile, requestedNode == nil || requestedNode == context.node {
            return try promotionFile(file, action: action, name: name, quiet: arguments.has("quiet"), fallback: arguments.value("default"))
        }
        let node: String
        if let requestedNode { node = requestedNode } else { node = try await context.localNode() }
        let attributes = SocketAttributes(client: try context.client())
        switch action {
        case .set(let value):
            try await attributes.set(name, to: value, on: node, transient: transient, dampen: .zero)
            return ""
        case .delete:
            try await attributes.set(name, to: nil, on: node, transient: transient, dampen: .zero)
            return ""
        case .query:
            guard let value = try await attributes.value(name, on: node, transient: transient) ?? arguments.value("default") else {
                throw PacemakerToolError.noSuch("Error performing operation: No such device or address (attribute \(name) of \(node))")
            }
            return render(name: name, value: value, transient: transient, quiet: arguments.has("quiet"))
        }
    }

    enum Action {
        case query
        case set(String)
        case delete
    }

    /// Transient (`reboot`/`status`) or permanent (`forever`/`nodes`).
    static func lifetime(_ arguments: ToolArguments, promotion: Bool) throws(PacemakerToolError) -> Bool {
        if let lifetime = arguments.value("lifetime") {
            switch lifetime {
            case "reboot": return true
            case "forever": return false
            default: throw PacemakerToolError(usage: "--lifetime must be reboot or forever, not \(lifetime)")
            }
        }
        if let type = arguments.value("type") {
            switch type {
            case "status": return true
            case "nodes": return false
            default:
                throw PacemakerToolError.unsupported(
                    "--type \(type): cluster properties and defaults are Vigil's configuration (cluster:, resources:), not attributes")
            }
        }
        if promotion { return true }
        if arguments.has("node") || arguments.has("uname-short") { return false }
        throw PacemakerToolError.unsupported(
            "cluster properties (crm_attribute without --node or --lifetime) are Vigil's configuration (cluster:), not attributes")
    }

    static func render(name: String, value: String, transient: Bool, quiet: Bool) -> String {
        quiet ? value + "\n" : "scope=\(transient ? "status" : "nodes")  name=\(name) value=\(value)\n"
    }

    /// `galera:1` → `galera`: Pacemaker names an anonymous clone's score after the clone.
    static func withoutCloneNumber(_ instance: String) -> String {
        guard let colon = instance.lastIndex(of: ":"), instance[instance.index(after: colon)...].allSatisfy(\.isNumber) else {
            return instance
        }
        return String(instance[..<colon])
    }

    /// The promotion score in this action's file: set writes it, delete marks it deleted,
    /// query reads it.
    static func promotionFile(_ path: String, action: Action, name: String, quiet: Bool, fallback: String?) throws -> String {
        switch action {
        case .set(let value):
            try Data((value + "\n").utf8).write(to: URL(fileURLWithPath: path))
            return ""
        case .delete:
            try Data("deleted\n".utf8).write(to: URL(fileURLWithPath: path))
            return ""
        case .query:
            let stored = (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
            guard let value = stored.flatMap({ $0.isEmpty || $0 == "deleted" ? nil : $0 }) ?? fallback else {
                throw PacemakerToolError.noSuch("Error performing operation: No such device or address (\(name))")
            }
            return render(name: name, value: value, transient: true, quiet: quiet)
        }
    }
}
