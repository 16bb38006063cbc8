public import VigilModel

/// Turns what the keyspace says (a ``ClusterView``) into the scheduler's input: the
/// configuration with the operator's overrides, and the cluster state.
public enum StateBuilder {
    /// `config` plus `resources/<r>/admin` overrides, as Pacemaker's `cli-prefer`/`cli-ban`
    /// constraints: `prefer` is an INFINITY location, each ban a -INFINITY location, and
    /// `stopped` sets `target-role: stopped` (on every member of a group).
    public static func effectiveConfig(_ config: ClusterConfig, view: ClusterView) -> ClusterConfig {
        var config = config
        let nodes = Set(config.nodes.map(\.name))
        for (name, admin) in view.resourceAdmin.sorted(by: { $0.key < $1.key }) {
            let members: [String]
            if let group = config.group(named: name) {
                members = group.members
            } else if config.resource(named: name) != nil {
                members = [name]
            } else {
                continue
            }
            if let node = admin.prefer, nodes.contains(node) {
                config.constraints.append(.location(LocationConstraint(resource: name, target: .node(node), score: .infinity)))
            }
            for node in admin.bans.sorted() where nodes.contains(node) {
                config.constraints.append(.location(LocationConstraint(resource: name, target: .node(node), score: .minusInfinity)))
            }
            if admin.stopped {
                for index in config.resources.indices where members.contains(config.resources[index].name) {
                    config.resources[index].targetRole = .stopped
                }
            }
        }
        return config
    }

    /// The cluster state: configured nodes online when they are members (standby and
    /// maintenance from `nodes/<n>/admin`), what members report running (an instance being
    /// started or stopped counts as running, so nothing is placed twice), failcounts,
    /// promotion scores. Statuses of non-members and of unconfigured resources are ignored.
    public static func state(from view: ClusterView, config: ClusterConfig, now: Timestamp?) -> ClusterState {
        var state = ClusterState(quorum: true, now: now)
        let resources = Dictionary(config.resources.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        for node in config.nodes.map(\.name) {
            guard view.members[node] != nil else {
                state.nodes[node] = .offline
                continue
            }
            let admin = view.nodeAdmin[node] ?? NodeAdminRecord()
            state.nodes[node] = NodeStatus(online: true, standby: admin.standby, maintenance: admin.maintenance)
            for (name, record) in view.status[node] ?? [:] {
                guard let resource = resources[name], let instance = instanceState(record.state, promotable: resource.isPromotable)
                else { continue }
                state.resources[name, default: [:]][node, default: []].append(instance)
                if let score = record.promotionScore, resource.isPromotable, instance != .failed {
                    state.promotionScores[name, default: [:]][node] = Score(score)
                }
            }
        }
        for (resource, byNode) in view.failcounts where resources[resource] != nil {
            for (node, record) in byNode where record.count > 0 {
                state.failcounts[resource, default: [:]][node] = Score(min(record.count, Score.infinityValue))
                if let time = Timestamp.parse(record.lastFailure) {
                    state.lastFailure[resource, default: [:]][node] = time
                }
            }
        }
        return state
    }

    /// The scheduler's view of a reported state; nil for stopped.
    static func instanceState(_ state: ResourceStatusState, promotable: Bool) -> InstanceState? {
        switch state {
        case .stopped: nil
        case .started: promotable ? .unpromoted : .started
        case .promoted: .promoted
        case .unpromoted: .unpromoted
        case .failed: .failed
        case .starting, .stopping: promotable ? .unpromoted : .started
        }
    }
}
