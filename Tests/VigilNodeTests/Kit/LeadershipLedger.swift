import Synchronization

/// What the simulated leaders did, and the checks on it: which bodies ran when (by token),
/// and a store of the test's own that accepts a write only with a token at least as
/// great as any it has seen (the example's guarded store).
final class LeadershipLedger: Sendable {
    struct Body: Sendable {
        var process: Int
        var token: Int64
        var began: Duration
        var ended: Duration?
    }

    private struct State {
        var bodies: [Body] = []
        var violations: [String] = []
        var greatestSeen: Int64 = 0
        var accepted = 0
        var staleRejected = 0
        var etcdAccepted = 0
        var etcdRejected = 0
    }

    private let state = Mutex(State())

    func begin(process: Int, token: Int64, at now: Duration) {
        state.withLock { state in
            if let last = state.bodies.map(\.token).max(), token <= last {
                state.violations.append("process \(process) began with token \(token) at \(now), not above \(last)")
            }
            state.bodies.append(Body(process: process, token: token, began: now))
        }
    }

    func end(token: Int64, at now: Duration) {
        state.withLock { state in
            if let index = state.bodies.lastIndex(where: { $0.token == token && $0.ended == nil }) {
                state.bodies[index].ended = now
            }
        }
    }

    /// The guarded store: refuses a token below the greatest seen.
    func guardedWrite(token: Int64) -> Bool {
        state.withLock { state in
            guard token >= state.greatestSeen else {
                state.staleRejected += 1
                return false
            }
            state.greatestSeen = token
            state.accepted += 1
            return true
        }
    }

    /// Checks an outcome of ``Vigil/write(_:to:token:)``: it must fail for a token below the
    /// greatest that has begun a body.
    func etcdWrite(token: Int64, succeeded: Bool, at now: Duration) {
        state.withLock { state in
            let newest = state.bodies.map(\.token).max() ?? 0
            if succeeded {
                state.etcdAccepted += 1
                if token < newest {
                    state.violations.append("etcd accepted a write with stale token \(token) at \(now) (newest leader \(newest))")
                }
            } else {
                state.etcdRejected += 1
            }
        }
    }

    /// Bodies active now in processes not frozen.
    func running(excludingFrozen frozen: Set<Int>) -> [Body] {
        state.withLock { $0.bodies.filter { $0.ended == nil && !frozen.contains($0.process) } }
    }

    func violation(_ message: String) {
        state.withLock { $0.violations.append(message) }
    }

    var violations: [String] { state.withLock { $0.violations } }
    var bodies: [Body] { state.withLock { $0.bodies } }
    var counts: (accepted: Int, staleRejected: Int, etcdAccepted: Int, etcdRejected: Int) {
        state.withLock { ($0.accepted, $0.staleRejected, $0.etcdAccepted, $0.etcdRejected) }
    }
}
