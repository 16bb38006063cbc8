import Foundation
import VigilModel
import VigilStore

extension ClusterClient {
    /// Says that a lost node is down (`vigil node confirm-down NODE`, Pacemaker's
    /// `stonith_admin --confirm`): records `nodes/<node>/down` with reason `confirmed`,
    /// who and when, so its exclusive resources are recovered elsewhere. The operator
    /// vouches that nothing of it runs any more (powered off, or its services verified
    /// stopped); a wrong confirmation can make two actives.
    ///
    /// - Returns: the record written.
    /// - Throws: ``VigilClusterError`` `notFound` (no such node, or it is not waiting to be
    ///   confirmed down), `conflict` (it is a member: its agent runs), `noConfiguration`;
    ///   `VigilStoreError`.
    @discardableResult
    public func confirmDown(_ node: String) async throws -> NodeDownRecord {
        try await retrying("node \(node)") {
            let snapshot = try await snapshot()
            let config = try requireConfig(snapshot.view)
            guard config.nodes.contains(where: { $0.name == node }) else {
                throw VigilClusterError(.notFound, "no node named \(node) in the applied configuration")
            }
            if snapshot.view.members[node] != nil {
                throw VigilClusterError(.conflict, "\(node) is a member (its agent runs and reports what it runs): nothing to confirm")
            }
            guard let lost = StateBuilder.lostNodes(view: snapshot.view, config: config)[node] else {
                throw VigilClusterError(.notFound, "\(node) is not waiting to be confirmed down (nothing may run there)")
            }
            let record = NodeDownRecord(member: lost.member, reason: .confirmed, at: RFC3339.string(wallClock()), by: actor)
            let downKey = keyspace.nodeDown(node)
            let (eventGuard, eventPut) = try event(
                kind: "confirmed-down", node: node, resource: nil,
                message: "node \(node) confirmed down by an operator; releasing \(lost.resources.keys.sorted())")
            let answer = try await store.txn(
                Txn(
                    compares: [
                        .unchanged(downKey, since: snapshot.modRevision(downKey)), .absent(keyspace.member(node)), eventGuard,
                    ],
                    success: [.put(key: downKey, value: try JSONCoding.encode(record), lease: nil), eventPut]))
            return answer.succeeded ? .done(record) : .retry
        }
    }
}
