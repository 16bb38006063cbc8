import VigilCluster
import Foundation
public import VigilModel
import VigilStore

extension Coordinator {
    /// Writes the Galera decisions of `view` (``GaleraPlanner``): bootstrap choices and
    /// writers, each guarded by the term and by the key's revision in the view.
    func applyGaleraPlans(view: ClusterView, config: ClusterConfig, term: Int64) async {
        for resource in config.resources where resource.agent == .galera && resource.isClone {
            let plan = GaleraPlanner.plan(resource: resource, config: config, view: view, now: wallClock().description, by: node)
            if let waiting = plan.waiting, galeraWaiting[resource.name] != waiting {
                galeraWaiting[resource.name] = waiting
                logger.notice("galera: \(waiting)", metadata: ["resource": "\(resource.name)"])
                _ = try? await election.guardedTxn(Txn(success: [eventOp(resource: resource.name, kind: "galera-waiting", message: waiting)]))
            }
            if plan.waiting == nil { galeraWaiting[resource.name] = nil }
            guard !plan.isEmpty else { continue }
            let bootstrapKey = keyspace.galeraBootstrap(resource.name)
            let writerKey = keyspace.galeraWriter(resource.name)
            var ops: [TxnOp] = []
            var compares: [Compare] = []
            if let bootstrap = plan.bootstrap, let value = try? JSONEncoder().encode(bootstrap) {
                compares.append(.unchanged(bootstrapKey, since: view.galeraBootstrap[resource.name]?.modRevision ?? 0))
                ops.append(.put(key: bootstrapKey, value: Array(value), lease: nil))
                ops.append(GaleraHistory.lastBootstrapOp(bootstrap, resource: resource.name, in: keyspace))
                ops.append(eventOp(
                    resource: resource.name, kind: "galera-bootstrap-choice",
                    message: "\(bootstrap.node) chosen to \(bootstrap.mode == .newCluster ? "bootstrap" : "become Primary (pc.bootstrap)") at \(bootstrap.uuid):\(bootstrap.seqno): \(bootstrap.reason)"))
            } else if plan.deleteBootstrap, let current = view.galeraBootstrap[resource.name] {
                compares.append(.unchanged(bootstrapKey, since: current.modRevision))
                ops.append(.delete(.key(bootstrapKey)))
            }
            if let writer = plan.writer, let value = try? JSONEncoder().encode(writer) {
                compares.append(.unchanged(writerKey, since: view.galeraWriter[resource.name]?.modRevision ?? 0))
                ops.append(.put(key: writerKey, value: Array(value), lease: nil))
                let previous = view.galeraWriter[resource.name]?.record.node
                ops.append(eventOp(
                    resource: resource.name, kind: "galera-writer",
                    message: "writer: \(writer.node)" + (previous.map { " (was \($0))" } ?? "")))
            }
            guard !ops.isEmpty else { continue }
            do {
                let result = try await election.guardedTxn(Txn(compares: compares, success: ops))
                awaitingRevision = max(awaitingRevision, result.revision)
                if result.succeeded {
                    logger.notice(
                        "galera decision written",
                        metadata: ["resource": "\(resource.name)", "bootstrap": "\(plan.bootstrap?.node ?? (plan.deleteBootstrap ? "-" : "="))",
                                   "writer": "\(plan.writer?.node ?? "=")"])
                }
            } catch {
                logger.warning("galera decision not written", metadata: ["resource": "\(resource.name)", "error": "\(error)"])
            }
        }
    }
}
