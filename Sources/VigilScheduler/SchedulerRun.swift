import VigilModel

/// How a node's reported instances are treated.
enum NodeActivity: Equatable {
    /// Online and managed.
    case managed
    /// In maintenance: what runs there is left alone.
    case maintenance
    /// Unclean and about to be fenced: its instances stop when the fence completes.
    case fencing
    /// Unclean and not fenceable now (no quorum): its instances may still run.
    case unknown
    /// Offline (or unclean with fencing disabled): nothing runs there.
    case gone
}

/// How the lack of quorum shapes this run.
enum QuorumMode: Equatable {
    case normal, stop, freeze
}

/// A unit of placement: a primitive, a group (placed as one), or a clone.
enum UnitKind: Equatable {
    case primitive(Int)
    case group(Int)
    case clone(Int)
}

/// One end of a constraint, resolved to indexes.
struct Endpoint: Equatable {
    /// The unit holding it.
    var unit: Int
    /// The resource, or nil when the constraint names a group as a whole.
    var resource: Int?
}

/// A colocation with resolved ends.
struct ResolvedColocation {
    var dependent: Endpoint
    var primary: Endpoint
    var score: Score
    var role: Role?
    var withRole: Role?
}

/// An order with resolved ends.
struct ResolvedOrder {
    var first: Endpoint
    var then: Endpoint
    var constraint: OrderConstraint
}

/// The working state of one scheduler run. Created, used and dropped by
/// ``Scheduler/plan(config:state:)``; never shared.
final class SchedulerRun {
    let config: ClusterConfig
    let state: ClusterState

    // Nodes.
    let nodeCount: Int
    let nodeNames: [String]
    var nodeIndex: [String: Int] = [:]
    /// Position of each node in name order (the last tie-break).
    var nameRank: [Int] = []
    var canRun: [Bool] = []
    var activity: [NodeActivity] = []
    var quorumMode: QuorumMode = .normal
    var fenceNodes: [Int] = []

    // Resources, groups, units.
    let resources: [ResourceConfig]
    var resourceIndex: [String: Int] = [:]
    var groupOfResource: [Int?] = []
    var groupMembers: [[Int]] = []
    var groupIndex: [String: Int] = [:]
    var units: [UnitKind] = []
    var unitOfResource: [Int] = []
    var unitOfGroup: [Int] = []
    /// Declaration position of each unit (a group sits where its first member is declared).
    var unitOrder: [Int] = []

    // Current state, filtered by node activity: per resource, node → active instances.
    var current: [[Int: [InstanceState]]] = []

    // Scores: per resource and node (row-major), location + stickiness + failures + eligibility.
    var base: [Score] = []
    /// Group-level location scores, per group and node.
    var groupBase: [[Score]] = []
    /// Location constraints with role promoted, per resource and node.
    var promotedLocation: [[Score]] = []

    // Constraints.
    var colocations: [ResolvedColocation] = []
    var colocationsByDependentUnit: [[Int]] = []
    var colocationsByPrimaryUnit: [[Int]] = []
    var orders: [ResolvedOrder] = []

    // Results.
    /// Per resource: the nodes of its instances (a node repeats for per-node > 1).
    var target: [[Int]] = []
    /// Per resource: the nodes where it is promoted.
    var promoted: [Set<Int>] = []
    /// Resource instances assigned so far, per node (a tie-break).
    var assignedCount: [Int] = []
    /// Per unit: 0 unassigned, 1 in progress, 2 done.
    var unitProgress: [UInt8] = []
    /// Resources pinned by maintenance (not managed in this run).
    var pinned: [Bool] = []
    /// Resources blocked by a mandatory order, placed as if they ran nowhere.
    var placedAsIfStopped: Set<Int> = []

    /// Collects the reasoning when explaining (``Scheduler/explain(config:state:)``).
    var recorder: ScoreRecorder?

    init(config: ClusterConfig, state: ClusterState, explaining: Bool = false) {
        self.config = config
        self.state = state
        self.nodeCount = config.nodes.count
        self.nodeNames = config.nodes.map(\.name)
        self.resources = config.resources
        indexNodes()
        indexResources()
        indexCurrent()
        if explaining { recorder = ScoreRecorder(resources: resources.count, groups: config.groups.count, nodes: nodeCount) }
        computeBaseScores()
        resolveConstraints()
    }

    @inline(__always) func baseScore(_ resource: Int, _ node: Int) -> Score {
        base[resource * nodeCount + node]
    }

