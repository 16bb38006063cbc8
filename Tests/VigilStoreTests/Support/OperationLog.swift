import Foundation

/// Outcomes of operations over time.
actor OperationLog {
    private var entries: [(ok: Bool, at: ContinuousClock.Instant)] = []

    func record(_ ok: Bool, at instant: ContinuousClock.Instant) { entries.append((ok, instant)) }
    var successes: Int { entries.filter(\.ok).count }
    func successes(after instant: ContinuousClock.Instant) -> Int { entries.filter { $0.ok && $0.at > instant }.count }
    func failures(after instant: ContinuousClock.Instant) -> Int { entries.filter { !$0.ok && $0.at > instant }.count }
    func total(after instant: ContinuousClock.Instant) -> Int { entries.filter { $0.at > instant }.count }
}
