import Foundation
public import VigilModel
import VigilStore

extension ClusterClient {
    /// The longest `reason` ``forceGaleraBootstrap(_:resource:reason:)`` takes.
    public static let maxBootstrapReasonLength = 1000

    /// The operator's override for a Galera node lost forever (`vigil galera bootstrap
    /// NODE --force`): makes `node` form a new cluster (`--wsrep-new-cluster`) from its own
    /// data, without the coordinator's rule that no node which may hold newer transactions
    /// is bootstrapped past. Transactions that only the other nodes committed are lost
    /// (they are discarded, by SST, when those nodes join).
    ///
    /// Writes `galera/<resource>/bootstrap` and `galera/<resource>/last-bootstrap` =
    /// ``GaleraBootstrapRecord`` (mode `new-cluster`, the node's last published position —
    /// zeros and -1 when it published none —, `forced: true`, `by` the actor with the
    /// command) and a `galera-bootstrap-forced` event with who and why, in one transaction
    /// guarded by the revisions of the configuration, those keys, the node's member and
    /// position keys and every Galera node's status key as read. ``GaleraStartRule`` lets
    /// the node start from a forced record whatever its position; the coordinator deletes
    /// it once a Primary component exists.
    ///
    /// - Parameters:
    ///   - node: the node to bootstrap.
    ///   - resource: the Galera resource; nil: the only one in the configuration.
    ///   - reason: why, for the record and the event (whitespace runs become one space;
    ///     at most ``maxBootstrapReasonLength`` characters).
    /// - Throws: ``VigilClusterError`` — nothing is written — `notFound` (no such resource, no
    ///   Galera resource, or `node` is not one of the resource's nodes), `invalidArgument`
    ///   (several Galera resources and none named, a resource that is not Galera, a reason
    ///   too long), `conflict` (a Primary component runs; `node`'s instance runs; `node`'s
    ///   agent is not a member: the coordinator drops a choice of a node without an agent;
    ///   or the keys kept changing), `noConfiguration`; `VigilStoreError`.
    @discardableResult
    public func forceGaleraBootstrap(_ node: String, resource: String? = nil, reason: String? = nil) async throws -> ForcedGaleraBootstrap {
        let why = (reason ?? "").split(whereSeparator: \.isWhitespace).joined(separator: " ")
        guard why.count <= Self.maxBootstrapReasonLength else {
            throw VigilClusterError(.invalidArgument, "the reason is \(why.count) characters long; at most \(Self.maxBootstrapReasonLength) are kept")
        }
        return try await retrying("galera bootstrap \(node)") {
            let snapshot = try await snapshot()
            let view = snapshot.view
            let config = try requireConfig(view)
            let galera = try galeraResource(resource, in: config)
            let name = galera.name
            let nodes = GaleraNodes.of(galera, in: config)
            guard nodes.contains(node) else {
                guard config.nodes.contains(where: { $0.name == node }) else {
                    throw VigilClusterError(.notFound, "no node named \(node) in the applied configuration")
                }
                throw VigilClusterError(.notFound, "\(node) is not a node of galera resource \(name) (its nodes: \(nodes.joined(separator: ", ")))")
            }
            let lost = Set(StateBuilder.lostNodes(view: view, config: config).keys)
            let status = GaleraResourceStatus(resource: galera, config: config, view: view, lost: lost)
            let primaries = view.status.keys.sorted().filter { view.members[$0] != nil && view.status[$0]?[name]?.galera?.primary == true }
            guard primaries.isEmpty else {
                let described = primaries.map { "\($0): \(status.nodes[$0]?.state ?? "Primary")" }.joined(separator: ", ")
                throw VigilClusterError(
                    .conflict,
                    "a Primary component of \(name) runs (\(described)): there is nothing to bootstrap; \(node) joins it when its agent starts it")
            }
            if let own = status.nodes[node], own.running {
                throw VigilClusterError(
                    .conflict,
                    "\(node) runs \(name) (\(own.state)): a forced bootstrap starts a stopped node with --wsrep-new-cluster; it does not act on a running instance")
            }
            guard let incarnation = view.incarnation(of: node) else {
                throw VigilClusterError(
                    .conflict,
                    "\(node)'s agent is not running (no live member): start vigil agent on \(node) first, so that it recovers its position; "
                        + "the coordinator drops a bootstrap choice for a node without an agent")
            }

            let position = view.galeraPositions[name]?[node]?.record
            let known = position.map { !$0.running } ?? false
            let record = GaleraBootstrapRecord(
                node: node, mode: .newCluster, uuid: position?.uuid ?? GaleraPosition.zeroUUID,
                seqno: position?.seqno ?? -1, at: RFC3339.string(wallClock()),
                reason: why.isEmpty ? "operator override (no reason given)" : why, forced: true,
                by: "\(actor) (vigil galera bootstrap --force)")
            let others = nodes.filter { $0 != node }.compactMap { other in
                status.nodes[other].map { "\(other) \(Self.describe($0))" }
            }
            let (eventGuard, eventPut) = try event(
                kind: "galera-bootstrap-forced", node: node, resource: name,
                message: "\(node) forced to bootstrap \(name) as a new cluster from \(record.uuid):\(record.seqno)"
                    + (known ? "" : " (not known to be its position now)")
                    + ", skipping the check that no node holds newer transactions"
                    + (others.isEmpty ? "" : " (others: \(others.joined(separator: ", ")))")
                    + "; reason: \(record.reason)")

            let bootstrapKey = keyspace.galeraBootstrap(name)
            let lastKey = keyspace.galeraLastBootstrap(name)
            let positionKey = keyspace.galeraPosition(name, on: node)
            var compares: [Compare] = [
                .unchanged(keyspace.config, since: snapshot.modRevision(keyspace.config)),
                .unchanged(bootstrapKey, since: snapshot.modRevision(bootstrapKey)),
                .unchanged(lastKey, since: snapshot.modRevision(lastKey)),
                .unchanged(positionKey, since: snapshot.modRevision(positionKey)),
                .created(keyspace.member(node), at: incarnation),
                eventGuard,
            ]
            for other in nodes {
                let key = keyspace.status(name, on: other)
                compares.append(.unchanged(key, since: snapshot.modRevision(key)))
            }
            let answer = try await store.txn(
                Txn(
                    compares: compares,
                    success: [
                        .put(key: bootstrapKey, value: try JSONCoding.encode(record), lease: nil),
                        GaleraHistory.lastBootstrapOp(record, resource: name, in: keyspace),
                        eventPut,
                    ]))
            guard answer.succeeded else { return .retry }
            return .done(
                ForcedGaleraBootstrap(resource: name, record: record, positionKnown: known, nodes: status.nodes, revision: answer.revision))
        }
    }

    /// The Galera resource named `name`, or the only one when `name` is nil.
    func galeraResource(_ name: String?, in config: ClusterConfig) throws -> ResourceConfig {
        let galera = config.resources.filter { $0.agent == .galera && $0.isClone }
        if let name {
            guard let resource = config.resources.first(where: { $0.name == name }) else {
                throw VigilClusterError(.notFound, "no resource named \(name) in the applied configuration")
            }
            guard galera.contains(where: { $0.name == name }) else {
                throw VigilClusterError(.invalidArgument, "\(name) is not a galera resource (agent: \(resource.agent))")
            }
            return resource
        }
        switch galera.count {
        case 0: throw VigilClusterError(.notFound, "no galera resource in the applied configuration")
        case 1: return galera[0]
        default:
            throw VigilClusterError(
                .invalidArgument, "several galera resources (\(galera.map(\.name).joined(separator: ", "))): name one with --resource")
        }
    }

    /// A node line in words, for events.
    static func describe(_ node: GaleraResourceStatus.Node) -> String {
        guard let seqno = node.seqno else { return "\(node.state) with no position published" }
        let current = node.running || node.known == true ? "" : " (not known to be current)"
        return "\(node.state) at seqno \(seqno)\(current)"
    }
}
