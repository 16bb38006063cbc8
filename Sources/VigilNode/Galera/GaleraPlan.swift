public import VigilCluster
/// What the coordinator writes for one Galera resource after looking at the view once.
public struct GaleraPlan: Sendable, Hashable {
    /// A new bootstrap choice to write.
    public var bootstrap: GaleraBootstrapRecord?
    /// Delete the bootstrap choice in force (a Primary component exists, or the attempt
    /// ended).
    public var deleteBootstrap = false
    /// A new writer to write.
    public var writer: GaleraWriterRecord?
    /// Why no bootstrap node is chosen yet, when the cluster is down.
    public var waiting: String?

    /// Nothing to do.
    public init() {}

    /// Whether anything is to be written.
    public var isEmpty: Bool { bootstrap == nil && !deleteBootstrap && writer == nil }
}
