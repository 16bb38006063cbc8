import VigilCluster
/// How a self-fence ended: which incarnation it ended and which stops it could not confirm.
public struct SelfFenceOutcome: Sendable, Hashable {
    /// The incarnation (member key create revision) that was fenced, if it was known.
    public var incarnation: Int64?
    /// Resources whose stop was not confirmed (they may still run: the node is unclean).
    public var unconfirmed: [String]

    /// Whether every stop was confirmed.
    public var clean: Bool { unconfirmed.isEmpty }

    /// Creates an outcome.
    public init(incarnation: Int64?, unconfirmed: [String]) {
        self.incarnation = incarnation
        self.unconfirmed = unconfirmed
    }
}
