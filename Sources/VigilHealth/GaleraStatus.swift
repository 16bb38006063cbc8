/// A Galera node's `wsrep_%` status variables and the health rule applied to them.
public struct GaleraStatus: Sendable, Hashable {
    /// Variable name (lower-cased) → value.
    public var values: [String: String]

    /// Creates a status from name/value pairs.
    public init(values: [String: String]) {
        self.values = Dictionary(values.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { _, last in last })
    }

    /// Creates a status from `SHOW STATUS` rows (`[name, value]`, in any order).
    public init(rows: [[String?]]) {
        var values: [String: String] = [:]
        for row in rows where row.count >= 2 {
            if let name = row[0] { values[name.lowercased()] = row[1] ?? "" }
        }
        self.values = values
    }

    /// Passes only for a node that can take traffic: `wsrep_ready=ON`,
    /// `wsrep_connected=ON`, `wsrep_cluster_status=Primary` and `wsrep_local_state=4`
    /// (Synced), or 2 (Donor/Desynced) when `acceptDonor`.
    public func evaluate(acceptDonor: Bool) -> ProbeResult {
        guard let ready = values["wsrep_ready"] else {
            return .fail("not a Galera node (wsrep is not enabled: no wsrep_ready)")
        }
        var problems: [String] = []
        if ready.uppercased() != "ON" { problems.append("wsrep_ready=\(ready)") }
        let connected = values["wsrep_connected"] ?? "missing"
        if connected.uppercased() != "ON" { problems.append("wsrep_connected=\(connected)") }
        let cluster = values["wsrep_cluster_status"] ?? "missing"
        if cluster != "Primary" { problems.append("wsrep_cluster_status=\(cluster)") }
        let state = values["wsrep_local_state"] ?? "missing"
        let comment = values["wsrep_local_state_comment"].map { " (\($0))" } ?? ""
        if !(state == "4" || (acceptDonor && state == "2")) { problems.append("wsrep_local_state=\(state)\(comment)") }
        if problems.isEmpty {
            return .pass("Synced, Primary, size \(values["wsrep_cluster_size"] ?? "?")\(state == "2" ? " (donor)" : "")")
        }
        return .fail("not ready: " + problems.joined(separator: ", "))
    }
}
