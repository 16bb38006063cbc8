public import VigilCluster

extension Vigil {
    /// The cluster now, as `vigil status --json` shows it.
    public func status() async throws -> ClusterStatus {
        try await client.status()
    }

    /// The cluster's status now and after every change (coalesced: a change that leaves
    /// the status as it was yields nothing).
    ///
    /// ```swift
    /// for try await status in vigil.watchStatus() { … }
    /// ```
    public func watchStatus() -> StatusUpdates {
        StatusUpdates(keyspace: keyspace, updates: KeyspaceUpdates(store: store, prefix: keyspace.prefix, excluding: keyspace.events))
    }
}
