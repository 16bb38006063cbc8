public import VigilCluster
import VigilAgents
public import VigilModel

/// What the reconciler knows of one resource on its node.
public struct LocalResource: Sendable {
    /// Its configuration.
    public var config: ResourceConfig
    /// How it is driven.
    var handle: ResourceHandle
    /// Its state; nil until probed.
    public var state: ResourceStatusState?
    /// When it entered ``state`` (RFC 3339).
    public var since: String
    /// The operation under way, if any.
    public var busy: LocalOperation?
    /// Its probes' verdict while it runs.
    public var health: HealthReport?
    /// Each probe's latest check, by the probe's position (for the status page; never
    /// written to etcd).
    public var checks: [Int: LocalProbeCheck] = [:]
    /// Why it failed.
    public var message: String?
    /// The promotion score its agent last set.
    public var promotionScore: Int?
    /// Bumped whenever monitoring must restart or stop (a started monitor loop exits once
    /// the generation it was started with is stale).
    var generation = 0
    /// The configuration changed while it ran: stop it, then start it with the new one.
    var stale = false
    /// The earliest time (on the reconciler's clock) a failed stop may be retried.
    var retryAfter: Duration?
    /// A Galera node's wsrep state while it runs (refreshed every second).
    public var galera: GaleraInstanceStatus?
    /// A stopped Galera node's recovered position, published in etcd; nil while unknown
    /// (it ran since: recovered again before the next start).
    var galeraPosition: GaleraPosition?
    /// How the next start goes, decided by ``GaleraStartRule`` (and the bootstrap
    /// choice's revision it uses up, if any).
    var galeraStart: (mode: GaleraStartMode, bootstrapRevision: Int64?)?
    /// Waits for the cluster before it may start (``StatusRecord/waiting``): a Galera or
    /// RabbitMQ node.
    var clusterWaiting = false
    /// A RabbitMQ node's state while it runs (the AMQP proof every second, its cluster
    /// every few seconds).
    public var rabbitmq: RabbitMQInstanceStatus?
    /// How the next RabbitMQ start goes, decided by ``RabbitMQStartRule``.
    var rabbitmqStart: RabbitMQStartMode?
    /// The last clone notification run here (``NotificationRecord/acknowledgement``),
    /// reported in its status.
    var notified: String?
    /// This node holds the join turn (`rabbitmq/<resource>/joining`) for the start under
    /// way; released when the start ends, however it ends.
    var rabbitmqJoinTurn = false
    /// The policies this node last applied (the first running node applies them once the
    /// cluster has all its instances).
    var rabbitmqPoliciesApplied: [RabbitMQPolicy]?
    /// When a failed position recovery may be tried again (the reconciler's clock).
    var galeraRetryAt: Duration?
    /// The bootstrap choice (its revision) this node last ran `pc.bootstrap` for.
    var galeraPrimaryRecovered: Int64?
    /// Since when (the reconciler's clock) this Galera node has been a Donor in the Primary
    /// component while every other node of it reports Synced: no one receives a transfer.
    var galeraIdleDonorSince: Duration?

    /// Whether it may be running.
    public var isActive: Bool { state.map(\.isActive) ?? false }

    /// Whether the resource is exclusive (one instance cluster-wide: a primitive, or a
    /// promotable's promoted role), or a Galera node (a Primary component cut off from
    /// the cluster must not keep taking writes, and peers count it stopped only after the
    /// self-fence deadline): stopped on self-fence. A RabbitMQ node is not: pause_minority
    /// stops a minority node's application and its quorum queues cannot commit; its
    /// health is 503 as soon as its agent's lease is not confirmed, and with
    /// `no-quorum-policy: stop` the self-fence stops it too.
    public var isExclusive: Bool { !config.isClone || config.isPromotable || config.agent == .galera }
}
