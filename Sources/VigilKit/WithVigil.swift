public import Logging
import VigilCluster
import VigilStore

/// Connects to the cluster `cluster` through etcd at `endpoints` for the duration of
/// `body`, and closes the connection afterwards, whether `body` returns or throws.
///
/// ```swift
/// try await withVigil(etcd: ["http://127.0.0.1:2379"], cluster: "ctl") { vigil in
///     try await vigil.withLeadership("reports", ttl: .seconds(2)) { token in … }
/// }
/// ```
///
/// - Parameters:
///   - endpoints: etcd client URLs.
///   - cluster: the cluster's name (its keys are under `/vigil/<cluster>/`).
///   - node: the node this process runs on (default: the short host name).
///   - identity: this process in the cluster's records (default: `<host>-<pid>`).
///   - logger: for elections, fences and failures.
///   - body: what to do with the cluster.
/// - Throws: ``VigilKitError``, `VigilStoreError` (`invalidConfiguration` for bad
///   endpoints), and whatever `body` throws.
public func withVigil<Result: Sendable>(
    etcd endpoints: [String], cluster: String, node: String = Vigil.localNode, identity: String = Vigil.defaultIdentity,
    logger: Logger = Logger(label: "vigil.kit"),
    isolation: isolated (any Actor)? = #isolation,
    _ body: (Vigil) async throws -> Result
) async throws -> Result {
    try KeyName.validate(cluster, what: "the cluster name")
    return try await withEtcdStore(EtcdConfiguration(endpoints: endpoints), logger: logger) { store in
        let vigil = try Vigil(store: store, keyspace: Keyspace(cluster: cluster), node: node, identity: identity, logger: logger)
        let result: Swift.Result<Result, any Error>
        do {
            result = .success(try await body(vigil))
        } catch {
            result = .failure(error)
        }
        await shielded { await vigil.withdrawAllReports() }
        return try result.get()
    }
}
