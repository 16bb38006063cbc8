/// Bounds an async check by a timeout measured on an injected clock.
enum Deadline {
    /// Runs `check`; if it has not finished after `timeout`, cancels it and returns a
    /// failed, timed-out result. `check` must respond to cancellation promptly (all
    /// probes do: NIO and async-http-client are cancellable, blocking C calls run
    /// through `BlockingCall`).
    static func run(
        timeout: Duration, clock: any Clock<Duration>, what: String, _ check: @escaping @Sendable () async -> ProbeResult
    ) async -> ProbeResult {
        let started = ContinuousClock.now
        var result = await withTaskGroup(of: ProbeResult?.self) { group in
            group.addTask { await check() }
            group.addTask {
                do { try await clock.sleep(for: timeout) } catch { return nil }
                return ProbeResult(passed: false, message: "\(what): no answer within \(timeout)", timedOut: true)
            }
            var first: ProbeResult?
            while first == nil, let next = await group.next() {
                first = next
            }
            group.cancelAll()
            return first ?? ProbeResult(passed: false, message: "\(what): cancelled")
        }
        result.duration = ContinuousClock.now - started
        return result
    }
}
