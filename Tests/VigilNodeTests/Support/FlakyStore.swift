import Synchronization
import VigilStore

/// A ``ClusterStore`` that forwards to another store, or fails (`unavailable`) or hangs
/// (until its mode changes or the call is cancelled) — to make the store unreachable.
///
/// `silent` is a member that went quiet (a frozen process, a dead host): every call hangs
/// on `clock` without an error, and watch streams deliver nothing, until the mode changes;
/// a silent watch then delivers what it withheld, as a watch resumed from its last
/// revision would. Its forwarding tasks run on `executor` (the simulation's).
final class FlakyStore: ClusterStore, Sendable {
    enum Mode: Sendable { case normal, failing, hanging, silent }

    let inner: any ClusterStore
    private let state = Mutex(Mode.normal)
    private let hung = Mutex(0)
    private let clock: (any Clock<Duration>)?
    private let executor: (any TaskExecutor)?

    init(_ inner: any ClusterStore, clock: (any Clock<Duration>)? = nil, executor: (any TaskExecutor)? = nil) {
        self.inner = inner
        self.clock = clock
        self.executor = executor
    }

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
            case .silent: try await quiet()
            }
        }
    }

    /// Waits a little while silent: on the injected clock (the simulation's), else real time.
    private func quiet() async throws {
        if let clock { try await clock.sleep(for: .milliseconds(10)) } else { try await Task.sleep(for: .milliseconds(2)) }
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
        guard clock != nil else { return inner.watch(prefix: prefix, fromRevision: fromRevision) }
        let source = inner.watch(prefix: prefix, fromRevision: fromRevision)
        let (stream, continuation) = AsyncThrowingStream<WatchUpdate, any Error>.makeStream()
        let forwarding = Task(executorPreference: executor) { [self] in
            do {
                for try await update in source {
                    while mode == .silent { try await quiet() }
                    continuation.yield(update)
                }
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { _ in forwarding.cancel() }
        return WatchStream(stream)
    }

    func compact(_ revision: Int64) async throws {
        try await gate()
        try await inner.compact(revision)
    }
}
