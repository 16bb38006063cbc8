public import Foundation
public import Logging
public import VigilCluster
public import VigilStore

/// The agent's attribute manager (Pacemaker's `attrd`): what the `crm_attribute` and
/// `attrd_updater` shims of OCF agents on this host reach through the agent's socket.
///
/// A write is accepted at once and written to etcd by ``run()`` (after its dampening delay,
/// if any), so a slow or silent etcd never holds an agent's action past its timeout; a
/// value still waiting, or written but not yet in the view, is what reads on this host see.
/// Reads otherwise come from the agent's view: the values the whole cluster set.
///
/// Dampening (`attrd_updater -d`): the first change starts the delay; changes during it
/// replace the value to be written, without restarting it; the value then written is the
/// latest. A write of the value already in force is dropped.
public actor NodeAttributeService {
    /// An attribute of a node, permanent or transient.
    struct Key: Hashable, Sendable {
        var node: String
        var name: String
        var transient: Bool
    }

    /// A value waiting to be written (nil: a delete).
    struct Pending: Sendable {
        var value: String?
        var due: ContinuousClock.Instant
    }

    private let store: any ClusterStore
    private let keyspace: Keyspace
    private let node: String
    private let currentView: @Sendable () async -> ClusterView
    private let wallClock: @Sendable () -> Date
    private let logger: Logger
    private let clock = ContinuousClock()
    private var pending: [Key: Pending] = [:]
    /// Values written, until the view reaches the revision they were written at.
    private var written: [Key: (value: String?, revision: Int64)] = [:]
    private let doorbell = Doorbell()

    /// Creates the service of the agent on `node`, reading the cluster from `view`.
    public init(
        store: any ClusterStore, keyspace: Keyspace, node: String, view: @escaping @Sendable () async -> ClusterView,
        wallClock: @escaping @Sendable () -> Date = { Date() }, logger: Logger
    ) {
        self.store = store
        self.keyspace = keyspace
        self.node = node
        self.currentView = view
        self.wallClock = wallClock
        var logger = logger
        logger[metadataKey: "node"] = "\(node)"
        self.logger = logger
    }

    /// Sets (`value` non-nil) or deletes the attribute `name` of `node` (this node when
    /// nil), permanent or `transient`, written after `dampen`.
    ///
    /// - Throws: ``VigilClusterError`` `invalidArgument` for a bad name, `notFound` for a node
    ///   the configuration does not have or a transient attribute of a node that is not a
    ///   member.
    public func set(_ name: String, to value: String?, on node: String? = nil, transient: Bool, dampen: Duration = .zero) async throws {
        try ClusterClient.validateAttributeName(name)
        let node = node ?? self.node
        let view = await currentView()
        if let config = view.config, !config.nodes.contains(where: { $0.name == node }) {
            throw VigilClusterError(.notFound, "no node named \(node) in the applied configuration")
        }
        // This node's own transient attributes are accepted before its member key is in
        // the view (an agent's probes run while it joins, as attrd takes writes while
        // Pacemaker starts): they are written once it is (``flushDue()``).
        if transient, value != nil, node != self.node, view.members[node] == nil {
            throw VigilClusterError(
                .notFound, "node \(node) is not a member: a transient attribute ends with the node's membership, so it cannot be set now")
        }
        let key = Key(node: node, name: name, transient: transient)
        if var entry = pending[key] {
            entry.value = value
            pending[key] = entry
            return
        }
        guard value != stored(key, in: view) else { return }
        pending[key] = Pending(value: value, due: clock.now.advanced(by: max(.zero, dampen)))
        doorbell.ring()
    }

    /// The value of the attribute `name` of `node` (this node when nil): the transient one
    /// (`transient` true), the permanent one set at run time (false), or the one location
    /// rules read (nil: transient, else permanent, else configured). This host's writes
    /// count from the moment they are accepted.
    public func value(_ name: String, on node: String? = nil, transient: Bool?) async -> String? {
        let node = node ?? self.node
        let view = await currentView()
        func current(_ transient: Bool) -> String? {
            let key = Key(node: node, name: name, transient: transient)
            if let entry = pending[key] { return entry.value }
            return stored(key, in: view)
        }
        switch transient {
        case .some(let transient): return current(transient)
        case .none:
            let configured = view.config?.nodes.first { $0.name == node }?.attributes[name]
            return current(true) ?? current(false) ?? configured
        }
    }

    /// The value of the attribute `name` on every configured node that has one (as
    /// ``value(_:on:transient:)`` with `transient`).
    public func values(named name: String, transient: Bool?) async -> [String: String] {
        let view = await currentView()
        var result: [String: String] = [:]
        for node in view.config?.nodes.map(\.name) ?? [] {
            if let value = await value(name, on: node, transient: transient) { result[node] = value }
        }
        return result
    }

    /// Writes accepted values when due, until cancelled; a write the store refuses for
    /// now is tried again a second later.
    public func run() async {
        while !Task.isCancelled {
            await flushDue()
            let next = pending.values.map(\.due).min()
            if let next {
                let delay = next - clock.now
                if delay > .zero { await doorbell.wait(orFor: delay) }
            } else {
                await doorbell.wait(orFor: nil)
            }
        }
    }

    /// The value `key` has in `view`, or this host's last write while the view has not
    /// caught up with it.
    private func stored(_ key: Key, in view: ClusterView) -> String? {
        if let entry = written[key] {
            if view.revision < entry.revision { return entry.value }
            written[key] = nil
        }
        let map = key.transient ? view.transientAttributes : view.permanentAttributes
        return map[key.node]?[key.name]?.record.value
    }

    private func flushDue() async {
        let now = clock.now
        let due = pending.filter { $0.value.due <= now }
        guard !due.isEmpty else { return }
        let view = await currentView()
        for key in due.keys.sorted(by: { ($0.node, $0.name) < ($1.node, $1.name) }) {
            // A newer value may have come while the store answered.
            guard let latest = pending[key], latest.due <= now else { continue }
            if key.transient, key.node == node, view.members[node] == nil {
                // Not a member in the view yet (joining): tried again shortly.
                pending[key]?.due = now.advanced(by: .milliseconds(200))
                continue
            }
            do {
                let (compares, operations) = try ClusterClient.nodeAttributeWrite(
                    keyspace: keyspace, name: key.name, value: latest.value, node: key.node, transient: key.transient,
                    member: view.members[key.node], by: "agent \(node)", at: wallClock())
                let result = try await store.txn(Txn(compares: compares, success: operations))
                if pending[key]?.value == latest.value { pending[key] = nil }
                guard result.succeeded else {
                    logger.warning(
                        "attribute not written: the node's membership changed",
                        metadata: ["attribute": "\(key.name)", "on": "\(key.node)", "transient": "\(key.transient)"])
                    continue
                }
                written[key] = (latest.value, result.revision)
                logger.debug(
                    "attribute written",
                    metadata: [
                        "attribute": "\(key.name)", "on": "\(key.node)", "transient": "\(key.transient)",
                        "value": "\(latest.value ?? "(deleted)")",
                    ])
            } catch let error as VigilClusterError {
                pending[key] = nil
                logger.warning("attribute not written", metadata: ["attribute": "\(key.name)", "on": "\(key.node)", "error": "\(error)"])
            } catch {
                pending[key]?.due = clock.now.advanced(by: .seconds(1))
                logger.warning(
                    "attribute write failed; trying again", metadata: ["attribute": "\(key.name)", "on": "\(key.node)", "error": "\(error)"])
            }
        }
    }
}
