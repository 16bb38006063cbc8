/// `crm_mon -1`: the nodes and resources, as text, as `--output-as=xml` (roles Promoted and
/// Unpromoted) or as the older `-X`/`--as-xml` (Master and Slave), which
/// `ocf:heartbeat:galera` (is a promoted instance running?) and
/// `ocf:heartbeat:rabbitmq-cluster` (which nodes are online?) read. Always one shot; the
/// display options are accepted and ignored. Agents run it with `CIB_file` naming
/// `cibadmin -Q`'s output, which is the same view, so the agent is asked directly.
enum CrmMonTool {
    static let options: [ToolArguments.Option] = [
        .init(name: "one-shot", short: "1", takesValue: false),
        .init(name: "as-xml", short: "X", takesValue: false),
        .init(name: "output-as", takesValue: true),
        .init(name: "inactive", short: "r", takesValue: false),
        .init(name: "failcounts", short: "f", takesValue: false),
        .init(name: "show-node-attributes", short: "A", takesValue: false),
        .init(name: "group-by-node", short: "n", takesValue: false),
        .init(name: "show-detail", short: "R", takesValue: false),
        .init(name: "timing-details", short: "t", takesValue: false),
        .init(name: "operations", short: "o", takesValue: false),
        .init(name: "brief", short: "b", takesValue: false),
        .init(name: "simple-status", short: "s", takesValue: false),
        .init(name: "quiet", short: "Q", takesValue: false),
        .init(name: "verbose", short: "V", takesValue: false),
        .init(name: "include", short: "I", takesValue: true),
        .init(name: "exclude", takesValue: true),
        .init(name: "interval", short: "i", takesValue: true),
    ]

    static func run(_ words: [String], context: PacemakerTool.Context) async throws -> String {
        let arguments = try ToolArguments(words, options: options)
        let cluster = try await ClusterMembers.fetch(from: try context.client())
        switch arguments.value("output-as") {
        case "xml": return CIBDocument.monitor(cluster, legacy: false)
        case "text", nil: break
        case let other?: throw PacemakerToolError(usage: "--output-as \(other): text or xml")
        }
        if arguments.has("as-xml") { return CIBDocument.monitor(cluster, legacy: true) }
        if arguments.has("simple-status") {
            let online = cluster.nodes.filter(\.member).count
            return "CLUSTER OK: \(online) node\(online == 1 ? "" : "s") online, \(cluster.resources.count) resource\(cluster.resources.count == 1 ? "" : "s") configured\n"
        }
        return CIBDocument.monitorText(cluster)
    }
}
