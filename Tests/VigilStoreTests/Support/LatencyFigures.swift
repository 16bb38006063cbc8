import Foundation
import VigilStore

/// Put and txn latency percentiles (sequential requests).
struct LatencyFigures {
    var putP50: Duration
    var putP99: Duration
    var txnP50: Duration
    var txnP99: Duration
}

/// Measures 200 sequential puts and 200 guarded txns and prints the percentiles.
func measureLatency(_ store: some ClusterStore, members: Int) async throws -> LatencyFigures {
    let clock = ContinuousClock()
    let key = "/t/latency/\(UUID().uuidString)"
    var puts: [Duration] = []
    var txns: [Duration] = []
    for index in 0..<200 {
        let started = clock.now
        let revision = try await store.put(key, "v\(index)")
        puts.append(clock.now - started)
        let txnStarted = clock.now
        _ = try await store.txn(Txn(compares: [.unchanged(key, since: revision)], success: [.put(key, "t\(index)")]))
        txns.append(clock.now - txnStarted)
    }
    func percentile(_ values: [Duration], _ p: Double) -> Duration {
        let sorted = values.sorted()
        return sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
    }
    let figures = LatencyFigures(
        putP50: percentile(puts, 0.5), putP99: percentile(puts, 0.99), txnP50: percentile(txns, 0.5), txnP99: percentile(txns, 0.99))
    print("etcd latency, \(members) member(s), 200 sequential ops: put p50 \(figures.putP50) p99 \(figures.putP99); guarded txn p50 \(figures.txnP50) p99 \(figures.txnP99)")
    return figures
}
