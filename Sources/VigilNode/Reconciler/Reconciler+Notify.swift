import Foundation
import VigilAgents
import VigilCluster

/// Clone notifications (`notify: true`): the coordinator names this node's incarnation in
/// a ``NotificationRecord``'s targets; the agent runs its instance's `notify` action with
/// the record's `OCF_RESKEY_CRM_meta_notify_*` variables, once per stage, and reports
/// having done so in its status (``StatusRecord/notified``). The action runs like any
/// other operation on the resource (nothing else of it runs meanwhile, monitors pause),
/// and its result does not change the resource's state: a failed notify is logged and
/// recorded as an event, not counted as a failure (Pacemaker does not recover one).
extension Reconciler {
    /// The notification this node has to run for `name` now, if any.
    func dueNotification(_ name: String) -> NotificationRecord? {
        guard let identity, let local = locals[name], local.config.notifies, !local.stale,
            let record = view.notifications[name]?.record, record.stage == .pre || record.stage == .post,
            record.targets[node] == identity.incarnation, local.notified != record.acknowledgement
        else { return nil }
        return record
    }

    /// Runs `record`'s notification on this node's instance of `name`.
    func beginNotification(_ name: String, _ record: NotificationRecord) {
        guard var local = locals[name], local.busy == nil else { return }
        local.busy = .notify
        // Monitors pause while it runs (they restart with the new generation).
        local.generation += 1
        locals[name] = local
        let executor = local.handle.executor
        let request = ActionRequest(.notify, timeout: max(local.config.monitor.timeout, .seconds(20)), notification: record.stageVariables)
        let acknowledgement = record.acknowledgement
        let label = "\(record.stage == .post ? "post" : "pre")-\(record.operation.rawValue)"
        logger.info("notify", metadata: ["resource": "\(name)", "notification": "\(label)", "serial": "\(record.serial)"])
        operations[name] = spawn {
            let result = await executor.perform(request)
            await self.notificationFinished(name, acknowledgement: acknowledgement, label: label, result: result)
        }
    }

    private func notificationFinished(_ name: String, acknowledgement: String, label: String, result: ActionResult) async {
        guard var local = locals[name], local.busy == .notify else { return }
        local.busy = nil
        local.notified = acknowledgement
        locals[name] = local
        var event: String?
        if result.code != .success {
            let output = result.output.trimmingCharacters(in: .whitespacesAndNewlines).suffix(300)
            event = "notify \(label) failed: \(result.code)\(result.timedOut ? " (timed out)" : "") \(output)"
            logger.warning("notify failed", metadata: ["resource": "\(name)", "notification": "\(label)", "rc": "\(result.code.rawValue)"])
        }
        if local.isActive, local.state != .failed { startMonitoring(name) }
        await writeStatus(name, event: event)
        await evaluate()
    }
}
