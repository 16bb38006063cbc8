public import VigilModel

/// How a Galera node is to start: decided cluster-wide (the coordinator's bootstrap
/// choice, or a Primary component to join), carried out by ``GaleraExecutor``.
public enum GaleraStartMode: Sendable, Hashable {
    /// Form a new cluster from this node's data (`--wsrep-new-cluster`); an empty datadir
    /// is initialised first.
    case bootstrap(GaleraPosition)
    /// Join the running Primary component, from `position` (an IST when the donor's
    /// gcache still holds what follows it, else an SST).
    case join(GaleraPosition)
}
