/// An injected `Clock<Duration>` reduced to elapsed time since the store started, so that
/// lease deadlines can be stored as plain `Duration`s.
struct StoreClock: Sendable {
    /// Time elapsed since the clock was captured.
    let now: @Sendable () -> Duration
    /// Sleeps until the given elapsed time.
    let sleepUntil: @Sendable (Duration) async throws -> Void

    init(_ clock: any Clock<Duration>) {
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
