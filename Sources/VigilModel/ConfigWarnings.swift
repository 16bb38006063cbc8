/// What a valid configuration may still get wrong, said before it is applied (pure).
public enum ConfigWarnings {
    /// The warnings for `config`, one sentence each, naming the field.
    ///
    /// - With `fencing: self`, an exclusive resource (a primitive or a promotable) whose
    ///   `stop-timeout` is longer than the self-fence budget: a self-fence cannot wait for
    ///   that stop. It is escalated (the resource's cgroup killed) and then confirmed only
    ///   if the agent's stop answers at once; a node without a watchdog or fence device whose
    ///   stop stays unconfirmed remains unclean until `vigil node confirm-down`.
    public static func warnings(for config: ClusterConfig) -> [String] {
        guard config.cluster.fencing == .self else { return [] }
        let budget = config.cluster.selfFenceStopBudget
        var result: [String] = []
        for (index, resource) in config.resources.enumerated() where !resource.isClone || resource.isPromotable {
            guard let stop = resource.stopTimeout, stop > budget else { continue }
            result.append(
                "resources[\(index)].stop-timeout: '\(resource.name)' may take \(stop) to stop, but a self-fence gives a stop "
                    + "\(budget) in all (self-fence margin \(config.cluster.effectiveSelfFenceMargin)); then its cgroup is killed "
                    + "and the stop counts only if the agent's stop answers at once. Without a watchdog (vigil agent --watchdog) "
                    + "or fence devices, a node whose stop is not confirmed stays unclean until 'vigil node confirm-down'.")
        }
        return result
    }
}
