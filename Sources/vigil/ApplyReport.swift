import VigilCluster

/// How `config apply` and `config fragment apply|remove` report what they did.
enum ApplyReport {
    static func print(_ result: ApplyResult) {
        if result.transition.actions.isEmpty {
            Swift.print("no actions")
        }
        for action in result.transition.actions {
            Swift.print(action.description)
        }
        if !result.transition.unplaced.isEmpty {
            Swift.print("unplaced: " + result.transition.unplaced.joined(separator: ", "))
        }
        if let revision = result.revision {
            Swift.print((result.unchanged ? "applied, unchanged" : "applied") + " (revision \(revision))")
        } else {
            Swift.print("dry run: nothing written")
        }
    }

    /// One line per owner: its fragment's hash, who applied it when, and what it defines.
    static func ownershipLines(_ ownership: ConfigOwnership) -> [String] {
        let names = ownership.namesByOwner
        return ownership.fragments.keys.sorted { ($0 == "operator" ? "" : $0) < ($1 == "operator" ? "" : $1) }.compactMap { owner in
            guard let record = ownership.fragments[owner] else { return nil }
            let defined = names[owner].map { $0.joined(separator: ", ") } ?? "(no resources or groups)"
            return "\(owner): \(defined) — \(record.hash.prefix(19)), applied by \(record.appliedBy) at \(record.appliedAt)"
        }
    }
}
