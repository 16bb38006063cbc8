/// `attrd_updater`: set (`-U`/`-v`, `-B` with `-d`), delete (`-D`) or query (`-Q`, `-A` for
/// every node) a transient node attribute, with dampening (`-d DELAY`: the write waits that
/// long, and changes meanwhile only replace the value written).
///
/// - `-n/--name`, `-N/--node` (this node by default), `-l/--lifetime reboot|forever`
///   (reboot by default);
/// - `-Y/--update-delay` and `-R/--refresh` succeed and do nothing (the delay is given
///   with each write); `-p/--private`, `-V`, `-W/--wait` are accepted and ignored (a write
///   is accepted by the local agent, which writes it to the cluster).
///
/// A query prints `name="NAME" host="NODE" value="VALUE"` per node; a query of an unset
/// attribute fails with 105.
enum AttrdUpdaterTool {
    static let options: [ToolArguments.Option] = [
        .init(name: "name", short: "n", takesValue: true),
        .init(name: "update", short: "U", aliases: ["value"], takesValue: true),
        .init(name: "value-short", short: "v", takesValue: true),
        .init(name: "update-both", short: "B", takesValue: true),
        .init(name: "update-delay", short: "Y", takesValue: false),
        .init(name: "delete", short: "D", takesValue: false),
        .init(name: "query", short: "Q", takesValue: false),
        .init(name: "refresh", short: "R", takesValue: false),
        .init(name: "delay", short: "d", takesValue: true),
        .init(name: "set", short: "s", takesValue: true),
        .init(name: "private", short: "p", takesValue: false),
        .init(name: "node", short: "N", takesValue: true),
        .init(name: "all", short: "A", takesValue: false),
        .init(name: "lifetime", short: "l", takesValue: true),
        .init(name: "verbose", short: "V", takesValue: false),
        .init(name: "wait", short: "W", takesValue: true, optionalValue: true),
        .init(name: "utilization", short: "z", takesValue: false),
    ]

    static func run(_ words: [String], context: PacemakerTool.Context) async throws -> String {
        let arguments = try ToolArguments(words, options: options)
        if arguments.has("utilization") { throw PacemakerToolError.unsupported("utilization attributes are not supported") }
        if arguments.has("refresh") { return "" }
        guard let name = arguments.value("name"), !name.isEmpty else { throw PacemakerToolError(usage: "an attribute name is needed (-n NAME)") }
        let transient: Bool
        switch arguments.value("lifetime") ?? "reboot" {
        case "reboot": transient = true
        case "forever": transient = false
        case let other: throw PacemakerToolError(usage: "--lifetime must be reboot or forever, not \(other)")
        }
        var dampen = Duration.zero
        if let delay = arguments.value("delay") {
            guard let parsed = PacemakerTool.interval(delay) else { throw PacemakerToolError(usage: "--delay \(delay) is not an interval") }
            dampen = parsed
        }
        let attributes = SocketAttributes(client: try context.client())
        if arguments.has("query") {
            var values: [String: String]
            if arguments.has("all") {
                values = try await attributes.values(name, transient: transient)
            } else {
                let node: String
                if let requested = arguments.value("node") { node = requested } else { node = try await context.localNode() }
                values = [:]
                if let value = try await attributes.value(name, on: node, transient: transient) { values[node] = value }
            }
            guard !values.isEmpty else {
                throw PacemakerToolError.noSuch("Could not query value of \(name): attribute does not exist")
            }
            return values.keys.sorted().map { "name=\"\(name)\" host=\"\($0)\" value=\"\(values[$0] ?? "")\"\n" }.joined()
        }
        let value = arguments.value("update") ?? arguments.value("value-short") ?? arguments.value("update-both")
        let delete = arguments.has("delete")
        if value == nil && !delete {
            if arguments.has("update-delay") { return "" }
            throw PacemakerToolError(usage: "one of -U/-v VALUE, -B VALUE, -D, -Q or -Y is needed")
        }
        let node: String
        if let requested = arguments.value("node") { node = requested } else { node = try await context.localNode() }
        try await attributes.set(name, to: delete ? nil : value, on: node, transient: transient, dampen: dampen)
        return ""
    }
}
