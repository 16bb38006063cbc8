public import Foundation
public import VigilModel
public import VigilStore

/// Node attributes set at run time (`nodes/<node>/attributes/<name>`, permanent, and
/// `nodes/<node>/transient/<name>`, on the node's member lease): what `vigil node attribute`
/// and the agents' `crm_attribute`/`attrd_updater` shims write, and location rules read.
extension ClusterClient {
    /// A node attribute's values: the permanent one, the transient one, and the one rules
    /// read (the transient one where both are set, else the permanent one, else the
    /// configured one).
    public struct NodeAttributeValues: Sendable, Hashable {
        /// `nodes/<node>/attributes/<name>`, if set.
        public var permanent: NodeAttributeRecord?
        /// `nodes/<node>/transient/<name>`, if set.
        public var transient: NodeAttributeRecord?
        /// The configuration's `attributes:` value, if any.
        public var configured: String?
        /// What a location rule reads.
        public var effective: String? { transient?.value ?? permanent?.value ?? configured }
    }

    /// Checks an attribute name: a key segment that does not start with `#` (reserved:
    /// `#uname` is the node's name).
    ///
    /// - Throws: ``VigilClusterError`` `invalidArgument`.
    public static func validateAttributeName(_ name: String) throws {
        guard !name.hasPrefix("#") else {
            throw VigilClusterError(.invalidArgument, "attribute names starting with '#' are reserved (#uname is the node's name)")
        }
        try validateSegment(name, what: "an attribute name")
    }

    /// The operations that set (`value` non-nil) or delete the attribute `name` on `node`,
    /// and the compares that guard them: a transient attribute is put on the lease of
    /// `node`'s live member (`member`), guarded by its incarnation, so that it ends with
    /// that membership; a permanent one has no lease and no guard (last writer wins, as in
    /// Pacemaker's attribute manager).
    ///
    /// - Throws: ``VigilClusterError`` `notFound` when a transient attribute is set on a node
    ///   that is not a member (it would have nothing to end with).
    public static func nodeAttributeWrite(
        keyspace: Keyspace, name: String, value: String?, node: String, transient: Bool,
        member: ClusterView.Member?, by: String, at: Date
    ) throws -> (compares: [Compare], operations: [TxnOp]) {
        let key = keyspace.nodeAttribute(name, on: node, transient: transient)
        guard let value else { return ([], [.delete(.key(key))]) }
        let record = NodeAttributeRecord(value: value, at: RFC3339.string(at), by: by)
        let bytes = try JSONCoding.encode(record)
        guard transient else { return ([], [.put(key: key, value: bytes, lease: nil)]) }
        guard let member else {
            throw VigilClusterError(
                .notFound, "node \(node) is not a member: a transient attribute ends with the node's membership, so it cannot be set now")
        }
        return ([.created(keyspace.member(node), at: member.incarnation)], [.put(key: key, value: bytes, lease: member.lease)])
    }

    /// Sets the attribute `name` of `node` to `value`: permanent, or `transient` (gone when the
    /// node's membership ends). Records an event. Returns false when it already had that
    /// value (nothing written).
    ///
    /// - Throws: ``VigilClusterError`` `notFound` (no such node in the applied configuration;
    ///   a transient attribute of a node that is not a member), `invalidArgument`,
    ///   `noConfiguration`, `conflict`; `VigilStoreError`.
    @discardableResult
    public func setNodeAttribute(_ name: String, to value: String, on node: String, transient: Bool) async throws -> Bool {
        try Self.validateAttributeName(name)
        return try await retrying("attribute \(name) of \(node)") {
            let snapshot = try await snapshot()
            try requireNode(node, in: snapshot.view)
            let current = transient ? snapshot.view.transientAttributes[node]?[name] : snapshot.view.permanentAttributes[node]?[name]
            if current?.record.value == value { return .done(false) }
            let (compares, operations) = try Self.nodeAttributeWrite(
                keyspace: keyspace, name: name, value: value, node: node, transient: transient,
                member: snapshot.view.members[node], by: actor, at: wallClock())
            let key = keyspace.nodeAttribute(name, on: node, transient: transient)
            let (eventGuard, eventPut) = try event(
                kind: "node-attribute", node: node, resource: nil,
                message: "node \(node): \(transient ? "transient " : "")attribute \(name) set to \(value)")
            let answer = try await store.txn(
                Txn(compares: compares + [.unchanged(key, since: snapshot.modRevision(key)), eventGuard], success: operations + [eventPut]))
            return answer.succeeded ? .done(true) : .retry
        }
    }

    /// Deletes the attribute `name` of `node` (permanent, or `transient`). Records an event.
    /// Returns false when it was not set.
    ///
    /// - Throws: as ``setNodeAttribute(_:to:on:transient:)``.
    @discardableResult
    public func deleteNodeAttribute(_ name: String, on node: String, transient: Bool) async throws -> Bool {
        try Self.validateAttributeName(name)
        return try await retrying("attribute \(name) of \(node)") {
            let snapshot = try await snapshot()
            try requireNode(node, in: snapshot.view)
            let key = keyspace.nodeAttribute(name, on: node, transient: transient)
            guard snapshot.kvs[key] != nil else { return .done(false) }
            let (eventGuard, eventPut) = try event(
                kind: "node-attribute", node: node, resource: nil,
                message: "node \(node): \(transient ? "transient " : "")attribute \(name) deleted")
            let answer = try await store.txn(
                Txn(compares: [.unchanged(key, since: snapshot.modRevision(key)), eventGuard], success: [.delete(.key(key)), eventPut]))
            return answer.succeeded ? .done(true) : .retry
        }
    }

    /// The values of the attribute `name` on `node`.
    ///
    /// - Throws: ``VigilClusterError`` `notFound`, `invalidArgument`, `noConfiguration`;
    ///   `VigilStoreError`.
    public func nodeAttribute(_ name: String, on node: String) async throws -> NodeAttributeValues {
        try Self.validateAttributeName(name)
        let view = try await view()
        let config = try requireNode(node, in: view)
        return NodeAttributeValues(
            permanent: view.permanentAttributes[node]?[name]?.record, transient: view.transientAttributes[node]?[name]?.record,
            configured: config.nodes.first { $0.name == node }?.attributes[name])
    }

    /// Every attribute of `node` (configured or set at run time), by name.
    ///
    /// - Throws: ``VigilClusterError`` `notFound`, `noConfiguration`; `VigilStoreError`.
    public func nodeAttributes(of node: String) async throws -> [String: NodeAttributeValues] {
        let view = try await view()
        let config = try requireNode(node, in: view)
        let configured = config.nodes.first { $0.name == node }?.attributes ?? [:]
        let permanent = view.permanentAttributes[node] ?? [:]
        let transient = view.transientAttributes[node] ?? [:]
        var result: [String: NodeAttributeValues] = [:]
        for name in Set(configured.keys).union(permanent.keys).union(transient.keys) {
            result[name] = NodeAttributeValues(
                permanent: permanent[name]?.record, transient: transient[name]?.record, configured: configured[name])
        }
        return result
    }

    /// The applied configuration, when it has `node`.
    @discardableResult
    func requireNode(_ node: String, in view: ClusterView) throws -> ClusterConfig {
        let config = try requireConfig(view)
        guard config.nodes.contains(where: { $0.name == node }) else {
            throw VigilClusterError(.notFound, "no node named \(node) in the applied configuration")
        }
        return config
    }
}
