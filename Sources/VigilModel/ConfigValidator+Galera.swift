extension ConfigValidator {
    /// A `galera` resource is a clone with one instance per node (DESIGN.md "Galera"), and
    /// every node it may run on (``ClusterConfig/nodesAllowed(for:)``) has an option file:
    /// `params.config`, or `node-params.NODE.config`.
    mutating func validateGalera(_ resource: ResourceConfig, path: String, into reader: inout YAMLReader) {
        guard case .galera(let params) = resource.params else { return }
        switch resource.variant {
        case .primitive:
            reader.error(atPath: path, "a galera resource is a clone, one instance per node; expected clone: {max: N} (N: the number of Galera nodes)")
        case .promotable:
            reader.error(
                atPath: path + ".promotable",
                "a galera resource is a clone, one instance per node, not promotable; expected clone: {max: N} (Vigil picks the writer: GET /health/\(resource.name)?role=writer)")
        case .clone(let options) where options.perNode != 1:
            reader.error(atPath: path + ".clone.per-node", "expected 1 for a galera resource (one MariaDB server per node), got \(options.perNode)")
        case .clone:
            break
        }
        // A config already reported as malformed (a relative path) is not also "missing".
        let reported = Set(reader.diagnostics.map(\.path))
        let lacking = config.nodesAllowed(for: resource).map(\.name).filter { node in
            if reported.contains(path + ".params.config") || reported.contains("\(path).node-params.\(node).config") { return false }
            guard case .galera(let resolved) = resource.resolved(on: node).params else { return params.config == nil }
            return resolved.config == nil
        }
        guard !lacking.isEmpty else { return }
        let which = lacking.count == 1
            ? "node-params.\(lacking[0]).config for node \(lacking[0])"
            : "node-params.<node>.config for nodes \(lacking.joined(separator: ", "))"
        reader.error(atPath: path + ".params.config", "missing; expected the node's MariaDB option file (params.config, or \(which))")
    }
}
