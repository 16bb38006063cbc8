/// Runs probes on their intervals until cancelled, each in its own task: a probe that
/// hangs (up to its timeout) never delays another. Checks of one probe never overlap;
/// a check that outlasts the interval is followed at once by the next.
public struct ProbeRunner: Sendable {
    /// The probes, in report order.
    public let probes: [ProbeSpec]
    private let checker: HealthChecker
    private let clock: any Clock<Duration>
    private let spread: Bool

    /// Creates a runner; waits are measured on `clock`. With `spread`, the first
    /// check of probe *i* of *n* is delayed by *i/n* of its interval, so many probes
    /// do not all fire at the same instant.
    public init(probes: [ProbeSpec], checker: HealthChecker, clock: any Clock<Duration> = ContinuousClock(), spread: Bool = false) {
        self.probes = probes
        self.checker = checker
        self.clock = clock
        self.spread = spread
    }

    /// Runs until the calling task is cancelled, passing every result to `onUpdate`
    /// (called from the probe's own task; keep it short).
    public func run(_ onUpdate: @escaping @Sendable (ProbeUpdate) async -> Void) async {
        await withTaskGroup(of: Void.self) { group in
            for (index, probe) in probes.enumerated() {
                group.addTask { await loop(index: index, probe: probe, clock: clock, onUpdate: onUpdate) }
            }
        }
    }

    private func loop<C: Clock<Duration>>(
        index: Int, probe: ProbeSpec, clock: C, onUpdate: @escaping @Sendable (ProbeUpdate) async -> Void
    ) async {
        var machine = ProbeStateMachine(rise: probe.rise, fall: probe.fall)
        var next = clock.now
        if spread && probes.count > 1 {
            next = next.advanced(by: probe.interval * (Double(index) / Double(probes.count)))
            do { try await clock.sleep(until: next, tolerance: nil) } catch { return }
        }
        while !Task.isCancelled {
            let result = await checker.check(probe)
            if Task.isCancelled { return }
            let change = machine.record(passed: result.passed)
            await onUpdate(ProbeUpdate(index: index, name: probe.name, result: result, state: machine.state, changed: change != nil))
            next = next.advanced(by: probe.interval)
            let now = clock.now
            if next < now { next = now }  // fell behind: start the next check at once
            do { try await clock.sleep(until: next, tolerance: nil) } catch { return }
        }
    }
}
