import Foundation
import Synchronization
import VigilHealth

/// A client that inserts rows with unique ids through one endpoint (HAProxy's writer
/// listener), a new connection each time, and logs every insert the server acknowledged —
/// the ids that must be on every node afterwards. It also records how long writes failed
/// in a row (the outages).
final class GaleraClient: Sendable {
    struct Outage: Sendable {
        var start: ContinuousClock.Instant
        var end: ContinuousClock.Instant
        var duration: Duration { end - start }
    }

    private struct State {
        var acknowledged: [Int64] = []
        var acknowledgedAt: [ContinuousClock.Instant] = []
        var attempts: Int64 = 0
        var failingSince: ContinuousClock.Instant?
        var outages: [Outage] = []
        var lastError = ""
    }

    let connection: MySQLConnection
    private let state = Mutex(State())

    init(connection: MySQLConnection) {
        self.connection = connection
    }

    /// Writes until cancelled.
    func run() async {
        while !Task.isCancelled {
            let id = state.withLock { state -> Int64 in
                state.attempts += 1
                return state.attempts
            }
            let result = await MySQLQuery.run(connection, sql: "INSERT INTO vt.t (id) VALUES (\(id))", timeout: .seconds(3))
            let now = ContinuousClock.now
            state.withLock { state in
                switch result {
                case .success:
                    state.acknowledged.append(id)
                    state.acknowledgedAt.append(now)
                    if let since = state.failingSince { state.outages.append(Outage(start: since, end: now)) }
                    state.failingSince = nil
                case .failure(let error):
                    if state.failingSince == nil { state.failingSince = now }
                    state.lastError = error.message
                }
            }
            if case .failure = result { try? await Task.sleep(for: .milliseconds(20)) }
        }
    }

    var acknowledged: [Int64] { state.withLock { $0.acknowledged } }
    var outages: [Outage] { state.withLock { $0.outages } }
    var lastError: String { state.withLock { $0.lastError } }
    /// The longest time without an acknowledged write, from `instant` to the first
    /// acknowledgement after `until` (a stall, whether the writes failed or waited).
    func longestGap(from instant: ContinuousClock.Instant, until: ContinuousClock.Instant) -> Duration {
        state.withLock { state in
            var previous = instant
            var longest = Duration.zero
            for time in state.acknowledgedAt where time > instant {
                longest = max(longest, time - previous)
                previous = time
                if time > until { break }
            }
            return longest
        }
    }

    /// The first outage that began at or after `instant`.
    func outage(after instant: ContinuousClock.Instant) -> Outage? { outages.first { $0.start >= instant } }
}
