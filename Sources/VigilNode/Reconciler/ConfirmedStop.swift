import VigilCluster
public import VigilAgents
public import VigilCommand

/// A stop that counts only when it is confirmed: how the reconciler stops a resource
/// everywhere (an assignment, a graceful leave, a self-fence).
///
/// 1. The agent's stop runs, bounded by ``Budget/stop``.
/// 2. With a cgroup: whatever is still in it afterwards is killed (`cgroup.kill`), and the
///    cgroup must be empty within ``Budget/kill``. A stop that succeeded but left a daemon
///    behind (one that left its session) is cleaned up the same way.
/// 3. A stop that failed or timed out is run once more after the kill, bounded by
///    ``Budget/confirm``: its processes are gone now, so an agent whose stop only hung
///    answers at once, and one that manages more than processes (an address, a mount)
///    gets to undo that. Only its success confirms the stop.
///
/// The resource counts as stopped only when the outcome is ``Outcome/confirmed``.
public enum ConfirmedStop {
    /// How long each step may take.
    public struct Budget: Sendable, Hashable {
        /// The agent's stop.
        public var stop: Duration
        /// Killing the cgroup until it is empty.
        public var kill: Duration
        /// The second stop after an escalation.
        public var confirm: Duration

        /// Creates a budget.
        public init(stop: Duration, kill: Duration, confirm: Duration) {
            self.stop = stop
            self.kill = kill
            self.confirm = confirm
        }

        /// A total budget split as a self-fence needs it: half for the stop, a quarter to
        /// kill, a quarter to confirm.
        public static func splitting(_ total: Duration) -> Budget {
            Budget(stop: total / 2, kill: total / 4, confirm: total / 4)
        }
    }

    /// What happened.
    public struct Outcome: Sendable {
        /// Whether the resource is known stopped.
        public var confirmed: Bool
        /// Whether the cgroup had to be killed.
        public var escalated: Bool
        /// The last stop's result, with what the escalation did appended to its output.
        public var result: ActionResult
    }

    /// The next step after the agent's stop answered `code`, given whether the cgroup
    /// (if any) still holds processes.
    enum Step: Equatable {
        /// Done: `confirmed` says whether the stop counts.
        case done(confirmed: Bool)
        /// Kill the cgroup (then decide again with `afterKill`).
        case kill
    }

    /// Pure: what to do after the first stop.
    static func afterStop(succeeded: Bool, hasCgroup: Bool, populated: Bool) -> Step {
        guard hasCgroup else { return .done(confirmed: succeeded) }
        if !succeeded || populated { return .kill }
        return .done(confirmed: true)
    }

    /// Pure: after the kill, whether a second stop is needed to confirm (the first failed),
    /// or the outcome is already known.
    static func afterKill(firstSucceeded: Bool, emptied: Bool) -> Step? {
        guard emptied else { return .done(confirmed: false) }
        return firstSucceeded ? .done(confirmed: true) : nil
    }

    /// Stops through `executor`, escalating to `cgroup` as described above.
    public static func perform(executor: any ResourceExecutor, cgroup: ResourceCgroup?, budget: Budget) async -> Outcome {
        var result = await executor.perform(ActionRequest(.stop, timeout: budget.stop))
        let succeeded = result.code == .success
        switch afterStop(succeeded: succeeded, hasCgroup: cgroup != nil, populated: cgroup?.isPopulated ?? false) {
        case .done(let confirmed):
            return Outcome(confirmed: confirmed, escalated: false, result: result)
        case .kill:
            break
        }
        guard let cgroup else { return Outcome(confirmed: false, escalated: false, result: result) }
        let leftovers = cgroup.processIDs
        let emptied = await cgroup.killAndWait(timeout: budget.kill)
        result.output += "\n[vigil: killed cgroup \(cgroup.path) (processes \(leftovers)); \(emptied ? "empty" : "still populated after \(budget.kill)")]"
        if let step = afterKill(firstSucceeded: succeeded, emptied: emptied), case .done(let confirmed) = step {
            return Outcome(confirmed: confirmed, escalated: true, result: result)
        }
        var second = await executor.perform(ActionRequest(.stop, timeout: budget.confirm))
        let confirmed = second.code == .success && !cgroup.isPopulated
        second.output = result.output + "\n[vigil: stop after the kill: \(second.code)\(second.timedOut ? " (timed out)" : "")] " + second.output
        second.duration = result.duration + second.duration
        return Outcome(confirmed: confirmed, escalated: true, result: second)
    }
}
