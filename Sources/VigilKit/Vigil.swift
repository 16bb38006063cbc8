import Foundation
public import Logging
public import VigilCluster
public import VigilStore

/// A service's handle on a Vigil cluster, valid inside ``withVigil(etcd:cluster:node:identity:logger:_:)``.
///
/// Everything it starts (a leadership session, a group membership, a watch) is scoped to
/// the call that started it and closed on every path out of that call: return, throw or
/// cancellation.
public struct Vigil: Sendable {
    /// The cluster's store.
    public let store: any ClusterStore
    /// The cluster's keys.
    public let keyspace: Keyspace
    /// This process in the cluster's records: a candidate's value, a report's reporter
    /// (default `<host>-<pid>`).
    public let identity: String
    /// The node this process runs on, as the cluster's configuration names it: the agent
    /// of that node serves this process's health reports (default: the short host name).
    public let node: String
    /// The operator's side of the cluster (the same client `vigil` uses).
    public let client: ClusterClient
    let clock: any Clock<Duration>
    let logger: Logger
    let reports = HealthReports()
    let sessions = SessionNumbers()

    /// Creates a handle on `store`; prefer ``withVigil(etcd:cluster:node:identity:logger:_:)``,
    /// which also opens and closes the etcd connection.
    ///
    /// - Parameters:
    ///   - store: the cluster's store.
    ///   - keyspace: the cluster's keys.
    ///   - node: the node this process runs on.
    ///   - identity: this process in the cluster's records.
    ///   - clock: what sessions are renewed and fenced on (a test clock in simulations).
    ///   - logger: for elections, fences and failures.
    /// - Throws: ``VigilKitError`` `invalidArgument` for a node or identity that cannot
    ///   be a key segment.
    public init(
        store: any ClusterStore, keyspace: Keyspace, node: String, identity: String,
        clock: any Clock<Duration> = ContinuousClock(), logger: Logger = Logger(label: "vigil.kit")
    ) throws {
        try KeyName.validate(node, what: "the node name")
        try KeyName.validate(identity, what: "the identity")
        self.store = store
        self.keyspace = keyspace
        self.node = node
        self.identity = identity
        self.clock = clock
        var logger = logger
        logger[metadataKey: "identity"] = "\(identity)"
        self.logger = logger
        self.client = ClusterClient(store: store, keyspace: keyspace, actor: "\(identity)@\(node)", clock: clock)
    }

    /// This host's short name (up to the first dot).
    public static var localNode: String {
        let host = ProcessInfo.processInfo.hostName
        return String(host.split(separator: ".").first ?? Substring(host))
    }

    /// `<short host name>-<pid>`.
    public static var defaultIdentity: String {
        "\(localNode)-\(ProcessInfo.processInfo.processIdentifier)"
    }
}
