internal import Yams

/// Decodes and validates a cluster configuration (DESIGN.md "Cluster configuration").
///
/// Every problem is reported at once, each with file, line, column and field path; a
/// configuration with any problem is rejected whole.
public enum ConfigDecoder {
    /// Decodes `yaml`, naming `file` in errors.
    public static func decode(yaml: String, file: String) throws(VigilModelError) -> ClusterConfig {
        var reader = YAMLReader(file: file)
        guard let root = reader.compose(yaml) else {
            throw VigilModelError(code: .syntax, diagnostics: reader.diagnostics)
        }
        return try decode(root: root, path: "", reader: reader)
    }

    /// Decodes `yaml` and also returns where each field came from, for checks made later
    /// (``SourceMap/diagnostic(at:_:)``).
    public static func decodeWithSourceMap(yaml: String, file: String) throws(VigilModelError) -> (ClusterConfig, SourceMap) {
        var reader = YAMLReader(file: file)
        guard let root = reader.compose(yaml) else {
            throw VigilModelError(code: .syntax, diagnostics: reader.diagnostics)
        }
        return try decodeMapped(root: root, path: "", reader: reader)
    }

    /// Decodes the config found under `key` of a larger YAML document (used by scenario
    /// files that hold config, state and expectations together).
    public static func decode(yaml: String, file: String, key: String) throws(VigilModelError) -> ClusterConfig {
        var reader = YAMLReader(file: file)
        guard let root = reader.compose(yaml) else {
            throw VigilModelError(code: .syntax, diagnostics: reader.diagnostics)
        }
        guard let node = root.mapping?[Node(key)] else {
            reader.error(root, key, "missing; expected a cluster configuration")
            throw VigilModelError(code: .invalidConfig, diagnostics: reader.diagnostics)
        }
        return try decode(root: node, path: key, reader: reader)
    }

    static func decode(root: Node, path: String, reader initial: YAMLReader) throws(VigilModelError) -> ClusterConfig {
        try decodeMapped(root: root, path: path, reader: initial).0
    }

    static func decodeMapped(root: Node, path: String, reader initial: YAMLReader) throws(VigilModelError) -> (ClusterConfig, SourceMap) {
        var decoder = ConfigSectionDecoder(reader: initial, prefix: path)
        let config = decoder.decodeRoot(root)
        if let config, decoder.reader.diagnostics.isEmpty {
            return (config, SourceMap(file: decoder.reader.file, marks: decoder.reader.marks))
        }
        let sorted = decoder.reader.diagnostics.sorted { ($0.line, $0.column) < ($1.line, $1.column) }
        throw VigilModelError(code: .invalidConfig, diagnostics: sorted)
    }
}

/// The section-by-section decoding of a configuration, then its cross-checks.
struct ConfigSectionDecoder {
    var reader: YAMLReader
    let prefix: String

    func path(_ suffix: String) -> String {
        prefix.isEmpty ? suffix : "\(prefix).\(suffix)"
    }

    mutating func decodeRoot(_ root: Node) -> ClusterConfig? {
        guard let fields = reader.mapping(root, prefix, allowed: ["cluster", "nodes", "resources", "groups",
                                                                 "constraints", "fence-devices"])
        else { return nil }
        var cluster: ClusterProperties?
        if let node = reader.required(fields, "cluster", "the cluster's properties (cluster: {name: ...})") {
            cluster = decodeCluster(node, path("cluster"))
        }
        var nodes: [(NodeConfig, String)] = []
        if let node = reader.required(fields, "nodes", "a list of nodes") {
            nodes = decodeList(node, path("nodes")) { $0.decodeNode($1, $2) }
        }
        let resources = fields["resources"].map { decodeList($0, path("resources")) { $0.decodeResource($1, $2) } } ?? []
        let groups = fields["groups"].map { decodeList($0, path("groups")) { $0.decodeGroup($1, $2) } } ?? []
        let constraints = fields["constraints"].map { decodeList($0, path("constraints")) { $0.decodeConstraint($1, $2) } } ?? []
        let fenceDevices = fields["fence-devices"].map { decodeList($0, path("fence-devices")) { $0.decodeFenceDevice($1, $2) } } ?? []
        guard let cluster else { return nil }
        let config = ClusterConfig(cluster: cluster, nodes: nodes.map(\.0), resources: resources.map(\.0),
                                   groups: groups.map(\.0), constraints: constraints.map(\.0),
                                   fenceDevices: fenceDevices.map(\.0))
        let paths = ConfigValidator.Paths(nodes: nodes.map(\.1), resources: resources.map(\.1), groups: groups.map(\.1),
                                          constraints: constraints.map(\.1), fenceDevices: fenceDevices.map(\.1))
        var validator = ConfigValidator(config: config, paths: paths)
        validator.validate(into: &reader)
        return config
    }

    /// Decodes each item with its path; an item that fails is left out (its errors are reported).
    mutating func decodeList<T>(_ node: Node, _ path: String, _ decodeItem: (inout Self, Node, String) -> T?) -> [(T, String)] {
        guard let items = reader.sequence(node, path) else { return [] }
        var result: [(T, String)] = []
        for item in items {
            if let value = decodeItem(&self, item.node, item.path) { result.append((value, item.path)) }
        }
        return result
    }

