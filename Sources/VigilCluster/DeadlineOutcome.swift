import VigilStore
/// The outcome of a store call raced against a deadline.
enum DeadlineOutcome<T: Sendable>: Sendable {
    /// The call returned.
    case value(T)
    /// The call threw.
    case failed(any Error)
    /// The deadline came first (the call was cancelled).
    case deadline

    /// Runs `operation` until `deadline` on `clock`. When the deadline wins, `onDeadline`
    /// runs *before* the (cancelled) call is awaited, so a hung call cannot delay it.
    static func race(
        _ operation: @escaping @Sendable () async throws -> T,
        until deadline: Duration,
        clock: StoreClock,
        isolation: isolated (any Actor)? = #isolation,
        onDeadline: () async -> Void
    ) async -> DeadlineOutcome<T> {
        await withTaskGroup(of: DeadlineOutcome<T>.self) { group in
            group.addTask {
                do {
                    return .value(try await operation())
                } catch {
                    return .failed(error)
                }
            }
            group.addTask {
                do {
                    try await clock.sleepUntil(deadline)
                    return .deadline
                } catch {
                    return .failed(error)
                }
            }
            let first = await group.next() ?? .deadline
            if case .deadline = first { await onDeadline() }
            group.cancelAll()
            return first
        }
    }
}
