import Foundation
import VigilModel
import VigilStore

extension ClusterClient {
    /// Sets a node's operator settings (`nodes/<node>/admin`): `standby` (takes no
    /// resources; `false` is `vigil node online`) and/or `maintenance` (its resources are
    /// left alone). A nil argument keeps the current value.
    ///
    /// Returns the new settings; nothing is written (and no event recorded) when they do
    /// not change. A record equal to the defaults deletes the key.
    ///
    /// - Throws: ``VigilClusterError`` `notFound` when the applied configuration has no such
    ///   node, `noConfiguration`, `conflict`; `VigilStoreError`.
    @discardableResult
    public func setNode(_ node: String, standby: Bool? = nil, maintenance: Bool? = nil) async throws -> NodeAdminRecord {
        try await retrying("node \(node)") {
            let snapshot = try await snapshot()
            let config = try requireConfig(snapshot.view)
            guard config.nodes.contains(where: { $0.name == node }) else {
                throw VigilClusterError(.notFound, "no node named \(node) in the applied configuration")
            }
            let key = keyspace.nodeAdmin(node)
            let current = snapshot.view.nodeAdmin[node] ?? NodeAdminRecord()
            var updated = current
            if let standby { updated.standby = standby }
            if let maintenance { updated.maintenance = maintenance }
            if updated == current && snapshot.kvs[key] != nil || updated == NodeAdminRecord() && snapshot.kvs[key] == nil {
                return .done(updated)
            }
            var changes: [String] = []
            if updated.standby != current.standby { changes.append(updated.standby ? "standby" : "online") }
            if updated.maintenance != current.maintenance {
                changes.append(updated.maintenance ? "maintenance on" : "maintenance off")
            }
            let (eventGuard, eventPut) = try event(
                kind: "node-admin", node: node, resource: nil,
                message: "node \(node): " + (changes.isEmpty ? "settings rewritten" : changes.joined(separator: ", ")))
            let write: TxnOp =
                updated == NodeAdminRecord()
                ? .delete(.key(key)) : .put(key: key, value: try JSONCoding.encode(updated), lease: nil)
            let answer = try await store.txn(
                Txn(compares: [.unchanged(key, since: snapshot.modRevision(key)), eventGuard], success: [write, eventPut]))
            return answer.succeeded ? .done(updated) : .retry
        }
    }
}
