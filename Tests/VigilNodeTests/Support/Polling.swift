/// Polls `condition` until it holds or `timeout` passes (then throws). Not a sleep: it
/// returns as soon as the condition is true. The condition is checked once more after the
/// deadline, so a test process whose threads were starved for a while (other suites
/// running CPU-bound work) does not fail on wall-clock time alone.
func eventually(
    _ what: String, timeout: Duration = .seconds(30), every interval: Duration = .milliseconds(20),
    isolation: isolated (any Actor)? = #isolation,
    _ condition: () async throws -> Bool
) async throws {
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    var lastError: (any Error)?
    while clock.now < deadline {
        do {
            if try await condition() { return }
        } catch {
            lastError = error
        }
        try await Task.sleep(for: interval)
    }
    do {
        if try await condition() { return }
    } catch {
        lastError = error
    }
    throw TestFailure("timed out after \(timeout) waiting for \(what)" + (lastError.map { " (last error: \($0))" } ?? ""))
}

/// Runs `body` with a deadline; throws if it does not finish in time (cancelling it).
func withDeadline<T: Sendable>(
    _ timeout: Duration, _ what: String, _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: timeout)
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let value = first else {
            throw TestFailure("\(what) did not finish within \(timeout)")
        }
        return value
    }
}