    func plan() -> Transition {
        target = Array(repeating: [], count: resources.count)
        promoted = Array(repeating: [], count: resources.count)
        assignedCount = Array(repeating: 0, count: nodeCount)
        unitProgress = Array(repeating: 0, count: units.count)
        switch quorumMode {
        case .normal:
            placeWithoutBlockedResources()
        case .freeze:
            keepCurrent(includeUnknown: true)
        case .stop:
            keepCurrent(includeUnknown: false, maintenanceOnly: true)
        }
        let actions = planActions()
        return Transition(placements: placements(), actions: actions, unplaced: unplaced())
    }

    // MARK: Indexing

    private func indexNodes() {
        for (index, name) in nodeNames.enumerated() { nodeIndex[name] = index }
        let byName = nodeNames.indices.sorted { nodeNames[$0] < nodeNames[$1] }
        nameRank = Array(repeating: 0, count: nodeCount)
        for (rank, node) in byName.enumerated() { nameRank[node] = rank }
        let quorate = state.quorum || config.cluster.noQuorumPolicy == .ignore
        if !quorate { quorumMode = config.cluster.noQuorumPolicy == .freeze ? .freeze : .stop }
        let fencingEnabled = config.cluster.fencing != .disabled
        for name in nodeNames {
            let status = state.status(of: name)
            let activity: NodeActivity
            if status.unclean {
                if !fencingEnabled { activity = .gone } else if quorate { activity = .fencing } else { activity = .unknown }
            } else if !status.online {
                activity = .gone
            } else if status.maintenance {
                activity = .maintenance
            } else {
                activity = .managed
            }
            self.activity.append(activity)
            canRun.append(activity == .managed && !status.standby)
        }
        fenceNodes = byName.filter { activity[$0] == .fencing }
    }

    private func indexResources() {
        for (index, resource) in resources.enumerated() { resourceIndex[resource.name] = index }
        groupOfResource = Array(repeating: nil, count: resources.count)
        for (g, group) in config.groups.enumerated() {
            groupIndex[group.name] = g
            let members = group.members.compactMap { resourceIndex[$0] }
            groupMembers.append(members)
            for member in members { groupOfResource[member] = g }
        }
        unitOfResource = Array(repeating: -1, count: resources.count)
        unitOfGroup = Array(repeating: -1, count: config.groups.count)
        for (r, resource) in resources.enumerated() {
            if let g = groupOfResource[r] {
                if unitOfGroup[g] < 0 {
                    unitOfGroup[g] = units.count
                    units.append(.group(g))
                    unitOrder.append(r)
                }
                unitOfResource[r] = unitOfGroup[g]
            } else {
                unitOfResource[r] = units.count
                units.append(resource.isClone ? .clone(r) : .primitive(r))
                unitOrder.append(r)
            }
        }
    }

    private func indexCurrent() {
        current = Array(repeating: [:], count: resources.count)
        pinned = Array(repeating: false, count: resources.count)
        for (name, perNode) in state.resources {
            guard let r = resourceIndex[name] else { continue }
            for (nodeName, states) in perNode {
                guard let n = nodeIndex[nodeName] else { continue }
                let active = states.filter(\.isActive)
                guard !active.isEmpty, activity[n] != .gone else { continue }
                current[r][n] = active
                if activity[n] == .maintenance { pinned[r] = true }
            }
        }
    }

    /// The nodes where `resource` is active now, in name order (none for a resource
    /// placed as if stopped).
    func currentNodes(_ resource: Int) -> [Int] {
        if placedAsIfStopped.contains(resource) { return [] }
        return current[resource].keys.sorted { nameRank[$0] < nameRank[$1] }
    }

    /// The maintenance nodes where `resource` is active: left exactly as they are.
    func maintenanceNodes(_ resource: Int) -> [Int] {
        current[resource].keys.filter { activity[$0] == .maintenance }.sorted { nameRank[$0] < nameRank[$1] }
    }

    /// Whether `resource` counts as active on `node` for placement.
    @inline(__always) func isActiveForPlacement(_ resource: Int, _ node: Int) -> Bool {
        current[resource][node] != nil && !placedAsIfStopped.contains(resource)
    }

    /// Members of the unit's resources.
    func resourcesOf(unit: Int) -> [Int] {
        switch units[unit] {
        case .primitive(let r), .clone(let r): [r]
        case .group(let g): groupMembers[g]
        }
    }
}
