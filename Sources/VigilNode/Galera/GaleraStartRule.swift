public import VigilCluster
public import VigilModel
import VigilAgents

/// When and how a stopped Galera node starts (pure: a function of the view).
///
/// - A Primary component runs elsewhere: join it — once it no longer counts this node's
///   previous incarnation (its `wsrep_cluster_size` is at most the number of instances
///   that run): joining before the survivors evicted it costs 15–24 s (SERVICES.md).
/// - Otherwise only the node the bootstrap record names may start, with exactly the
///   position it was chosen for, and once per record.
/// - Everything else waits: a node never forms a cluster on its own.
public enum GaleraStartRule {
    /// The decision for `node`, whose recovered position is `position`, for `resource`.
    public static func decide(resource: String, node: String, position: GaleraPosition, view: ClusterView) -> GaleraStartDecision {
        var primaries: [(node: String, size: Int)] = []
        var running = 0
        for (other, statuses) in view.status where other != node && view.members[other] != nil {
            guard let status = statuses[resource] else { continue }
            switch status.state {
            case .started, .starting, .stopping, .unpromoted, .promoted, .failed: running += 1
            case .stopped: break
            }
            if status.state == .started, let galera = status.galera, galera.primary { primaries.append((other, galera.size)) }
        }
        if !primaries.isEmpty {
            let sorted = primaries.sorted { $0.node < $1.node }
            if let stale = sorted.first(where: { $0.size > running }) {
                return .wait("waiting for \(stale.node)'s Primary component to evict this node's previous incarnation (cluster size \(stale.size), \(running) running)")
            }
            return .join(position)
        }
        guard let bootstrap = view.galeraBootstrap[resource] else {
            return .wait("no Primary component: waiting for the coordinator to choose the node to bootstrap")
        }
        let record = bootstrap.record
        guard record.node == node else { return .wait("waiting for \(record.node) to bootstrap (\(record.reason))") }
        guard record.mode == .newCluster else { return .wait("chosen for pc.bootstrap while stopped: waiting for a new choice") }
        if view.galeraPositions[resource]?[node]?.record.bootstrapRevision == bootstrap.modRevision {
            return .wait("already started once from bootstrap choice \(bootstrap.modRevision): waiting for a new choice")
        }
        guard record.forced || (record.uuid == position.uuid && record.seqno == position.seqno) else {
            return .wait("chosen at \(record.uuid):\(record.seqno) but now at \(position): waiting for a new choice")
        }
        return .bootstrap(position, revision: bootstrap.modRevision)
    }
}
