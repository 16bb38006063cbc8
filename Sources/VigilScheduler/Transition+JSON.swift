import VigilModel

extension Transition {
    /// The `vigil simulate --json` object (DESIGN.md "Scheduler simulation"), keys sorted.
    public var json: String {
        var out = "{\"placements\": {"
        out += placements.keys.sorted().map { name in
            let value: String
            switch placements[name] ?? .nodes([]) {
            case .nodes(let nodes): value = JSONText.array(nodes)
            case .roles(let promoted, let unpromoted):
                value = "{\"promoted\": \(JSONText.array(promoted)), \"unpromoted\": \(JSONText.array(unpromoted))}"
            }
            return "\(JSONText.string(name)): \(value)"
        }.joined(separator: ", ")
        out += "},\n \"actions\": ["
        out += actions.map { action in
            var fields = ["\"action\": \(JSONText.string(action.kind.rawValue))"]
            if let resource = action.resource { fields.append("\"resource\": \(JSONText.string(resource))") }
            fields.append("\"node\": \(JSONText.string(action.node))")
            fields.append("\"after\": [\(action.after.map(String.init).joined(separator: ", "))]")
            return "{" + fields.joined(separator: ", ") + "}"
        }.joined(separator: ",\n  ")
        out += "],\n \"unplaced\": \(JSONText.array(unplaced))}"
        return out
    }

    /// A human-readable rendering: placements, numbered actions with what they wait for,
    /// and what cannot run.
    public func text(resourceOrder: [String]) -> String {
        var lines = ["Placements:"]
        let width = max(8, resourceOrder.map(\.count).max() ?? 0)
        for name in resourceOrder {
            let rendered: String
            switch placements[name] ?? .nodes([]) {
            case .nodes(let nodes): rendered = nodes.isEmpty ? "stopped" : nodes.joined(separator: ", ")
            case .roles(let promoted, let unpromoted):
                rendered = promoted.isEmpty && unpromoted.isEmpty ? "stopped"
                    : "promoted: \(promoted.isEmpty ? "-" : promoted.joined(separator: ", "))"
                        + "; unpromoted: \(unpromoted.isEmpty ? "-" : unpromoted.joined(separator: ", "))"
            }
            lines.append("  " + name.padding(to: width) + "  " + rendered)
        }
        lines.append(actions.isEmpty ? "Actions: none" : "Actions:")
        for (index, action) in actions.enumerated() {
            let wait = action.after.isEmpty ? "" : "   (after \(action.after.map(String.init).joined(separator: ", ")))"
            lines.append("  " + String(index).padding(to: 4) + action.description + wait)
        }
        lines.append("Unplaced: " + (unplaced.isEmpty ? "none" : unplaced.joined(separator: ", ")))
        return lines.joined(separator: "\n")
    }
}

extension String {
    func padding(to width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
