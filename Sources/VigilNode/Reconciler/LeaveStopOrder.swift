import VigilCluster
public import VigilModel

/// The order a leaving agent stops its resources in, as Pacemaker stops a node going down:
/// a resource stops only once every resource on the node that depends on it has stopped —
/// a later member of its group, the `then` side of a symmetrical order (of a mandatory or
/// optional order, by resource or by group). A resource one of whose dependents failed to
/// stop is left running, as Pacemaker leaves it for the fence (the leave is unclean then
/// anyway). A self-fence does not use it: its stops race the lease, and go all at once.
public enum LeaveStopOrder {
    /// Resource → the resources that must stop before it on the same node.
    public static func dependents(in config: ClusterConfig?) -> [String: Set<String>] {
        var dependents: [String: Set<String>] = [:]
        guard let config else { return dependents }
        func members(_ name: String) -> [String] { config.group(named: name)?.members ?? [name] }
        for group in config.groups {
            for (index, earlier) in group.members.enumerated() {
                dependents[earlier, default: []].formUnion(group.members[(index + 1)...])
            }
        }
        for case .order(let order) in config.constraints where order.symmetrical && order.kind != .serialize {
            for first in members(order.first) { dependents[first, default: []].formUnion(members(order.then)) }
        }
        return dependents
    }

    /// `active` in waves: the resources of one wave stop together, after every earlier
    /// wave. A cycle (not a valid configuration) leaves the rest in one wave.
    public static func waves(_ active: [String], dependents: [String: Set<String>]) -> [[String]] {
        var remaining = Set(active)
        var waves: [[String]] = []
        while !remaining.isEmpty {
            var wave = remaining.filter { dependents[$0, default: []].isDisjoint(with: remaining) }
            if wave.isEmpty { wave = remaining }
            waves.append(wave.sorted())
            remaining.subtract(wave)
        }
        return waves
    }
}
