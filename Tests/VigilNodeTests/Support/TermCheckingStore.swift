import Foundation
import Synchronization
import VigilNode
import VigilCluster
import VigilStore

/// A ``ClusterStore`` decorator that checks every write of `assignments/*`: the
/// transaction must be guarded by `create_revision(coordinator) == term` with the term
/// the record carries. The store evaluates that compare atomically with the write, so a
/// write that succeeds under it was made by the coordinator of the current term — a
/// deposed coordinator's assignment can never land.
final class TermCheckingStore: ClusterStore, Sendable {
    let inner: any ClusterStore
    let keyspace: Keyspace
    private let found = Mutex<[String]>([])
    private let count = Mutex(0)

    init(_ inner: any ClusterStore, keyspace: Keyspace) {
        self.inner = inner
        self.keyspace = keyspace
    }

    /// Unguarded or wrongly guarded assignment writes that succeeded.
    var violations: [String] { found.withLock { $0 } }
    /// Assignment writes that succeeded.
    var assignmentWrites: Int { count.withLock { $0 } }

    func txn(_ txn: Txn) async throws -> TxnResult {
        var problems: [String] = []
        var writes = 0
        for case .put(let key, let value, _) in txn.success where key.hasPrefix(keyspace.assignments) {
            writes += 1
            guard let record = try? JSONDecoder().decode(AssignmentRecord.self, from: Data(value)) else {
                problems.append("\(key): undecodable assignment")
                continue
            }
            let guards = txn.compares.filter { $0.key == keyspace.coordinator && $0.op == .equal }
            let terms = guards.compactMap { compare -> Int64? in
                if case .createRevision(let term) = compare.target { return term }
                return nil
            }
            if !terms.contains(record.term) {
                problems.append("\(key) written with term \(record.term) but guarded by coordinator create revisions \(terms)")
            }
        }
        let result = try await inner.txn(txn)
        if result.succeeded {
            count.withLock { $0 += writes }
            if !problems.isEmpty { found.withLock { $0 += problems } }
        }
        return result
    }

    func range(_ range: KeyRange) async throws -> RangeResult { try await inner.range(range) }
    func grantLease(ttl: Duration) async throws -> Lease { try await inner.grantLease(ttl: ttl) }
    func keepAlive(_ lease: Int64) async throws -> KeepAliveResult { try await inner.keepAlive(lease) }
    func revokeLease(_ lease: Int64) async throws { try await inner.revokeLease(lease) }
    func timeToLive(_ lease: Int64) async throws -> LeaseInfo? { try await inner.timeToLive(lease) }
    func watch(prefix: String, fromRevision: Int64) -> WatchStream { inner.watch(prefix: prefix, fromRevision: fromRevision) }
    func compact(_ revision: Int64) async throws { try await inner.compact(revision) }
}