    mutating func decodeCluster(_ node: Node, _ path: String) -> ClusterProperties? {
        guard let fields = reader.mapping(node, path, allowed: ["name", "no-quorum-policy", "fencing",
                                                                "node-loss-timeout", "stickiness", "self-fence-margin",
                                                                "events-keep", "events-max-age", "history-retention"])
        else { return nil }
        let name = reader.required(fields, "name", "the cluster's name").flatMap { reader.name($0, fields.childPath("name")) }
        var properties = ClusterProperties(name: name ?? "")
        if let value = fields["no-quorum-policy"], let policy = reader.enumValue(value, fields.childPath("no-quorum-policy"), NoQuorumPolicy.self) {
            properties.noQuorumPolicy = policy
        }
        if let value = fields["fencing"], let mode = reader.enumValue(value, fields.childPath("fencing"), FencingMode.self) {
            properties.fencing = mode
        }
        if let value = fields["node-loss-timeout"],
            let timeout = reader.duration(value, fields.childPath("node-loss-timeout"), within: InputLimits.Durations.nodeLoss)
        {
            properties.nodeLossTimeout = timeout
        }
        if let value = fields["stickiness"], let score = reader.score(value, fields.childPath("stickiness")) {
            properties.stickiness = score
        }
        if let value = fields["self-fence-margin"], let margin = reader.duration(value, fields.childPath("self-fence-margin")) {
            if margin < .milliseconds(100) || margin > properties.nodeLossTimeout / 2 {
                reader.error(
                    value, fields.childPath("self-fence-margin"),
                    "expected between 100ms and half the node-loss-timeout (\(properties.nodeLossTimeout / 2)), got \(margin)")
            } else {
                properties.selfFenceMargin = margin
            }
        }
        if let value = fields["events-keep"], let keep = reader.int(value, fields.childPath("events-keep"), in: 100...10_000_000, what: "a number of events from 100 to 10000000") {
            properties.eventsKeep = keep
        }
        if let value = fields["events-max-age"], let age = reader.duration(value, fields.childPath("events-max-age")) {
            if age < .seconds(60) || age > .seconds(366 * 24 * 3600) {
                reader.error(value, fields.childPath("events-max-age"), "expected between 1m and 8784h (366 days), got \(age)")
            } else {
                properties.eventsMaxAge = age
            }
        }
        if let value = fields["history-retention"], let retention = reader.duration(value, fields.childPath("history-retention")) {
            if retention < .seconds(5) || retention > .seconds(30 * 24 * 3600) {
                reader.error(value, fields.childPath("history-retention"), "expected between 5s and 720h (30 days), got \(retention)")
            } else {
                properties.historyRetention = retention
            }
        }
        return name == nil ? nil : properties
    }

    mutating func decodeNode(_ node: Node, _ path: String) -> NodeConfig? {
        guard let fields = reader.mapping(node, path, allowed: ["name", "address", "attributes"]) else { return nil }
        guard let name = reader.required(fields, "name", "the node's name").flatMap({ reader.name($0, fields.childPath("name")) })
        else { return nil }
        var config = NodeConfig(name: name)
        if let value = fields["address"] { config.address = reader.string(value, fields.childPath("address"), what: "an address") }
        if let value = fields["attributes"] {
            if let attributes = reader.stringMap(value, fields.childPath("attributes")) {
                if attributes.keys.contains(where: { $0.hasPrefix("#") }) {
                    reader.error(value, fields.childPath("attributes"), "attribute names starting with '#' are reserved (#uname is the node's name)")
                }
                config.attributes = attributes
            }
        }
        return config
    }

    mutating func decodeGroup(_ node: Node, _ path: String) -> GroupConfig? {
        guard let fields = reader.mapping(node, path, allowed: ["name", "members"]) else { return nil }
        let name = reader.required(fields, "name", "the group's name").flatMap { reader.name($0, fields.childPath("name")) }
        let members = reader.required(fields, "members", "a list of resource names").flatMap {
            reader.stringList($0, fields.childPath("members"), nonEmpty: true)
        }
        guard let name, let members else { return nil }
        return GroupConfig(name: name, members: members)
    }

    mutating func decodeFenceDevice(_ node: Node, _ path: String) -> FenceDeviceConfig? {
        guard let fields = reader.mapping(node, path, allowed: ["name", "agent", "params", "password-file", "nodes",
                                                                "plugs", "timeout"])
        else { return nil }
        let name = reader.required(fields, "name", "the device's name").flatMap { reader.name($0, fields.childPath("name")) }
        let agent = reader.required(fields, "agent", "a fence agent such as fence_ipmilan").flatMap {
            reader.string($0, fields.childPath("agent"), what: "a fence agent name or path")
        }
        let nodes = reader.required(fields, "nodes", "the nodes this device fences").flatMap {
            reader.stringList($0, fields.childPath("nodes"), nonEmpty: true)
        }
        var device = FenceDeviceConfig(name: name ?? "", agent: agent ?? "", nodes: nodes ?? [])
        if let value = fields["params"], let params = reader.stringMap(value, fields.childPath("params")) {
            checkFenceLines(value, fields.childPath("params"), keys: true)
            for (key, text) in params.sorted(by: { $0.key < $1.key }) where SecretShape.isSecretName(key) || SecretShape.looksLikeCredential(text) {
                reader.error(value, fields.childPath("params.\(key)"), "secrets must not be written in the configuration; put the password in a file and name it with password-file")
            }
            device.params = params
        }
        if let value = fields["password-file"] {
            device.passwordFile = reader.string(value, fields.childPath("password-file"), what: "a file path")
        }
        if let value = fields["plugs"], let plugs = reader.stringMap(value, fields.childPath("plugs")) {
            checkFenceLines(value, fields.childPath("plugs"), keys: false)
            device.plugs = plugs
        }
        if let value = fields["timeout"], let timeout = reader.duration(value, fields.childPath("timeout"), within: InputLimits.Durations.fence) {
            device.timeout = timeout
        }
        if let agent, agent.contains(where: { $0.isWhitespace }) {
            reader.error(fields["agent"], fields.childPath("agent"), "expected an executable name or path without spaces")
        }
        guard name != nil, agent != nil, nodes != nil else { return nil }
        return device
    }
}
