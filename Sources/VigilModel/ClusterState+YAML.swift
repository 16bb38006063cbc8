extension ClusterState {
    /// The state as YAML in the STATE format of `vigil simulate` (keys sorted, so the
    /// text is stable); decoding it gives this state back.
    public func yaml(nodeOrder: [String]) -> String {
        var out = "quorum: \(quorum)\nnodes:\n"
        for node in nodeOrder {
            let status = self.status(of: node)
            var fields: [String] = []
            if status.unclean { fields.append("unclean: true") } else { fields.append("online: \(status.online)") }
            if status.standby { fields.append("standby: true") }
            if status.maintenance { fields.append("maintenance: true") }
            if !status.attributes.isEmpty {
                let pairs = status.attributes.sorted { $0.key < $1.key }.map { "\(JSONText.string($0.key)): \(JSONText.string($0.value))" }
                fields.append("attributes: {\(pairs.joined(separator: ", "))}")
            }
            out += "  \(node): {\(fields.joined(separator: ", "))}\n"
        }
        func section<T>(_ name: String, _ values: [String: [String: T]], _ render: (T) -> String) {
            let resources = values.filter { !$0.value.isEmpty }
            guard !resources.isEmpty else { return }
            out += "\(name):\n"
            for resource in resources.keys.sorted() {
                let perNode = resources[resource] ?? [:]
                let entries = perNode.sorted { $0.key < $1.key }.map { "\($0.key): \(render($0.value))" }
                out += "  \(resource): {\(entries.joined(separator: ", "))}\n"
            }
        }
        section("resources", resources.mapValues { $0.filter { !$0.value.isEmpty } }) { states in
            states.count == 1 ? states[0].rawValue : "[" + states.map(\.rawValue).joined(separator: ", ") + "]"
        }
        section("failcounts", failcounts) { $0.description }
        section("last-failure", lastFailure) { "\"\($0)\"" }
        section("promotion-scores", promotionScores) { $0.description }
        if let now { out += "now: \"\(now)\"\n" }
        return out
    }
}
