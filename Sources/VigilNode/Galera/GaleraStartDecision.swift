import VigilCluster
public import VigilModel
import VigilAgents

/// What a stopped Galera node's agent does when it is assigned to start.
public enum GaleraStartDecision: Sendable, Hashable {
    /// Form the cluster (the coordinator's bootstrap choice, at that record's revision).
    case bootstrap(GaleraPosition, revision: Int64)
    /// Join the running Primary component.
    case join(GaleraPosition)
    /// Not yet, and why (stays stopped; looks again at the next change).
    case wait(String)
}
