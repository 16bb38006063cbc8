/// How a RabbitMQ node starts, as the cluster decided.
public enum RabbitMQStartMode: Sendable, Hashable, CustomStringConvertible {
    /// The first node, with no peer running: it starts as a new cluster (of one).
    case newCluster
    /// Its data makes it a member of the cluster: it just starts (and, when no peer runs,
    /// finds the others that start with it).
    case member
    /// It joins the cluster through running node `peer` (`stop_app`, `join_cluster`,
    /// `start_app`). `forgetFirst`: the peer still lists this node name (a replaced node)
    /// and forgets it first. `discardLocal`: this node's own data belongs to a cluster
    /// that no longer counts it and is moved aside.
    case join(peer: String, forgetFirst: Bool, discardLocal: Bool)
    /// Its peers are gone for good and it stopped last: `force_boot`, then start.
    case forceBoot

    /// A short form for logs and events.
    public var description: String {
        switch self {
        case .newCluster: "new cluster"
        case .member: "member"
        case .join(let peer, let forget, let discard):
            "join \(peer)" + (forget ? " (forgotten first)" : "") + (discard ? " (old data moved aside)" : "")
        case .forceBoot: "force_boot"
        }
    }
}
