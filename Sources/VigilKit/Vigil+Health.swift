import Foundation
import VigilCluster
import VigilStore

extension Vigil {
    /// Publishes the health of this process's part of `resource` on this node: the agent
    /// of ``node`` answers `GET /health/<resource>` from it (200 when healthy, 503 with
    /// the reason when not), so a load balancer's check reaches the service's own verdict.
    ///
    /// A report lasts `ttl` (a lease): report again well within it. A reporter that stops
    /// — it hung, crashed or lost the store — turns unhealthy when the lease expires;
    /// leaving ``withVigil(etcd:cluster:node:identity:logger:_:)`` withdraws the report.
    ///
    /// - Parameters:
    ///   - resource: the resource (a name in the cluster's configuration, or any name the
    ///     health checks ask for).
    ///   - healthy: the verdict.
    ///   - reason: why (at most 500 characters are kept).
    ///   - ttl: how long the report holds (whole seconds, at least 1 s).
    /// - Throws: ``VigilKitError`` `invalidArgument`; `VigilStoreError`.
    public func reportHealth(resource: String, healthy: Bool, reason: String = "", ttl: Duration = .seconds(5)) async throws {
        try KeyName.validate(resource, what: "the resource name")
        guard ttl >= .seconds(1) else { throw VigilKitError(.invalidArgument, "a health report's ttl must be at least 1s") }
        let seconds = Int(ttl.components.seconds)
        let record = HealthReportRecord(
            healthy: healthy, reason: String(reason.prefix(HealthReportRecord.maxReasonLength)), reporter: identity,
            time: ISO8601DateFormatter().string(from: Date()), ttl: seconds)
        let key = keyspace.report(resource, on: node)
        let lease = try await store.grantLease(ttl: .seconds(seconds))
        do {
            _ = try await store.txn(Txn(success: [.put(key: key, value: Array(try JSONEncoder().encode(record)), lease: lease.id)]))
        } catch {
            try? await store.revokeLease(lease.id)
            throw error
        }
        if let previous = await reports.replace(key, with: lease.id) {
            try? await store.revokeLease(previous)
        }
    }

    /// Withdraws this process's report on `resource` (the agent then has none to serve).
    public func withdrawHealth(resource: String) async throws {
        try KeyName.validate(resource, what: "the resource name")
        let key = keyspace.report(resource, on: node)
        _ = try await store.txn(Txn(success: [.delete(.key(key))]))
        if let previous = await reports.replace(key, with: nil) {
            try? await store.revokeLease(previous)
        }
    }

    /// Revokes every report's lease (their keys go with them).
    func withdrawAllReports() async {
        for lease in await reports.removeAll() {
            try? await store.revokeLease(lease)
        }
    }
}
