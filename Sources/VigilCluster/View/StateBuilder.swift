public import VigilModel

/// Turns what the keyspace holds (a ``ClusterView``) into the scheduler's inputs: the
/// ``ClusterState`` of the cluster now, and the configuration with the operator's
/// overrides (`resources/<r>/admin`) applied. Pure: no I/O, no clock reads.
///
/// Used by `vigil config apply` (to show what a new configuration would change) and by
/// the coordinator (to plan), so both see the same state.
public enum StateBuilder {
    /// The scheduler's view of the cluster now.
    ///
    /// - Only nodes of `config` count. A node is online when it has a live member key
    ///   (`members/<node>`); `standby` and `maintenance` come from `nodes/<node>/admin`.
    ///   A node of ``lostNodes(view:config:)`` is `unclean` and runs, as far as the
    ///   scheduler knows, what it was assigned; any other node without a member is offline
    ///   (known down, or nothing was assigned to it; with `fencing: disabled` assumed).
    /// - Resources come from `status/<node>/<resource>` of live members only (status keys
    ///   are leased, a record of a node that is not a member is stale) and of configured
    ///   resources only. `starting` and `stopping` count as running (`started`; for a
    ///   promotable `unpromoted`); a promotable reporting `started` counts as `unpromoted`;
    ///   `stopped` is absent.
    /// - Promotion scores come from the status records' `promotion-score`, else from the
    ///   node's transient attribute `master-<resource>` (as another node's agent may set it,
    ///   `crm_attribute -N NODE --promotion`); failcounts and
    ///   last-failure times from `failcounts/<resource>/<node>` of configured resources and
    ///   nodes (a `last-failure` that does not parse is left out, so that failure never
    ///   expires).
    /// - A node's `attributes` are those set at run time (``ClusterView/attributes(of:)``);
    ///   the configured ones stay in the configuration, where rules find them after these.
    /// - `quorum` is true: a view exists only when the store answered.
    public static func state(from view: ClusterView, config: ClusterConfig, now: Timestamp?) -> ClusterState {
        let nodeNames = Set(config.nodes.map(\.name))
        let lost = lostNodes(view: view, config: config)
        var state = ClusterState(quorum: true, now: now)
        for node in config.nodes {
            let admin = view.nodeAdmin[node.name] ?? NodeAdminRecord()
            state.nodes[node.name] = NodeStatus(
                online: view.members[node.name] != nil, standby: admin.standby, maintenance: admin.maintenance,
                unclean: lost[node.name] != nil, attributes: view.attributes(of: node.name))
        }
        for (node, lostNode) in lost {
            for (resource, role) in lostNode.resources {
                guard let promotable = config.resource(named: resource)?.isPromotable else { continue }
                // A stop not known done: the resource may still run there.
                let instance: InstanceState = role == .promoted ? .promoted : (promotable ? .unpromoted : .started)
                state.resources[resource, default: [:]][node, default: []].append(instance)
            }
        }
        for resource in config.resources {
            let promotable = resource.isPromotable
            for node in config.nodes where view.members[node.name] != nil {
                guard let record = view.status[node.name]?[resource.name] else { continue }
                if let score = record.promotionScore {
                    state.promotionScores[resource.name, default: [:]][node.name] = Score(score)
                } else if promotable, let score = view.transientAttributes[node.name]?["master-" + resource.name].flatMap({ Score.parse($0.record.value) }) {
                    state.promotionScores[resource.name, default: [:]][node.name] = score
                }
                guard let instance = instanceState(record.state, promotable: promotable) else { continue }
                state.resources[resource.name, default: [:]][node.name, default: []].append(instance)
            }
            for (node, failcount) in view.failcounts[resource.name] ?? [:] where nodeNames.contains(node) {
                state.failcounts[resource.name, default: [:]][node] = Score(failcount.count)
                if let time = Timestamp.parse(failcount.lastFailure) {
                    state.lastFailure[resource.name, default: [:]][node] = time
                }
            }
        }
        return state
    }

    /// The nodes that are gone but may still run what they were assigned, unless fencing is
    /// `disabled` (then none): a configured node without a live member that has assignment
    /// entries for an incarnation later than its `nodes/<node>/down` record. Such a node is
    /// unclean until that record says it is down: a fence device fenced it, it reported a
    /// confirmed self-fence, its watchdog timeout passed after its lease expired, or an
    /// operator confirmed it down. Silence alone proves nothing. Only its latest incarnation counts. An entry with role `stopped` counts
    /// too: the coordinator removes a `stopped` entry once the agent reports the resource
    /// stopped, so one that remains is a stop not known to have happened.
    public static func lostNodes(view: ClusterView, config: ClusterConfig) -> [String: LostNode] {
        guard config.cluster.fencing != .disabled else { return [:] }
        let configured = Set(config.nodes.map(\.name))
        var lost: [String: LostNode] = [:]
        for (resource, assignment) in view.assignments {
            for (node, entry) in assignment.record.nodes where configured.contains(node) && view.members[node] == nil {
                guard entry.member > (view.nodeDown[node]?.member ?? 0) else { continue }
                var lostNode = lost[node] ?? LostNode(member: entry.member)
                if entry.member > lostNode.member { lostNode = LostNode(member: entry.member) }
                if entry.member == lostNode.member { lostNode.resources[resource] = entry.role }
                lost[node] = lostNode
            }
        }
        return lost
    }

    /// The scheduler's instance state for a reported state; nil for `stopped`.
    public static func instanceState(_ reported: ResourceStatusState, promotable: Bool) -> InstanceState? {
        switch reported {
        case .stopped: nil
        case .failed: .failed
        case .promoted: .promoted
        case .unpromoted: .unpromoted
        case .started, .starting, .stopping: promotable ? .unpromoted : .started
        }
    }

    /// `config` with the operator overrides of `view.resourceAdmin` added, as Pacemaker's
    /// `cli-prefer-*` / `cli-ban-*` constraints and `target-role`:
    ///
    /// - `prefer: N` adds `location {resource, node: N, score: INFINITY}`;
    /// - each of `bans` adds `location {resource, node, score: -INFINITY}`;
    /// - `stopped: true` sets `target-role: stopped` (on every member for a group).
    ///
    /// Overrides naming a resource or group the configuration does not have, or a node it
    /// does not have, are ignored (they may predate the configuration). Constraints are
    /// appended in resource-name order, so the result is deterministic.
    public static func effectiveConfig(_ config: ClusterConfig, view: ClusterView) -> ClusterConfig {
        var result = config
        let nodeNames = Set(config.nodes.map(\.name))
        for name in view.resourceAdmin.keys.sorted() {
            guard let admin = view.resourceAdmin[name] else { continue }
            let members: [String]
            if config.resource(named: name) != nil {
                members = [name]
            } else if let group = config.group(named: name) {
                members = group.members
            } else {
                continue
            }
            if let prefer = admin.prefer, nodeNames.contains(prefer) {
                result.constraints.append(
                    .location(LocationConstraint(resource: name, target: .node(prefer), score: .infinity)))
            }
            for ban in admin.bans where nodeNames.contains(ban) {
                result.constraints.append(
                    .location(LocationConstraint(resource: name, target: .node(ban), score: .minusInfinity)))
            }
            if admin.stopped {
                for index in result.resources.indices where members.contains(result.resources[index].name) {
                    result.resources[index].targetRole = .stopped
                }
            }
        }
        return result
    }
}
