public import VigilModel
public import VigilScheduler

/// What `ClusterClient.applyConfig` did, or would do for a dry run.
public struct ApplyResult: Sendable {
    /// The validated configuration.
    public var config: ClusterConfig
    /// The scheduler's plan for it against the cluster now (with the operator overrides).
    public var transition: Transition
    /// `sha256:<hex>` of the YAML.
    public var hash: String
    /// The hash of the configuration applied before, if any.
    public var previousHash: String?
    /// The revision the configuration was written at; nil for a dry run.
    public var revision: Int64?

    /// Creates a result.
    public init(config: ClusterConfig, transition: Transition, hash: String, previousHash: String?, revision: Int64?) {
        self.config = config
        self.transition = transition
        self.hash = hash
        self.previousHash = previousHash
        self.revision = revision
    }

    /// Whether the YAML is the one already applied.
    public var unchanged: Bool { previousHash == hash }
}
