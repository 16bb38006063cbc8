internal import Yams

/// Decodes and validates a cluster state (the STATE of `vigil simulate`, DESIGN.md)
/// against the configuration it describes.
public enum StateDecoder {
    /// Decodes `yaml`, naming `file` in errors.
    public static func decode(yaml: String, file: String, config: ClusterConfig) throws(VigilModelError) -> ClusterState {
        var reader = YAMLReader(file: file)
        guard let root = reader.compose(yaml) else {
            throw VigilModelError(code: .syntax, diagnostics: reader.diagnostics)
        }
        return try decode(root: root, path: "", reader: reader, config: config)
    }

    /// Decodes the state found under `key` of a larger YAML document.
    public static func decode(yaml: String, file: String, key: String, config: ClusterConfig) throws(VigilModelError) -> ClusterState {
        var reader = YAMLReader(file: file)
        guard let root = reader.compose(yaml) else {
            throw VigilModelError(code: .syntax, diagnostics: reader.diagnostics)
        }
        guard let node = root.mapping?[Node(key)] else {
            reader.error(root, key, "missing; expected a cluster state")
            throw VigilModelError(code: .invalidState, diagnostics: reader.diagnostics)
        }
        return try decode(root: node, path: key, reader: reader, config: config)
    }

    static func decode(root: Node, path: String, reader initial: YAMLReader, config: ClusterConfig) throws(VigilModelError) -> ClusterState {
        var decoder = StateSectionDecoder(reader: initial, prefix: path, config: config)
        let state = decoder.decodeRoot(root)
        if decoder.reader.diagnostics.isEmpty {
            return state
        }
        let sorted = decoder.reader.diagnostics.sorted { ($0.line, $0.column) < ($1.line, $1.column) }
        throw VigilModelError(code: .invalidState, diagnostics: sorted)
    }
}

struct StateSectionDecoder {
    var reader: YAMLReader
    let prefix: String
    let config: ClusterConfig

    func path(_ suffix: String) -> String {
        prefix.isEmpty ? suffix : "\(prefix).\(suffix)"
    }

    mutating func decodeRoot(_ root: Node) -> ClusterState {
        var state = ClusterState()
        if case .scalar(let scalar) = root, YAMLReader.isNull(scalar) { return state }
        guard let fields = reader.mapping(root, prefix, allowed: ["quorum", "nodes", "resources", "failcounts",
                                                                 "last-failure", "promotion-scores", "now"])
        else { return state }
        if let value = fields["quorum"], let quorum = reader.bool(value, path("quorum")) { state.quorum = quorum }
        if let value = fields["nodes"] { state.nodes = decodeNodes(value, path("nodes")) }
        if let value = fields["resources"] {
            state.resources = decodePerNode(value, path("resources"), what: "instance states") { decoder, node, p, resource in
                decoder.decodeInstances(node, p, resource: resource)
            }
        }
        if let value = fields["failcounts"] {
            state.failcounts = decodePerNode(value, path("failcounts"), what: "failcounts") { decoder, node, p, _ in
                guard let score = decoder.reader.score(node, p) else { return nil }
                if score.value < 0 {
                    decoder.reader.error(node, p, "expected a failcount of 0 or more (or INFINITY), got \(score)")
                    return nil
                }
                return score
            }
        }
        if let value = fields["last-failure"] {
            state.lastFailure = decodePerNode(value, path("last-failure"), what: "failure times") { decoder, node, p, _ in
                decoder.timestamp(node, p)
            }
        }
        if let value = fields["promotion-scores"] {
            state.promotionScores = decodePerNode(value, path("promotion-scores"), what: "promotion scores") { decoder, node, p, resource in
                if decoder.config.resource(named: resource)?.isPromotable == false {
                    decoder.reader.error(node, p, "'\(resource)' is not promotable; promotion scores apply only to promotable resources")
                    return nil
                }
                return decoder.reader.score(node, p)
            }
        }
        if let value = fields["now"] { state.now = timestamp(value, path("now")) }
        return state
    }

    mutating func timestamp(_ node: Node, _ path: String) -> Timestamp? {
        guard let text = reader.string(node, path, what: "a time such as 2026-11-25T10:00:00Z") else { return nil }
        guard let time = Timestamp.parse(text) else {
            reader.error(node, path, "expected a time such as 2026-11-25T10:00:00Z, got '\(text)'")
            return nil
        }
        return time
    }

    mutating func decodeNodes(_ node: Node, _ path: String) -> [String: NodeStatus] {
        var result: [String: NodeStatus] = [:]
        guard let fields = reader.mapping(node, path, allowed: config.nodes.map(\.name)) else { return result }
        for entry in fields.entries {
            let p = fields.childPath(entry.key)
            guard let status = reader.mapping(entry.value, p, allowed: ["online", "standby", "maintenance", "unclean", "attributes"]) else {
                continue
            }
            var value = NodeStatus()
            let unclean = status["unclean"].flatMap { reader.bool($0, status.childPath("unclean")) } ?? false
            value.unclean = unclean
            value.online = status["online"].flatMap { reader.bool($0, status.childPath("online")) } ?? !unclean
            value.standby = status["standby"].flatMap { reader.bool($0, status.childPath("standby")) } ?? false
            value.maintenance = status["maintenance"].flatMap { reader.bool($0, status.childPath("maintenance")) } ?? false
            if let attributes = status["attributes"], let map = reader.stringMap(attributes, status.childPath("attributes")) {
                if map.keys.contains(where: { $0.hasPrefix("#") }) {
                    reader.error(attributes, status.childPath("attributes"), "attribute names starting with '#' are reserved (#uname is the node's name)")
                }
                value.attributes = map
            }
            if value.unclean && value.online {
                reader.error(status["online"], status.childPath("online"), "an unclean node is lost, so it cannot be online")
            }
            result[entry.key] = value
        }
        return result
    }

    /// Decodes `{resource: {node: value}}`, checking resource and node names.
    mutating func decodePerNode<T>(_ node: Node, _ path: String, what: String,
                                   _ decodeValue: (inout Self, Node, String, String) -> T?) -> [String: [String: T]] {
        var result: [String: [String: T]] = [:]
        guard let resources = reader.mapping(node, path, allowed: config.resources.map(\.name)) else { return result }
        for entry in resources.entries {
            let resourcePath = resources.childPath(entry.key)
            if case .scalar(let scalar) = entry.value, YAMLReader.isNull(scalar) { continue }
            guard let nodes = reader.mapping(entry.value, resourcePath, allowed: config.nodes.map(\.name)) else { continue }
            var perNode: [String: T] = [:]
            for nodeEntry in nodes.entries {
                if let value = decodeValue(&self, nodeEntry.value, nodes.childPath(nodeEntry.key), entry.key) {
                    perNode[nodeEntry.key] = value
                }
            }
            result[entry.key] = perNode
        }
        return result
    }

    mutating func decodeInstances(_ node: Node, _ path: String, resource: String) -> [InstanceState]? {
        let isPromotable = config.resource(named: resource)?.isPromotable ?? false
        var states: [InstanceState] = []
        let items: [(path: String, node: Node)]
        if case .sequence = node {
            guard let list = reader.sequence(node, path) else { return nil }
            items = list
        } else {
            items = [(path, node)]
        }
        for item in items {
            guard let state = reader.enumValue(item.node, item.path, InstanceState.self) else { continue }
            if !isPromotable && (state == .promoted || state == .unpromoted) {
                reader.error(item.node, item.path, "'\(resource)' is not promotable; expected started, failed or stopped")
                continue
            }
            states.append(isPromotable && state == .started ? .unpromoted : state)
        }
        return states
    }
}
