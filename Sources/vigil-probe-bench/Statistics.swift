/// Percentiles of durations.
extension Array where Element == Duration {
    func percentile(_ p: Double) -> Duration {
        guard !isEmpty else { return .zero }
        let sorted = self.sorted()
        let index = Swift.min(sorted.count - 1, Swift.max(0, Int((Double(sorted.count) * p).rounded(.up)) - 1))
        return sorted[index]
    }
}

extension Duration {
    var milliseconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) * 1000 + Double(attoseconds) / 1e15
    }

    var microseconds: Double { milliseconds * 1000 }
}
