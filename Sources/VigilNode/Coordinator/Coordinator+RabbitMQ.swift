import VigilCluster
import Foundation
public import VigilModel
import VigilStore

extension Coordinator {
    /// Writes the RabbitMQ boot choices of `view` (``RabbitMQPlanner``), each guarded by
    /// the term and by the key's revision in the view.
    func applyRabbitMQPlans(view: ClusterView, config: ClusterConfig, term: Int64) async {
        for resource in config.resources where resource.agent == .rabbitmq && resource.isClone {
            let plan = RabbitMQPlanner.plan(resource: resource, config: config, view: view, now: wallClock().description, by: node)
            guard !plan.isEmpty else { continue }
            let key = keyspace.rabbitmqBoot(resource.name)
            let current = view.rabbitmqBoot[resource.name]
            var ops: [TxnOp] = []
            if let boot = plan.boot, let value = try? JSONEncoder().encode(boot) {
                ops.append(.put(key: key, value: Array(value), lease: nil))
                ops.append(eventOp(
                    resource: resource.name, kind: "rabbitmq-boot-choice",
                    message: "\(boot.node) chosen to \(boot.mode == .newCluster ? "start a new cluster" : "force_boot"): \(boot.reason)"))
            } else if plan.deleteBoot, current != nil {
                ops.append(.delete(.key(key)))
            }
            guard !ops.isEmpty else { continue }
            do {
                let result = try await election.guardedTxn(Txn(compares: [.unchanged(key, since: current?.modRevision ?? 0)], success: ops))
                awaitingRevision = max(awaitingRevision, result.revision)
                if result.succeeded {
                    logger.notice("rabbitmq decision written", metadata: ["resource": "\(resource.name)", "boot": "\(plan.boot?.node ?? "-")"])
                }
            } catch {
                logger.warning("rabbitmq decision not written", metadata: ["resource": "\(resource.name)", "error": "\(error)"])
            }
        }
    }
}
