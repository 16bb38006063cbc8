import Foundation
import VigilModel
import VigilStore

extension ClusterClient {
    /// Moves a resource (or group): with `node`, prefers that node with INFINITY (and
    /// lifts a ban there); without, bans it from every node where it runs now (like
    /// `crm_resource --move` without a node). Returns the new overrides.
    ///
    /// - Throws: ``VigilClusterError`` `notFound` (resource or node), `invalidArgument`
    ///   (no node given and it runs nowhere), `noConfiguration`, `conflict`.
    @discardableResult
    public func move(_ resource: String, to node: String?) async throws -> ResourceAdminRecord {
        try await updateResourceAdmin(resource, node: node, kind: "resource-move") { admin, running in
            if let node {
                admin.prefer = node
                admin.bans.removeAll { $0 == node }
                return "move \(resource) to \(node)"
            }
            guard !running.isEmpty else {
                throw VigilClusterError(.invalidArgument, "\(resource) runs nowhere now; name the node to move it to (--node)")
            }
            admin.bans = Self.merged(admin.bans, running)
            if let prefer = admin.prefer, running.contains(prefer) { admin.prefer = nil }
            return "move \(resource) away from \(running.joined(separator: ", "))"
        }
    }

    /// Bans a resource (or group) from `node` (-INFINITY), or without a node from every
    /// node where it runs now. Returns the new overrides.
    ///
    /// - Throws: as ``move(_:to:)``.
    @discardableResult
    public func ban(_ resource: String, from node: String?) async throws -> ResourceAdminRecord {
        try await updateResourceAdmin(resource, node: node, kind: "resource-ban") { admin, running in
            let targets = node.map { [$0] } ?? running
            guard !targets.isEmpty else {
                throw VigilClusterError(.invalidArgument, "\(resource) runs nowhere now; name the node to ban it from (--node)")
            }
            admin.bans = Self.merged(admin.bans, targets)
            if let prefer = admin.prefer, targets.contains(prefer) { admin.prefer = nil }
            return "ban \(resource) from \(targets.joined(separator: ", "))"
        }
    }

    /// Drops the move and ban overrides of a resource (or group), keeping a `stopped` hold
    /// of a restart in progress; the key is deleted when nothing remains.
    ///
    /// - Throws: ``VigilClusterError`` `notFound`, `noConfiguration`, `conflict`.
    @discardableResult
    public func clear(_ resource: String) async throws -> ResourceAdminRecord {
        try await updateResourceAdmin(resource, node: nil, kind: "resource-clear") { admin, _ in
            admin.prefer = nil
            admin.bans = []
            return "clear the move and ban constraints of \(resource)"
        }
    }

    /// Deletes the failcounts of a resource on `node`, or on every node; returns how many
    /// were deleted (an event is recorded only when some were).
    ///
    /// - Throws: ``VigilClusterError`` `notFound`, `noConfiguration`, `conflict`.
    @discardableResult
    public func cleanup(_ resource: String, node: String?) async throws -> Int {
        try await retrying("cleanup \(resource)") {
            let snapshot = try await snapshot()
            let config = try requireConfig(snapshot.view)
            let members = try Self.members(of: resource, in: config)
            if let node { try Self.requireNode(node, in: config) }
            var keys: [String] = []
            for member in members {
                if let node {
                    let key = keyspace.failcount(member, on: node)
                    if snapshot.kvs[key] != nil { keys.append(key) }
                } else {
                    keys += snapshot.kvs.keys.filter { $0.hasPrefix(keyspace.failcounts(of: member)) }.sorted()
                }
            }
            if keys.isEmpty { return .done(0) }
            let (eventGuard, eventPut) = try event(
                kind: "resource-cleanup", node: node, resource: resource,
                message: "clean up \(resource)" + (node.map { " on \($0)" } ?? "") + ": \(keys.count) failcount(s) deleted")
            let answer = try await store.txn(
                Txn(
                    compares: keys.map { .unchanged($0, since: snapshot.modRevision($0)) } + [eventGuard],
                    success: keys.map { .delete(.key($0)) } + [eventPut]))
            return answer.succeeded ? .done(keys.count) : .retry
        }
    }

    /// Nodes (live members) where any of `resources` is active now, sorted.
    static func runningNodes(of resources: [String], in view: ClusterView) -> [String] {
        var nodes: Set<String> = []
        for (node, statuses) in view.status where view.members[node] != nil {
            for resource in resources where statuses[resource]?.state.isActive == true { nodes.insert(node) }
        }
        return nodes.sorted()
    }

    /// The primitives `name` stands for: itself, or a group's members.
    static func members(of name: String, in config: ClusterConfig) throws -> [String] {
        if config.resource(named: name) != nil { return [name] }
        if let group = config.group(named: name) { return group.members }
        throw VigilClusterError(.notFound, "no resource or group named \(name) in the applied configuration")
    }

    static func requireNode(_ node: String, in config: ClusterConfig) throws {
        guard config.nodes.contains(where: { $0.name == node }) else {
            throw VigilClusterError(.notFound, "no node named \(node) in the applied configuration")
        }
    }

    static func merged(_ existing: [String], _ added: [String]) -> [String] {
        var result = existing
        for node in added where !result.contains(node) { result.append(node) }
        return result
    }

    /// Read-modify-write of `resources/<resource>/admin` with an event. `change` edits the
    /// record given the nodes the resource runs on and returns the event message.
    func updateResourceAdmin(
        _ resource: String, node: String?, kind: String,
        _ change: (inout ResourceAdminRecord, [String]) throws -> String
    ) async throws -> ResourceAdminRecord {
        try await retrying("\(kind) \(resource)") {
            let snapshot = try await snapshot()
            let config = try requireConfig(snapshot.view)
            let members = try Self.members(of: resource, in: config)
            if let node { try Self.requireNode(node, in: config) }
            let key = keyspace.resourceAdmin(resource)
            let current = snapshot.view.resourceAdmin[resource] ?? ResourceAdminRecord()
            var updated = current
            let message = try change(&updated, Self.runningNodes(of: members, in: snapshot.view))
            if updated == current && (snapshot.kvs[key] != nil) == !current.isEmpty { return .done(updated) }
            let (eventGuard, eventPut) = try event(kind: kind, node: node, resource: resource, message: message)
            let write: TxnOp =
                updated.isEmpty ? .delete(.key(key)) : .put(key: key, value: try JSONCoding.encode(updated), lease: nil)
            let answer = try await store.txn(
                Txn(compares: [.unchanged(key, since: snapshot.modRevision(key)), eventGuard], success: [write, eventPut]))
            return answer.succeeded ? .done(updated) : .retry
        }
    }
}
