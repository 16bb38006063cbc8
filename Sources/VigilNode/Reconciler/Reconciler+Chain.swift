import VigilCluster
import VigilModel

/// Chained steps: an assignment entry that names resources to wait for (``AssignmentRecord/Entry/after``)
/// begins only once those have got there on this node — a start after their starts, a
/// stop after their stops. The coordinator hands a node's chain out in one round, and the
/// order is kept here.
extension Reconciler {
    /// Whether `operation` on `name`, whose entry waits for `after`, may begin now. Else it
    /// waits: in silence while what it waits for is under way or about to be; saying so in
    /// its status (`waiting`) when that cannot come (it failed, or waits itself), so that
    /// the coordinator counts the step settled and plans again.
    func chainAllows(_ name: String, _ operation: LocalOperation, after: [String]) async -> Bool {
        var blockedBy: [String] = []
        for other in after.sorted() {
            let theirs = locals[other]
            let assigned = identity.flatMap { identity in view.liveEntry(other, on: node).flatMap { $0.member == identity.incarnation ? $0 : nil } }
            switch operation {
            case .start:
                guard let theirs else {
                    blockedBy.append(other)
                    continue
                }
                if theirs.busy == nil, let state = theirs.state, state == .started || state == .unpromoted || state == .promoted { continue }
                if theirs.busy == .start || theirs.busy == .promote || theirs.busy == .probe { return false }
                let coming = theirs.busy == nil && theirs.state == .stopped && !theirs.clusterWaiting && !theirs.stale
                    && (assigned?.role == .started || assigned?.role == .promoted)
                if coming { return false }
                blockedBy.append(other)
            case .stop:
                guard let theirs, theirs.busy != nil || theirs.state != .stopped else { continue }
                // Its stop is under way, coming, or retried after a failure: wait for it.
                if theirs.busy != nil || assigned?.role == .stopped || theirs.state == .failed || theirs.stale { return false }
                // It stays where it is (a newer plan): this stop no longer follows it.
                logger.info("chained stop goes ahead", metadata: ["resource": "\(name)", "after": "\(other)", "reason": "\(other) is assigned to run here"])
            case .probe, .promote, .demote, .notify:
                continue
            }
        }
        guard !blockedBy.isEmpty else { return true }
        let reason = "waiting for \(blockedBy.joined(separator: ", ")) to run here first (order)"
        guard var local = locals[name], local.message != reason || !local.clusterWaiting else { return false }
        local.message = reason
        local.clusterWaiting = true
        locals[name] = local
        logger.info("chained start waits", metadata: ["resource": "\(name)", "reason": "\(reason)"])
        await writeStatus(name, event: nil)
        return false
    }
}
