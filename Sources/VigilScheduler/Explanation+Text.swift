import VigilModel

extension Explanation {
    /// The `vigil explain --json` object (docs/operator-guide.md, "Why is it there?"): scores
    /// are numbers, INFINITY being 1000000.
    public var json: String {
        var fields = ["\"resource\": \(JSONText.string(resource))"]
        if let group { fields.append("\"group\": \(JSONText.string(group))") }
        fields.append("\"placed\": \(JSONText.array(placed))")
        if let promoted { fields.append("\"promoted\": \(JSONText.array(promoted))") }
        fields.append("\"decision\": \(JSONText.string(decision))")
        let nodes = self.nodes.map { node in
            let terms = node.terms.map { term in
                "{\"kind\": \(JSONText.string(term.kind.rawValue)), \"score\": \(term.score.value), \"reason\": \(JSONText.string(term.reason))}"
            }.joined(separator: ", ")
            return "{\"node\": \(JSONText.string(node.node)), \"score\": \(node.score.value), \"terms\": [\(terms)]}"
        }.joined(separator: ",\n  ")
        fields.append("\"nodes\": [\(nodes)]")
        return "{" + fields.joined(separator: ",\n ") + "}"
    }

    /// The human-readable answer: where it runs and why, then every node's score with
    /// its terms.
    public var text: String {
        var where_ = placed.isEmpty ? "stopped" : "runs on \(placed.joined(separator: ", "))"
        if let promoted, !promoted.isEmpty { where_ += ", promoted on \(promoted.joined(separator: ", "))" }
        var lines = ["\(resource)\(group.map { " (group \($0))" } ?? ""): \(where_)", "  why: \(decision)", "  scores:"]
        let width = max(4, nodes.map(\.node.count).max() ?? 0)
        for node in nodes {
            lines.append("    \(node.node.padding(toLength: width, withPad: " ", startingAt: 0))  \(node.score)")
            if node.terms.isEmpty { lines.append("        (no constraint: 0)") }
            for term in node.terms {
                let score = term.score.value > 0 && !term.score.isInfinity ? "+\(term.score)" : (term.score.isInfinity ? "+INFINITY" : "\(term.score)")
                lines.append("        \(score.padding(toLength: 10, withPad: " ", startingAt: 0)) \(term.reason)")
            }
        }
        return lines.joined(separator: "\n")
    }
}
