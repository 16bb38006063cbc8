public import VigilStore

extension Keyspace {
    /// What a view of the cluster reads: everything under the prefix but the events (the
    /// history, which can be large, is read on its own, newest first), in pages.
    public func readView(_ store: any ClusterStore) async throws -> RangeResult {
        try await store.snapshot(.prefix(prefix), excluding: .prefix(events))
    }
}
