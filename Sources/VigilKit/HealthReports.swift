import VigilStore

/// The leases of this process's health reports, one per resource: a new report takes a
/// new lease of its TTL and the previous one is revoked after the put (so the key is never
/// without a lease), and leaving the scope withdraws every report.
actor HealthReports {
    private var leases: [String: Int64] = [:]

    /// Records `lease` as `key`'s and returns the one it replaces.
    func replace(_ key: String, with lease: Int64?) -> Int64? {
        let previous = leases[key]
        leases[key] = lease
        return previous
    }

    /// Forgets every lease and returns them.
    func removeAll() -> [Int64] {
        defer { leases = [:] }
        return Array(leases.values)
    }
}
