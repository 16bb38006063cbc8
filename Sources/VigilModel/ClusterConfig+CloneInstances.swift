extension ClusterConfig {
    /// The number of a clone's instance on `node` (`OCF_RESKEY_CRM_meta_clone`, and the
    /// `<resource>:<n>` names of notifications): the node's position in ``nodes``, so that
    /// every agent and the coordinator agree on it without talking. A node that is not
    /// configured gets the number after the last configured one.
    public func cloneInstance(on node: String) -> Int {
        nodes.firstIndex { $0.name == node } ?? nodes.count
    }
}
