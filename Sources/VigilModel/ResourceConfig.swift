/// How many instances a resource has and whether they have roles.
public enum ResourceVariant: Sendable, Hashable {
    /// One instance in the cluster.
    case primitive
    /// Several interchangeable instances (`clone:`).
    case clone(CloneOptions)
    /// Several instances, some promoted (`promotable:`).
    case promotable(PromotableOptions)
}

/// `clone: {max, per-node, notify, ordered}`.
public struct CloneOptions: Sendable, Hashable {
    /// Instances in the cluster; nil means the number of nodes.
    public var max: Int?
    /// Instances per node. Default 1.
    public var perNode: Int
    /// Whether the instances get `notify` actions before and after each start and stop
    /// (Pacemaker's `notify=true`; OCF agents only). Default false.
    public var notify: Bool
    /// Whether instances start one after another (by instance number) and stop in the
    /// reverse order, instead of all at once (Pacemaker's `ordered=true`). Default false.
    public var ordered: Bool
    /// Creates clone options.
    public init(max: Int? = nil, perNode: Int = 1, notify: Bool = false, ordered: Bool = false) {
        self.max = max
        self.perNode = perNode
        self.notify = notify
        self.ordered = ordered
    }
}

/// `promotable: {max, per-node, promoted-max, notify}`.
public struct PromotableOptions: Sendable, Hashable {
    /// Instances in the cluster; nil means the number of nodes.
    public var max: Int?
    /// Instances per node. Default 1.
    public var perNode: Int
    /// Promoted instances in the cluster. Default 1.
    public var promotedMax: Int
    /// Whether the instances get `notify` actions before and after each start, stop,
    /// promote and demote (Pacemaker's `notify=true`; OCF agents only). Default false.
    public var notify: Bool
    /// Creates promotable options.
    public init(max: Int? = nil, perNode: Int = 1, promotedMax: Int = 1, notify: Bool = false) {
        self.max = max
        self.perNode = perNode
        self.promotedMax = promotedMax
        self.notify = notify
    }
}

/// The recurring monitor of a resource (`monitor: {interval, timeout}`).
public struct MonitorConfig: Sendable, Hashable {
    /// Time between monitors. Default 10 s.
    public var interval: Duration
    /// How long one monitor may take. Default 20 s.
    public var timeout: Duration
    /// Creates a monitor configuration.
    public init(interval: Duration = .seconds(10), timeout: Duration = .seconds(20)) {
        self.interval = interval
        self.timeout = timeout
    }
}

/// A configured resource (`resources[]`).
public struct ResourceConfig: Sendable, Hashable {
    /// The resource's name; a clone is one resource named by it.
    public var name: String
    /// Which executor runs it.
    public var agent: ResourceAgentKind
    /// Its parameters.
    public var params: ResourceParams
    /// Per-node parameters (`node-params: {NODE: {key: value}}`): node → the whole
    /// parameters on that node (its values merged over ``params``, validated the same way).
    /// How per-host paths are written (three Galera option files on one test host).
    public var nodeParams: [String: ResourceParams] = [:]
    /// Secret parameters of an OCF (galera, rabbitmq) agent: name → file whose first line is
    /// the value (`param-files`, read at each action and passed as `OCF_RESKEY_<name>`).
    public var paramFiles: [String: String] = [:]
    /// Primitive, clone or promotable.
    public var variant: ResourceVariant
    /// The recurring monitor.
    public var monitor: MonitorConfig
    /// Deep health probes.
    public var health: [HealthProbeConfig]
    /// Failures on a node before the resource is banned from it; nil: only an INFINITY
    /// failcount bans.
    public var migrationThreshold: Score?
    /// Age after which a failure no longer counts; nil: never expires.
    public var failureTimeout: Duration?
    /// Overrides `cluster.stickiness` (clones default to 1).
    public var stickiness: Score?
    /// What the operator wants. Default `started`.
    public var targetRole: TargetRole
    /// How long a stop may take (Pacemaker's `op stop timeout`); nil: the default (the
    /// monitor timeout, at least 20 s). A self-fence gives any stop far less (its budget).
    public var stopTimeout: Duration?

    /// Creates a resource.
    public init(
        name: String, agent: ResourceAgentKind, params: ResourceParams = .other([:]),
        variant: ResourceVariant = .primitive, monitor: MonitorConfig = MonitorConfig(),
        health: [HealthProbeConfig] = [], migrationThreshold: Score? = nil, failureTimeout: Duration? = nil,
        stickiness: Score? = nil, targetRole: TargetRole = .started
    ) {
        self.name = name
        self.agent = agent
        self.params = params
        self.variant = variant
        self.monitor = monitor
        self.health = health
        self.migrationThreshold = migrationThreshold
        self.failureTimeout = failureTimeout
        self.stickiness = stickiness
        self.targetRole = targetRole
    }

    /// Whether the resource has roles.
    public var isPromotable: Bool {
        if case .promotable = variant { return true }
        return false
    }

    /// Whether its instances start one at a time (`ordered: true` on a clone).
    public var isOrdered: Bool {
        if case .clone(let options) = variant { return options.ordered }
        return false
    }

    /// Whether its instances get `notify` actions (`notify: true` on a clone or promotable).
    public var notifies: Bool {
        switch variant {
        case .primitive: false
        case .clone(let options): options.notify
        case .promotable(let options): options.notify
        }
    }

    /// Whether the resource has several instances.
    public var isClone: Bool {
        if case .primitive = variant { return false }
        return true
    }

    /// The resource as it runs on `node`: its ``nodeParams`` for that node, if any, as its
    /// parameters (so that a change of another node's parameters changes nothing here).
    public func resolved(on node: String) -> ResourceConfig {
        var resolved = self
        if let params = nodeParams[node] { resolved.params = params }
        if case .rabbitmq(var params) = resolved.params, params.nodename == nil {
            params.nodename = params.nodename(on: node)
            resolved.params = .rabbitmq(params)
        }
        resolved.nodeParams = [:]
        return resolved
    }
}
