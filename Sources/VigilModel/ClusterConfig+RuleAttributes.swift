extension ClusterConfig {
    /// The node attributes that location rules read (`#uname` aside): the attributes whose
    /// change can move a resource, so the ones a coordinator re-plans for and `vigil status`
    /// shows.
    public var ruleAttributes: Set<String> {
        var names: Set<String> = []
        for constraint in constraints {
            guard case .location(let location) = constraint, case .rule(let rule) = location.target else { continue }
            names.formUnion(rule.attributes)
        }
        names.remove("#uname")
        return names
    }

    /// The value of `attribute` on `node` as a location rule reads it: `#uname` is the
    /// node's name; otherwise the value set at run time (`runtime`: permanent ones with
    /// transient ones in their place), else the configured one.
    public static func attribute(_ attribute: String, of node: NodeConfig, runtime: [String: String]) -> String? {
        if attribute == "#uname" { return node.name }
        return runtime[attribute] ?? node.attributes[attribute]
    }
}
