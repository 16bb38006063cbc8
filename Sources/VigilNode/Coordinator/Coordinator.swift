import Foundation
public import Logging
public import VigilModel
public import VigilStore

/// The coordinator's runtime: while this node holds the coordinator term, every new view
/// is turned into a ``CoordinatorDecision`` and its assignment writes, each guarded by the
/// term (a deposed coordinator's writes fail) and by the assignment's mod revision (a view
/// gone stale fails instead of overwriting).
public actor Coordinator {
    private let store: any ClusterStore
    private let keyspace: Keyspace
    private let election: CoordinatorElection
    private let node: String
    private let wallClock: @Sendable () -> Timestamp
    private let logger: Logger
    private var awaitingRevision: Int64 = 0
    private var lastWaiting: [String] = []
    private var lastView: ClusterView?
    private var eventCounter = 0

    /// Creates the coordinator runtime of `node`.
    public init(
        store: any ClusterStore, keyspace: Keyspace, election: CoordinatorElection, node: String,
        wallClock: @escaping @Sendable () -> Timestamp, logger: Logger = Logger(label: "vigil.node.coordinator")
    ) {
        self.store = store
        self.keyspace = keyspace
        self.election = election
        self.node = node
        self.wallClock = wallClock
        var logger = logger
        logger[metadataKey: "node"] = "\(node)"
        self.logger = logger
    }

    /// What the last decision waited for (empty when it planned).
    public var waitingFor: [String] { lastWaiting }

    /// Decides on `view` (or the last view) and writes the assignments, when coordinator.
    /// - Returns: the number of assignments written.
    @discardableResult
    public func update(view: ClusterView? = nil) async -> Int {
        if let view { lastView = view }
        guard let view = lastView, let term = await election.term else { return 0 }
        // Wait until the view includes our own last writes, so no step is written twice.
        guard view.revision >= awaitingRevision else { return 0 }
        let decision = CoordinatorCore.decide(view: view, term: term, now: wallClock())
        if decision.waitingFor != lastWaiting, !decision.waitingFor.isEmpty {
            logger.debug("waiting", metadata: ["for": "\(decision.waitingFor)"])
        }
        lastWaiting = decision.waitingFor
        var written = 0
        for (resource, record) in decision.writes.sorted(by: { $0.key < $1.key }) {
            guard let value = try? JSONEncoder().encode(record) else { continue }
            let key = keyspace.assignment(resource)
            let summary = record.nodes.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.role.rawValue)" }.joined(separator: " ")
            let event = eventOp(resource: resource, message: "assigned \(summary)")
            do {
                let result = try await election.guardedTxn(
                    Txn(
                        compares: [.unchanged(key, since: view.assignments[resource]?.modRevision ?? 0)],
                        success: [.put(key: key, value: Array(value), lease: nil), event]))
                if result.succeeded {
                    written += 1
                    awaitingRevision = max(awaitingRevision, result.revision)
                    logger.info("assigned", metadata: ["resource": "\(resource)", "nodes": "\(summary)", "term": "\(term)"])
                } else {
                    logger.info("assignment not written: term or view stale", metadata: ["resource": "\(resource)"])
                    awaitingRevision = max(awaitingRevision, result.revision)
                    break
                }
            } catch {
                logger.warning("assignment write failed", metadata: ["resource": "\(resource)", "error": "\(error)"])
                break
            }
        }
        return written
    }

    private func eventOp(resource: String, message: String) -> TxnOp {
        let now = wallClock()
        eventCounter += 1
        let record = EventRecord(time: now.description, node: node, resource: resource, kind: "assigned", message: message)
        return keyspace.eventPut(record, at: now.millisecondsSinceEpoch, counter: eventCounter, writer: node)
    }
}
