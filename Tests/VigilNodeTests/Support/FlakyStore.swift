import Synchronization
import VigilStore

/// A ``ClusterStore`` that forwards to another store, or fails (`unavailable`) or hangs
/// (until its mode changes or the call is cancelled) — to make the store unreachable.
final class FlakyStore: ClusterStore, Sendable {
    enum Mode: Sendable { case normal, failing, hanging }

    let inner: any ClusterStore
    private let state = Mutex(Mode.normal)
    private let hung = Mutex(0)

    init(_ inner: any ClusterStore) { self.inner = inner }

    var mode: Mode {
        get { state.withLock { $0 } }
        set { state.withLock { $0 = newValue } }
    }

    /// How many calls are hanging now.
    var hangingCalls: Int { hung.withLock { $0 } }

    private func gate() async throws {
        hung.withLock { $0 += 1 }
        defer { hung.withLock { $0 -= 1 } }
        while true {
            switch mode {
            case .normal: return
            case .failing: throw VigilStoreError(.unavailable, "injected: store unreachable")
            case .hanging: try await Task.sleep(for: .milliseconds(2))
            }
        }
    }

    func range(_ range: KeyRange) async throws -> RangeResult {
        try await gate()
        return try await inner.range(range)
    }

    func txn(_ txn: Txn) async throws -> TxnResult {
        try await gate()
        return try await inner.txn(txn)
    }

    func grantLease(ttl: Duration) async throws -> Lease {
        try await gate()
        return try await inner.grantLease(ttl: ttl)
    }

    func keepAlive(_ lease: Int64) async throws -> KeepAliveResult {
        try await gate()
        return try await inner.keepAlive(lease)
    }

    func revokeLease(_ lease: Int64) async throws {
        try await gate()
        try await inner.revokeLease(lease)
    }

    func timeToLive(_ lease: Int64) async throws -> LeaseInfo? {
        try await gate()
        return try await inner.timeToLive(lease)
    }

    func watch(prefix: String, fromRevision: Int64) -> WatchStream {
        inner.watch(prefix: prefix, fromRevision: fromRevision)
    }

    func compact(_ revision: Int64) async throws {
        try await gate()
        try await inner.compact(revision)
    }
}
