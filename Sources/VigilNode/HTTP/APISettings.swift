public import VigilCluster
public import VigilStore

/// What the agent's HTTP API needs for its cluster operations: the store and keyspace
/// the CLI would use, this node's name (the default node of health reports), the access
/// rules, and TLS.
public struct APISettings: Sendable {
    /// The cluster's store.
    public var store: any ClusterStore
    /// The cluster's keys.
    public var keyspace: Keyspace
    /// This node.
    public var node: String
    /// Who may read and write.
    public var access: APIAccess
    /// The certificate and key to serve HTTPS with; nil: plain HTTP.
    public var tls: TLSFiles?

    /// Creates settings.
    public init(store: any ClusterStore, keyspace: Keyspace, node: String, access: APIAccess, tls: TLSFiles?) {
        self.store = store
        self.keyspace = keyspace
        self.node = node
        self.access = access
        self.tls = tls
    }
}
