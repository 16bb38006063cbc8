/// An injected `Clock<Duration>` reduced to elapsed time since it was captured, so that
/// deadlines are plain `Duration`s (as ``MembershipMachine`` uses them).
struct ElapsedClock: Sendable {
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

    private static func make<C: Clock<Duration>>(_ clock: C) -> ElapsedClock {
        let origin = clock.now
        return ElapsedClock(
            now: { origin.duration(to: clock.now) },
            sleepUntil: { elapsed in try await clock.sleep(until: origin.advanced(by: elapsed), tolerance: nil) }
        )
    }
}
