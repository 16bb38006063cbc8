/// An injected `Clock<Duration>` reduced to elapsed time since it was captured, so that
/// deadlines (store leases, the membership's self-fence deadline) are plain `Duration`s.
public struct StoreClock: Sendable {
    /// Time elapsed since the clock was captured.
    public let now: @Sendable () -> Duration
    /// Sleeps until the given elapsed time.
    public let sleepUntil: @Sendable (Duration) async throws -> Void

    /// Captures `clock` now: elapsed time starts at zero.
    public init(_ clock: any Clock<Duration>) {
        self = Self.make(clock)
    }

    private init(now: @escaping @Sendable () -> Duration, sleepUntil: @escaping @Sendable (Duration) async throws -> Void) {
        self.now = now
        self.sleepUntil = sleepUntil
    }

    private static func make<C: Clock<Duration>>(_ clock: C) -> StoreClock {
        let origin = clock.now
        return StoreClock(
            now: { origin.duration(to: clock.now) },
            sleepUntil: { elapsed in try await clock.sleep(until: origin.advanced(by: elapsed), tolerance: nil) }
        )
    }
}
